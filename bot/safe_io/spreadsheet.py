"""CSV cells that a spreadsheet shows as text, never runs as a formula.

Free text in our exports (a name, a message a student typed) can start with "=", "+", "-" or "@",
which Excel and LibreOffice would evaluate ("=HYPERLINK(...)" is the classic CSV injection); a
leading apostrophe keeps such a cell text. The leads export, the console's appointments CSV, the
insights CSV and the knowledge base's export all write cells through here; the knowledge base's
import reads its own export back through `from_text_cell`.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """`text` as a cell that stays text in a spreadsheet. Text that already looks neutralised
    (an apostrophe, then a formula character) gets one more, so `from_text_cell` gives it back
    exactly (a spreadsheet, too, shows it with its own apostrophe)."""
    return "'" + text if text.lstrip("'").startswith(FORMULA_STARTS) else text


def from_text_cell(cell: str) -> str:
    """The text `text_cell` was given: a file exported from here and read back (the knowledge
    base's import) loses the apostrophe that kept a formula-like cell text, and nothing else."""
    if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_STARTS):
        return cell[1:]
    return cell
