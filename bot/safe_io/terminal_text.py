"""Student text made safe to print on a counselor's terminal.

What a student types reaches `python -m bot handoffs list` (and `leads export` to a terminal)
verbatim. Printed raw, an escape sequence could clear the screen, rewrite earlier lines, set the
window title, or (on some terminals) write to the clipboard or answer back with keystrokes; a
carriage return or a bidi override could make a line read differently from what was sent. So
every control character is dropped before printing: C0 (with ESC) and DEL, C1 (with the 8-bit
CSI and OSC), and the bidi embedding, override, isolate and mark characters. Line breaks of
every kind (\r, the Unicode line separator, ...) become plain newlines where the caller keeps
the layout, and spaces where it does not (tabs stay only with the layout).
"""

from __future__ import annotations

import re
from typing import TextIO

_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROLS = re.compile(f"[\\x00-\\x08\\x0e-\\x1f\\x7f-\\x84\\x86-\\x9f{_BIDI_CONTROLS}]")
# \r alone would return the cursor and let the rest of the line overwrite what came before.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")


def terminal_safe(text: str, *, keep_layout: bool = False) -> str:
    """`text` without control characters. With `keep_layout`, tabs and line breaks stay (every
    kind of line break, \\r included, becomes \\n); without it each becomes a space, for
    one-line fields."""
    separator = "\n" if keep_layout else " "
    text = _LINE_BREAKS.sub(separator, text)
    if not keep_layout:
        text = text.replace("\t", " ")
    return _CONTROLS.sub("", text)


def terminal_lines(text: str) -> list[str]:
    """The lines of a multi-line message, each safe to print ("" gives [""])."""
    return terminal_safe(text, keep_layout=True).split("\n")


class TerminalSafeWriter:
    """A text stream that passes everything written to it through `terminal_safe` (layout kept),
    for a CSV or JSON export that a person reads on the terminal instead of saving to a file."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(terminal_safe(text, keep_layout=True))

    def flush(self) -> None:
        self._stream.flush()
