"""Reading a roster CSV file and checking its cells; no database, no Flask.

Problems are (code, parameters) pairs, turned into sentences in the reader's language by
``talent.rosters.messages``; that way a preview reads right after a language switch.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from talent.text import is_single_line
from talent.web.csv_export import unescape_cell

FIELDS = (
    "name",
    "birth_date",
    "class",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "school",
)
REQUIRED = ("name", "birth_date", "class")

#: Header spellings per field, compared after ``header_key`` (lower case, letters and digits).
HEADER_NAMES = {
    "name": {
        "name", "fullname", "pupil", "pupilname", "student", "studentname",
        "navn", "fulltnavn", "elev", "elevnavn", "elevensnavn",
    },
    "birth_date": {
        "birthdate", "dateofbirth", "birthday", "dob", "born",
        "fødselsdato", "fodselsdato", "født", "fodt", "fødselsdag", "fødtdato",
    },
    "class": {"class", "classname", "group", "klasse", "klassenavn", "basisgruppe", "gruppe"},
    "guardian_name": {
        "guardian", "guardianname", "parent", "parentname",
        "foresatt", "foresattnavn", "foresattesnavn", "navnforesatt", "navnpåforesatt",
    },
    "guardian_email": {
        "guardianemail", "guardianmail", "parentemail", "email", "mail",
        "foresattepost", "foresattesepost", "epostforesatt", "epost", "foresattemail",
    },
    "guardian_phone": {
        "guardianphone", "guardianmobile", "parentphone", "phone", "mobile",
        "foresatttelefon", "foresattestelefon", "telefonforesatt", "telefon", "mobil", "tlf",
        "foresattmobil", "mobilforesatt",
    },
    "school": {"school", "schoolname", "skole", "skolenavn"},
}  # fmt: skip

#: How each field is called in the file's two languages, for messages about missing columns.
FIELD_HEADERS = {
    "name": ("name", "navn"),
    "birth_date": ("birth date", "fødselsdato"),
    "class": ("class", "klasse"),
    "guardian_name": ("guardian name", "foresatt navn"),
    "guardian_email": ("guardian e-mail", "foresatt e-post"),
    "guardian_phone": ("guardian phone", "foresatt telefon"),
    "school": ("school", "skole"),
}

NAME_MAX, CLASS_MAX, EMAIL_MAX, PHONE_MAX = 200, 40, 254, 40
MIN_AGE, MAX_AGE = 5, 30
CLASS_NAME_PATTERN = re.compile(r"[^\W_]+(?:[ -]+[^\W_]+)*")
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{5,20}$")
DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[./-](?P<m>\d{1,2})[./-](?P<y>\d{4})$"),
)
SHORT_YEAR_PATTERN = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2}$")

Problem = tuple[str, dict]


class FileProblem(Exception):
    """The whole file cannot be read; ``code`` and ``params`` say why."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class RosterFile:
    delimiter: str
    #: (line number, cells by field) for every non-empty row.
    rows: list[tuple[int, dict[str, str]]]
    ignored_columns: list[str] = field(default_factory=list)


def header_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return "".join(char for char in text if char.isalnum())


def _decode(data: bytes) -> str:
    if not data.strip():
        raise FileProblem("empty")
    if data.startswith(b"PK\x03\x04"):
        raise FileProblem("spreadsheet")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("utf16")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise FileProblem("encoding", line=line) from error
    if "\x00" in text:
        raise FileProblem("binary")
    return text


