"""Reading roster files: encodings, delimiters, headers, dates and cells."""

from __future__ import annotations

from datetime import date

import pytest

from talent.rosters.parsing import FileProblem, check_cells, parse_date, read_roster
from talent.web.csv_export import csv_text, safe_cell

TODAY = date(2026, 10, 1)
NORWEGIAN = (
    "navn;fødselsdato;klasse;foresatt navn;foresatt e-post;foresatt telefon\n"
    "Emma Hansen;17.05.2010;2STA;Kari Hansen;kari@example.no;+47 912 34 567\n"
)
ENGLISH = (
    "Name,Birth date,Class,Guardian name,Guardian e-mail,Guardian phone\n"
    "Emma Hansen,2010-05-17,2STA,,,\n"
)


def _problem(data: bytes) -> FileProblem:
    with pytest.raises(FileProblem) as raised:
        read_roster(data)
    return raised.value


@pytest.mark.parametrize(
    "data",
    [
        NORWEGIAN.encode(),
        ("\ufeff" + NORWEGIAN).encode(),
        NORWEGIAN.replace("\n", "\r\n").encode(),
    ],
    ids=["utf8", "bom", "crlf"],
)
def test_norwegian_semicolon_files_with_or_without_bom(data):
    roster = read_roster(data)
    assert roster.delimiter == ";"
    [(line, cells)] = roster.rows
    assert line == 2
    assert cells == {
        "name": "Emma Hansen",
        "birth_date": "17.05.2010",
        "class": "2STA",
        "guardian_name": "Kari Hansen",
        "guardian_email": "kari@example.no",
        "guardian_phone": "+47 912 34 567",
    }


def test_english_comma_files_and_ignored_columns():
    data = ENGLISH.replace("Guardian phone", "Guardian phone,Shoe size").replace(",,,", ",,,,42")
    roster = read_roster(data.encode())
    assert roster.delimiter == ","
    assert roster.ignored_columns == ["Shoe size"]
    assert roster.rows[0][1]["birth_date"] == "2010-05-17"


def test_blank_lines_are_skipped_and_line_numbers_kept():
    roster = read_roster((NORWEGIAN + "\n;;;;;\nOla Dahl;01.02.2010;2STA;;;\n").encode())
    assert [line for line, _ in roster.rows] == [2, 5]


def test_a_quoted_name_with_the_delimiter_inside():
    roster = read_roster(b'name,birth date,class\n"Hansen, Emma",2010-05-17,2STA\n')
    assert roster.rows[0][1]["name"] == "Hansen, Emma"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty"),
        (b"  \n \n", "empty"),
        (b"PK\x03\x04rest of a zip", "spreadsheet"),
        ("name;class".encode("utf-16"), "utf16"),
        ("navn;fødselsdato;klasse\nÅse;01.01.2010;1A\n".encode("cp1252"), "encoding"),
        (b"name,birth date,class\n\x00\x00", "binary"),
        (b"name,birth date,class\n", "no_rows"),
        (b"name;class\nEmma;2STA\n", "missing_columns"),
        (b"name;navn;birth date;class\n", "same_column_twice"),
    ],
)
def test_files_that_cannot_be_used_say_why(data, code):
    assert _problem(data).code == code


def test_the_missing_columns_are_named_in_both_languages():
    problem = _problem(b"navn;klasse\nEmma;2STA\n")
    assert problem.params["columns"] == [("birth date", "fødselsdato")]
    assert problem.params["found"] == ["navn", "klasse"]


def test_a_wrong_encoding_names_the_line():
    data = "navn;fødselsdato;klasse\nOla;01.01.2010;1A\nÅse;01.01.2010;1A\n".encode("cp1252")
    assert _problem(data).params["line"] == 1  # the header's ø already is Windows-1252


