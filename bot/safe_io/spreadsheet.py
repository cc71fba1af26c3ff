"""CSV cells that a spreadsheet shows as text, never runs as a formula.

Free text in our exports (a name, a message a student typed) can start with "=", "+", "-" or "@",
which Excel and LibreOffice would evaluate ("=HYPERLINK(...)" is the classic CSV injection); a
leading apostrophe keeps such a cell text. The leads export, the console's appointments CSV and
the insights CSV all write cells through here.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """`text` as a cell that stays text in a spreadsheet."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
