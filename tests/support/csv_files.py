"""Reading a CSV download the way the user's spreadsheet would."""

from __future__ import annotations

import csv
import io

#: A researcher's name that becomes three cells, two of them formulas, in a file whose cells
#: are split on ``;`` without quotes.
HOSTILE_NAME = "Eve;=2+5;-3+3"
LANGUAGES = ("nb", "en")


def read_csv(response, language: str) -> list[list[str]]:
    """The cells of a CSV download, split on the delimiter of ``language``; checks the BOM."""
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True)
    assert body.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    delimiter = ";" if language == "nb" else ","
    return list(csv.reader(io.StringIO(body[1:], newline=""), delimiter=delimiter))


def raw_lines(response) -> list[str]:
    return response.get_data(as_text=True).lstrip("\ufeff").splitlines()