@pytest.mark.parametrize(
    ("text", "expected", "code"),
    [
        ("2010-05-17", date(2010, 5, 17), None),
        ("17.05.2010", date(2010, 5, 17), None),
        ("7.5.2010", date(2010, 5, 7), None),
        ("17/05/2010", date(2010, 5, 17), None),
        ("31.02.2010", None, "birth_date_impossible"),
        ("2010-13-01", None, "birth_date_impossible"),
        ("17.05.10", None, "birth_date_short_year"),
        ("May 17th", None, "birth_date_format"),
        ("", None, "birth_date_missing"),
    ],
)
def test_dates(text, expected, code):
    parsed, problem = parse_date(text)
    assert parsed == expected
    assert (problem[0] if problem else None) == code


def _codes(**cells):
    values = {"name": "Emma Hansen", "birth_date": "17.05.2010", "class": "2STA"}
    values.update(cells)
    row = check_cells(values, today=TODAY, school_name="Ullern videregående skole")
    return [code for code, _ in row.problems]


@pytest.mark.parametrize(
    ("cells", "codes"),
    [
        ({}, []),
        ({"name": "  "}, ["name_missing"]),
        ({"name": "x" * 201}, ["name_too_long"]),
        ({"name": "Emma\x07"}, ["name_bad_characters"]),
        # A quoted cell may hold a line break: refused, not folded into a space.
        ({"name": "Emma\r\nBcc: evil@example.com"}, ["name_bad_characters"]),
        ({"name": "Emma\u2028Hansen"}, ["name_bad_characters"]),
        ({"name": "Emma\tHansen"}, ["name_bad_characters"]),
        ({"class": "2\nSTA"}, ["class_invalid"]),
        ({"guardian_name": "Kari\nNordmann"}, ["guardian_name_invalid"]),
        (
            {"guardian_name": "Kari", "guardian_email": "kari@exa\x85mple.no"},
            ["guardian_email_invalid"],
        ),
        ({"birth_date": "17.05.2030"}, ["birth_date_future"]),
        ({"birth_date": "17.05.1950"}, ["birth_date_age"]),
        ({"class": ""}, ["class_missing"]),
        ({"class": "2STA; DROP"}, ["class_invalid"]),
        ({"guardian_email": "kari@example.no"}, ["guardian_name_missing"]),
        ({"guardian_name": "Kari", "guardian_email": "kari"}, ["guardian_email_invalid"]),
        ({"guardian_name": "Kari", "guardian_phone": "ring meg"}, ["guardian_phone_invalid"]),
        ({"school": "Ullern Videregående  Skole"}, []),
        ({"school": "Elvebakken"}, ["wrong_school"]),
        ({"_extra_cells": "1"}, ["extra_cells"]),
    ],
)
def test_cells(cells, codes):
    assert _codes(**cells) == codes


def test_a_line_break_inside_a_quoted_name_is_a_problem_line_not_a_pupil():
    roster = read_roster(
        b'name,birth date,class\n"Emma\r\nBcc: evil@example.com",2010-05-17,2STA\n'
    )
    ((_, cells),) = roster.rows
    assert [code for code, _ in check_cells(cells, today=TODAY, school_name="Ullern").problems] == [
        "name_bad_characters"
    ]


def test_extra_cells_after_the_header_are_flagged():
    roster = read_roster(b"name,birth date,class\nHansen, Emma,2010-05-17,2STA\n")
    assert roster.rows[0][1]["_extra_cells"] == "1"


@pytest.mark.parametrize("value", ["=1+1", "+47 912", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_cells_are_neutralised_in_exports(value):
    assert safe_cell(value) == "'" + value


def test_harmless_cells_are_left_alone():
    assert safe_cell("Emma Hansen") == "Emma Hansen"
    assert safe_cell(None) == ""
    assert safe_cell(7) == 7 and safe_cell(-3) == -3  # numbers stay numbers


def test_an_exported_file_imports_back_unchanged():
    text = csv_text(
        ["name", "birth date", "class", "guardian name", "guardian e-mail", "guardian phone"],
        [['=HYPERLINK("x")', "2010-05-17", "2STA", "Kari", "kari@example.no", "+47 912 34 567"]],
        norwegian=False,
    )
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and "'+47 912 34 567" in text
    cells = read_roster(text.encode()).rows[0][1]
    assert cells["name"] == '=HYPERLINK("x")'
    assert cells["guardian_phone"] == "+47 912 34 567"
