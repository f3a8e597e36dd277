"""Every CSV file the platform hands out, written one way.

The delimiter follows the user's interface language, because that is what their spreadsheet
expects when they double-click the file: Norwegian Excel and LibreOffice split on ``;`` (the
comma is the Norwegian decimal mark), English ones on ``,``. Every file starts with a byte
order mark, so Excel reads it as UTF-8 (Åse, Ørjan) in either language.

Numbers (int, float, Decimal) are written as numbers, with a decimal comma in Norwegian, so a
spreadsheet can sum them. A text cell that starts with = + - @ (or a tab or carriage return)
would be run as a formula; it gets a leading apostrophe, which spreadsheets show as text (the
OWASP advice). Every text cell is quoted, so a name like ``Eve;=2+5;-3+3`` stays one cell and
cannot smuggle a formula into the next one, even in a spreadsheet that splits on the other
delimiter. The roster import
strips the apostrophe again (``unescape_cell``), so exported rosters import unchanged.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from flask import Response
from flask_babel import get_locale

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Byte order mark, so that Excel reads the file as UTF-8.
BOM = "\ufeff"


def is_norwegian() -> bool:
    return str(get_locale()) == "nb"


def delimiter_for(norwegian: bool) -> str:
    return ";" if norwegian else ","


class _CommaDecimal(float):
    """A float the csv module writes unquoted, with the Norwegian decimal comma."""

    def __str__(self) -> str:
        return super().__str__().replace(".", ",")


def safe_cell(value: object, *, decimal_comma: bool = False) -> object:
    """A number stays a number; text gets an apostrophe if a spreadsheet would run it."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        if decimal_comma and not isinstance(value, int):
            return _CommaDecimal(value)
        return value
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def unescape_cell(text: str) -> str:
    """Undo ``safe_cell``: drop the apostrophe in front of a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@\t\r":
        return text[1:]
    return text


def csv_text(header: Iterable[object], rows: Iterable[Iterable[object]], *, norwegian: bool) -> str:
    """A whole CSV file with a BOM, every cell made safe, in the language's conventions."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(
        buffer,
        delimiter=delimiter_for(norwegian),
        quoting=csv.QUOTE_NONNUMERIC,
        lineterminator="\r\n",
    )
    writer.writerow([safe_cell(title) for title in header])
    for row in rows:
        writer.writerow([safe_cell(value, decimal_comma=norwegian) for value in row])
    return buffer.getvalue()


def csv_response(header: Iterable[object], rows: Iterable[Iterable[object]], *, filename: str):
    """The rows as a CSV download in the user's interface language."""
    return Response(
        csv_text(header, rows, norwegian=is_norwegian()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
