"""Sentences for the codes a roster check produces, in the reader's language."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, get_locale
from flask_babel import lazy_gettext as _l

FILE_PROBLEMS = {
    "empty": _l("The file is empty."),
    "spreadsheet": _l(
        "This is an Excel workbook, not a CSV file. In Excel choose File › Save as › "
        "CSV UTF-8 (comma delimited) and upload that file."
    ),
    "utf16": _l(
        "The file is saved as UTF-16 (“Unicode text”). Save it as CSV UTF-8 and upload it again."
    ),
    "encoding": _l(
        "The file is not UTF-8 text: line %(line)d has characters in another encoding (such as "
        "Windows-1252). In Excel choose File › Save as › CSV UTF-8, then upload it again."
    ),
    "binary": _l("The file contains binary data; upload a CSV text file."),
    "unreadable": _l("Line %(line)d cannot be read as CSV (%(detail)s)."),
    "no_rows": _l("The file has a header but no pupils."),
    "same_column_twice": _l(
        "The columns “%(first)s” and “%(second)s” mean the same; keep one of them."
    ),
    "missing_columns": _l(
        "The file lacks the column(s) %(columns)s. The first line must name the columns; "
        "it has: %(found)s."
    ),
    "too_large": _l("The file is larger than %(max)d MB. Split it into smaller files."),
}

ROW_PROBLEMS = {
    "extra_cells": _l(
        "The line has more cells than the header. Is there a comma or semicolon inside a name "
        "without quotes?"
    ),
    "name_missing": _l("The name is empty."),
    "name_too_long": _l("The name is longer than %(max)d characters."),
    "name_bad_characters": _l("The name contains characters that cannot be used."),
    "birth_date_missing": _l("The birth date is empty."),
    "birth_date_short_year": _l(
        "The birth date “%(value)s” has a two-digit year; write all four digits, as 17.05.2010."
    ),
    "birth_date_format": _l("“%(value)s” is not a date; write it as 17.05.2010 or 2010-05-17."),
    "birth_date_impossible": _l("The birth date %(value)s does not exist in the calendar."),
    "birth_date_future": _l("The birth date %(value)s is in the future."),
    "birth_date_age": _l(
        "Born %(value)s, the pupil would be %(age)d years old; pupils are 5 to 30."
    ),
    "class_missing": _l("The class is empty."),
    "class_invalid": _l(
        "“%(value)s” cannot be a class name; use letters, digits, spaces and hyphens, like 2STA."
    ),
    "guardian_name_missing": _l("A guardian e-mail or phone is given without the guardian's name."),
    "guardian_name_invalid": _l(
        "The guardian's name is too long or has characters that cannot be used."
    ),
    "guardian_email_invalid": _l("“%(value)s” is not an e-mail address."),
    "guardian_phone_invalid": _l(
        "“%(value)s” is not a phone number; use digits, spaces and an optional + only."
    ),
    "wrong_school": _l("This line is for %(value)s, but you are importing pupils of %(school)s."),
    "duplicate_row": _l("The same pupil and guardian as line %(line)d: remove one of the lines."),
    "conflicting_class": _l(
        "The same pupil as line %(line)d, but in class %(other)s there; use one class."
    ),
    "ambiguous_pupil": _l(
        "%(count)d pupils with this name and birth date are already registered at the school; "
        "correct that in the class list first."
    ),
}

CHANGES = {
    "new_pupil": _l("New pupil in %(class)s."),
    "new_class": _l("Creates class %(class)s."),
    "class_change": _l("Moves from %(old)s to %(new)s."),
    "new_guardian": _l("Adds guardian %(name)s."),
    "guardian_email": _l("Sets %(name)s's e-mail to %(value)s."),
    "guardian_phone": _l("Sets %(name)s's phone to %(value)s."),
    "same_pupil": _l("Another guardian of the pupil on line %(line)d."),
}


def _format(table: dict, code: str, params: dict) -> str:
    template = table.get(code)
    if template is None:
        return code
    values = dict(params)
    for key, value in values.items():
        if isinstance(value, list):
            values[key] = ", ".join(
                " / ".join(f"“{part}”" for part in item) if isinstance(item, list | tuple) else item
                for item in value
            )
        elif isinstance(value, date):
            values[key] = format_date(value, "d. MMM y")
    return str(template) % values


def file_problem(code: str, params: dict) -> str:
    return _format(FILE_PROBLEMS, code, params)


def row_problem(code: str, params: dict) -> str:
    return _format(ROW_PROBLEMS, code, params)


def change(code: str, params: dict) -> str:
    return _format(CHANGES, code, params)


def locale_name() -> str:
    return str(get_locale() or "en")
