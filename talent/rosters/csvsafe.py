"""CSV files the platform hands out, safe to open in a spreadsheet.

A cell that starts with = + - @ (or a tab or carriage return) would be run as a formula by
Excel or LibreOffice; such cells get a leading apostrophe, which spreadsheets show as text.
The roster import strips that apostrophe again, so exported files import unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Byte order mark, so that Excel reads the file as UTF-8.
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """The value as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """Undo ``safe_cell``: drop the apostrophe in front of a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def csv_text(header: Iterable[str], rows: Iterable[Iterable[object]], *, delimiter: str) -> str:
    """A whole CSV file with a BOM, every cell made safe."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(title) for title in header])
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