def _delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_roster(data: bytes) -> RosterFile:
    """Decode and split a roster file; raise FileProblem if it cannot be used at all."""
    text = _decode(data)
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    delimiter = _delimiter(header_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(row for row in reader if any(cell.strip() for cell in row))
        columns, ignored = _map_header(header)
        rows = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = {
                name: unescape_cell(cells[index].strip())
                for index, name in columns.items()
                if index < len(cells)
            }
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                values["_extra_cells"] = "1"
            rows.append((reader.line_num, values))
    except csv.Error as error:
        raise FileProblem("unreadable", line=reader.line_num, detail=str(error)) from error
    if not rows:
        raise FileProblem("no_rows")
    return RosterFile(delimiter=delimiter, rows=rows, ignored_columns=ignored)


def _map_header(header: list[str]) -> tuple[dict[int, str], list[str]]:
    lookup = {spelling: name for name, spellings in HEADER_NAMES.items() for spelling in spellings}
    columns: dict[int, str] = {}
    found: dict[str, str] = {}
    ignored = []
    for index, title in enumerate(header):
        name = lookup.get(header_key(title))
        if name is None:
            if title.strip():
                ignored.append(title.strip())
            continue
        if name in found:
            raise FileProblem("same_column_twice", first=found[name], second=title.strip())
        found[name] = title.strip()
        columns[index] = name
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise FileProblem(
            "missing_columns",
            columns=[FIELD_HEADERS[name] for name in missing],
            found=[title.strip() for title in header if title.strip()],
        )
    return columns, ignored


# Cells ----------------------------------------------------------------------------------------


def name_key(name: str) -> str:
    """How names are compared: case, accents' composition and spacing do not matter."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def parse_date(value: str) -> tuple[date | None, Problem | None]:
    """A birth date written as 2010-05-17, 17.05.2010, 17/05/2010 or 17-05-2010."""
    value = value.strip()
    if not value:
        return None, ("birth_date_missing", {})
    if SHORT_YEAR_PATTERN.match(value):
        return None, ("birth_date_short_year", {"value": value})
    for pattern in DATE_PATTERNS:
        match = pattern.match(value)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])), None
            except ValueError:
                return None, ("birth_date_impossible", {"value": value})
    return None, ("birth_date_format", {"value": value})


def _age_on(birth_date: date, day: date) -> int:
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


@dataclass
class CheckedRow:
    name: str = ""
    birth_date: date | None = None
    class_name: str = ""
    guardian_name: str = ""
    guardian_email: str = ""
    guardian_phone: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def pupil_key(self) -> str:
        if not self.name or self.birth_date is None:
            return ""
        return f"{name_key(self.name)}|{self.birth_date.isoformat()}"


def _has_control_characters(text: str) -> bool:
    """Control, format and unassigned characters, line breaks inside a quoted cell among them
    (checked before spaces are collapsed, which would hide a line break)."""
    text = text.strip()
    return not is_single_line(text) or any(unicodedata.category(c).startswith("C") for c in text)


def check_cells(cells: dict[str, str], *, today: date, school_name: str) -> CheckedRow:
    """Clean and check one row's cells, independently of every other row."""
    row = CheckedRow()
    problems = row.problems
    if cells.get("_extra_cells"):
        problems.append(("extra_cells", {}))
    name = " ".join(cells.get("name", "").split())
    if not name:
        problems.append(("name_missing", {}))
    elif len(name) > NAME_MAX:
        problems.append(("name_too_long", {"max": NAME_MAX}))
    elif _has_control_characters(cells["name"]):
        problems.append(("name_bad_characters", {}))
    else:
        row.name = name

    birth_date, problem = parse_date(cells.get("birth_date", ""))
    if problem:
        problems.append(problem)
    elif birth_date > today:
        problems.append(("birth_date_future", {"value": cells["birth_date"].strip()}))
    elif not MIN_AGE <= _age_on(birth_date, today) <= MAX_AGE:
        problems.append(
            (
                "birth_date_age",
                {"value": cells["birth_date"].strip(), "age": _age_on(birth_date, today)},
            )
        )
    else:
        row.birth_date = birth_date

    class_name = " ".join(cells.get("class", "").split())
    if not class_name:
        problems.append(("class_missing", {}))
    elif (
        len(class_name) > CLASS_MAX
        or not CLASS_NAME_PATTERN.fullmatch(class_name)
        or _has_control_characters(cells["class"])
    ):
        problems.append(("class_invalid", {"value": class_name[:60]}))
    else:
        row.class_name = class_name

    raw_guardian = cells.get("guardian_name", "")
    guardian = " ".join(raw_guardian.split())
    email = cells.get("guardian_email", "").strip().lower()
    phone = cells.get("guardian_phone", "").strip()
    if (email or phone) and not guardian:
        problems.append(("guardian_name_missing", {}))
    if len(guardian) > NAME_MAX or _has_control_characters(raw_guardian):
        problems.append(("guardian_name_invalid", {}))
    if email and (
        len(email) > EMAIL_MAX or not EMAIL_PATTERN.match(email) or _has_control_characters(email)
    ):
        problems.append(("guardian_email_invalid", {"value": email[:80]}))
    if phone and (len(phone) > PHONE_MAX or not PHONE_PATTERN.match(phone)):
        problems.append(("guardian_phone_invalid", {"value": phone[:60]}))
    row.guardian_name, row.guardian_email, row.guardian_phone = guardian, email, phone

    school = " ".join(cells.get("school", "").split())
    if school and name_key(school) != name_key(school_name):
        problems.append(("wrong_school", {"value": school[:200], "school": school_name}))
    return row
