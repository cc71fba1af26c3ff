"""Bar charts as inline SVG, drawn on the server, and the tables of their numbers: no chart
library and no JavaScript.

The console's Content-Security-Policy allows no inline script or style, so the charts are plain
SVG elements whose colours come from classes in console.css. Each chart is an image with a
name (`<title>`, `aria-labelledby`) and a one-line description of what it shows; the page puts
the same numbers in a table right below it, which is the text alternative screen readers and
people who want the exact figures use (`figures_table`). A bar also carries its own `<title>`
(a tooltip).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

# Units of the viewBox; the SVG scales to the width of the page (375 px phones included).
_WIDTH = 640
_BAR_AREA_HEIGHT = 160
_AXIS_LABEL_SPACE = 22
_ROW_HEIGHT = 28
_LABEL_WIDTH = 230
_VALUE_SPACE = 70


@dataclass(frozen=True)
class Bar:
    """One bar: its label (axis text and tooltip), its value, and what the tooltip says."""

    label: str
    value: int
    note: str = ""


def column_chart(chart_id: str, title: str, summary: str, bars: Sequence[Bar]) -> str:
    """Vertical bars left to right (conversations per day): every bar labelled in its tooltip,
    the axis labelled at most about ten times so the text never overlaps."""
    count = max(len(bars), 1)
    top = max((bar.value for bar in bars), default=0)
    slot = _WIDTH / count
    gap = min(slot * 0.2, 4)
    every = max(1, -(-count // 10))  # ceil: at most ~10 axis labels
    height = _BAR_AREA_HEIGHT + _AXIS_LABEL_SPACE
    parts = [_axis_line(0, _BAR_AREA_HEIGHT, _WIDTH, _BAR_AREA_HEIGHT)]
    for index, bar in enumerate(bars):
        bar_height = _scaled(bar.value, top, _BAR_AREA_HEIGHT - 16)
        x = index * slot + gap / 2
        y = _BAR_AREA_HEIGHT - bar_height
        tooltip = f"{bar.label}: {bar.value}{f' {bar.note}' if bar.note else ''}"
        parts.append(
            f'<rect class="chart-bar" x="{x:.1f}" y="{y:.1f}" width="{slot - gap:.1f}" '
            f'height="{bar_height:.1f}"><title>{escape(tooltip)}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text class="chart-axis" x="{index * slot + slot / 2:.1f}" '
                f'y="{height - 6}" text-anchor="middle">{escape(bar.label)}</text>'
            )
    if top:  # the scale: the tallest bar's value at the top
        parts.append(f'<text class="chart-axis" x="2" y="12">{top}</text>')
    return _svg(chart_id, title, summary, _WIDTH, height, parts)


def bar_chart(chart_id: str, title: str, summary: str, bars: Sequence[Bar]) -> str:
    """Horizontal bars top to bottom (the funnel, the topics): label left, value right."""
    top = max((bar.value for bar in bars), default=0)
    span = _WIDTH - _LABEL_WIDTH - _VALUE_SPACE
    height = max(len(bars), 1) * _ROW_HEIGHT
    parts = []
    for index, bar in enumerate(bars):
        y = index * _ROW_HEIGHT
        width = _scaled(bar.value, top, span)
        shown = f"{bar.value}{f' ({bar.note})' if bar.note else ''}"
        parts.append(
            f'<text class="chart-label" x="{_LABEL_WIDTH - 8}" y="{y + 18}" '
            f'text-anchor="end">{escape(_shortened(bar.label))}</text>'
            f'<rect class="chart-bar" x="{_LABEL_WIDTH}" y="{y + 5}" width="{width:.1f}" '
            f'height="{_ROW_HEIGHT - 10}"><title>{escape(f"{bar.label}: {shown}")}</title></rect>'
            f'<text class="chart-value" x="{_LABEL_WIDTH + width + 6:.1f}" y="{y + 18}">'
            f"{escape(shown)}</text>"
        )
    return _svg(chart_id, title, summary, _WIDTH, height, parts)


def _svg(
    chart_id: str, title: str, summary: str, width: int, height: int, parts: Sequence[str]
) -> str:
    ident = escape(chart_id)
    return (
        f'<svg class="chart" id="{ident}" role="img" viewBox="0 0 {width} {height}" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(summary)}</desc>'
        f"{''.join(parts)}</svg>"
    )


def _axis_line(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line class="chart-axis-line" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>'


def _scaled(value: int, top: int, span: float) -> float:
    """A bar's length; a non-zero value always shows (at least 2 units)."""
    if top <= 0 or value <= 0:
        return 0.0
    return max(2.0, span * value / top)


def _shortened(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "\u2026"


# ---- the tables below the charts ---------------------------------------------------------------


def figures_table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    wide_first: bool = False,
) -> str:
    """The numbers of a chart (or a section without one) as a table with a caption; every cell
    is escaped text but an `Html` one."""
    heads = "".join(f'<th scope="col">{escape(name)}</th>' for name in header)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(
            f"<td{_numeric(cell)}>{cell if isinstance(cell, Html) else escape(cell)}</td>"
            for cell in row[1:]
        )
        + "</tr>"
        for row in rows
    )
    css = "figures wide-first" if wide_first else "figures"
    # A table wider than a phone scrolls inside its box: the box takes focus (and has a name,
    # not the same as its section's) so keyboard users can scroll it too.
    label = escape(f"Table: {caption}")
    return f"""<div class="table-scroll" role="region" tabindex="0" aria-label="{label}">
<table class="{css}">
<caption>{escape(caption)}</caption>
<thead><tr>{heads}</tr></thead>
<tbody>{body}</tbody>
</table></div>"""


class Html(str):
    """A table cell that is markup already (a link the page made), not text to escape."""


def _numeric(cell: str) -> str:
    return ' class="number"' if cell.rstrip("%").replace(".", "").isdigit() else ""
