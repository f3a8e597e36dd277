"""The roster pages: upload, preview, progress, save, the roster list and its CSV."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Role
from talent.rosters import services
from talent.rosters.models import ImportState, RosterImport
from talent.schools.models import Student
from tests.programmes import factories as pf
from tests.support.csv_files import HOSTILE_NAME, LANGUAGES, raw_lines, read_csv

HEADER = "navn;fødselsdato;klasse;foresatt navn;foresatt e-post;foresatt telefon\n"
GOOD = HEADER + (
    "Emma Hansen;17.05.2010;2STA;Kari Hansen;kari@example.no;+47 912 34 567\n"
    "Jonas Berg;02.01.2010;2STA;Lise Berg;lise@example.no;\n"
)
BAD = GOOD + "Ola Dahl;31.02.2010;2STA;;;\n"


@pytest.fixture
def world(make):
    school = make.school("Ullern videregående skole")
    teacher = make.user(Role.TEACHER, organization=school, language="en")
    coordinator = make.user(Role.COORDINATOR, language="en")
    other_teacher = make.user(Role.TEACHER, organization=make.school(), language="en")
    db.session.commit()
    return school, teacher, coordinator, other_teacher


def _multipart(fields: dict[str, str], file: bytes | None, name: str) -> bytes:
    """A form body built by hand: the test client would spool big bodies to unclosed files."""
    parts = [
        f'--b\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    if file is not None:
        head = f'--b\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        parts.append(head.encode() + b"Content-Type: text/csv\r\n\r\n" + file + b"\r\n")
    return b"".join(parts) + b"--b--\r\n"


def _upload(client, text: str | bytes | None, *, school_id=None, name="2sta.csv"):
    fields = {"school_year": "2026"}
    if school_id is not None:
        fields["school_id"] = str(school_id)
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/rosters/import",
        data=_multipart(fields, data, name),
        content_type="multipart/form-data; boundary=b",
    )


def test_upload_preview_fix_and_save(client, login, world):
    school, teacher, *_ = world
    login(teacher)
    response = _upload(client, BAD)
    assert response.status_code == 302
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "1 line has an error" in preview
    assert "The birth date 31.02.2010 does not exist in the calendar." in preview
    assert "Save the roster" not in preview
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Student)) == 0

    response = _upload(client, BAD.replace("31.02.2010", "28.02.2010"))
    roster_import = db.session.get(RosterImport, int(response.headers["Location"].split("/")[-1]))
    preview = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Save the roster" in preview and "New pupil in 2STA (2026/27)." in preview
    response = client.post(f"/rosters/imports/{roster_import.id}/save", follow_redirects=True)
    assert "3 new pupils" in response.get_data(as_text=True)
    again = client.post(f"/rosters/imports/{roster_import.id}/save", follow_redirects=True)
    assert again.status_code == 200  # a double-click: said calmly, not refused
    assert "This import is already saved." in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Student)) == 3


def test_upload_errors_sit_on_the_file_field(client, login, world):
    _, teacher, *_ = world
    login(teacher)
    response = _upload(client, "navn;fødselsdato;klasse\nÅse;01.01.2010;1A\n".encode("cp1252"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The file is not UTF-8 text" in page and 'id="file-error"' in page
    response = _upload(client, None)
    assert "Choose the CSV file to upload." in response.get_data(as_text=True)


def test_a_file_over_the_limit_gets_a_clear_message(client, login, world, app):
    _, teacher, *_ = world
    login(teacher)
    app.config["ROSTER_MAX_MB"] = 1
    page = _upload(client, GOOD + "x" * (1024 * 1024)).get_data(as_text=True)
    assert "The file is larger than 1 MB" in page
    app.config["MAX_CONTENT_LENGTH"] = 2 * 1024 * 1024
    response = _upload(client, GOOD + "x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "The file is larger than 1 MB" in response.get_data(as_text=True)


def test_a_coordinator_chooses_the_school(client, login, world):
    school, _, coordinator, _ = world
    login(coordinator)
    response = _upload(client, GOOD)
    assert "Choose a school." in response.get_data(as_text=True)
    assert _upload(client, GOOD, school_id=school.id).status_code == 302


def test_another_schools_teacher_cannot_see_the_import(client, login, world):
    school, teacher, _, other_teacher = world
    login(teacher)
    location = _upload(client, GOOD).headers["Location"]
    client.post("/logout")
    login(other_teacher)
    assert client.get(location).status_code == 403
    assert client.post(location + "/save").status_code == 403


def test_a_large_file_is_checked_step_by_step_with_progress(client, login, world, monkeypatch):
    _, teacher, *_ = world
    monkeypatch.setattr(services, "CHECK_CHUNK_ROWS", 10)
    lines = "".join(f"Pupil {n};01.01.2010;2STA;;;\n" for n in range(25))
    login(teacher)
    location = _upload(client, HEADER + lines).headers["Location"]
    page = client.get(location).get_data(as_text=True)
    assert "<progress" in page and "0 / 25" in page and "js/rosters.js" in page
    check = location + "/check"
    states = [
        client.post(check, headers={"Accept": "application/json"}).get_json() for _ in range(3)
    ]
    assert [s["checked"] for s in states] == [10, 20, 25]
    assert states[-1]["done"] is True and states[-1]["url"].endswith(
        location.split("localhost")[-1]
    )
    # Without JavaScript the button does the same and returns to the preview.
    assert client.post(check).status_code == 302
    roster_import = db.session.get(RosterImport, int(location.split("/")[-1]))
    assert roster_import.state is ImportState.READY


def _add_pupils(make, group, first: int, last: int):
    for n in range(first, last):
        pupil = make.student(group, f"Pupil {n:03d}", birth_date=date(2010, 1, 1))
        pf.guardian(pupil, f"Guardian {n}")
        pf.consent(pupil)
    db.session.commit()


def test_the_roster_page_runs_as_many_queries_for_30_pupils_as_for_3(
    client, login, world, make, count_queries
):
    school, teacher, *_ = world
    group = make.school_class(school, "2STA")
    login(teacher)
    counts = []
    for first, last in ((0, 3), (3, 30)):
        _add_pupils(make, group, first, last)
        client.get("/rosters/")  # warm caches (translations, templates)
        with count_queries() as counter:
            response = client.get("/rosters/")
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]
    page = response.get_data(as_text=True)
    assert "30 pupils" in page and "Guardian 29" in page


def test_the_roster_csv_neutralises_formulas_and_imports_back(client, login, world, make):
    school, teacher, *_ = world
    group = make.school_class(school, "2STA")
    pupil = make.student(group, '=HYPERLINK("http://evil")', birth_date=date(2010, 5, 17))
    pf.guardian(pupil, "@Kari", email="kari@example.no", phone="+47 912 34 567")
    db.session.commit()
    login(teacher)
    response = client.get("/rosters/export.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert text.startswith("\ufeff")
    assert "'=HYPERLINK" in text and "'@Kari" in text and "'+47 912 34 567" in text
    location = _upload(client, text.encode()).headers["Location"]
    roster_import = db.session.get(RosterImport, int(location.split("/")[-1]))
    assert (roster_import.unchanged_rows, roster_import.error_rows) == (1, 0)


def test_the_problem_lines_as_csv(client, login, world):
    _, teacher, *_ = world
    login(teacher)
    location = _upload(client, BAD.replace("Ola Dahl", "=cmd|' /C calc'!A0")).headers["Location"]
    text = client.get(location + "/problems.csv").get_data(as_text=True)
    assert "does not exist in the calendar" in text
    assert "'=cmd" in text


def test_teachers_see_only_their_school(client, login, world, make):
    school, _, _, other_teacher = world
    _add_pupils(make, make.school_class(school, "2STA"), 0, 2)
    login(other_teacher)
    page = client.get(f"/rosters/?school={school.id}").get_data(as_text=True)
    assert "Pupil 000" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_roster_csv_keeps_a_hostile_name_in_one_cell(client, login, world, make, language):
    school, teacher, *_ = world
    pupil = make.student(make.school_class(school, "2STA"), HOSTILE_NAME)
    pf.guardian(pupil, "-3+3", email="kari@example.no", phone="+47 912 34 567")
    teacher.language = language
    db.session.commit()
    login(teacher)
    response = client.get("/rosters/export.csv")
    header, row = read_csv(response, language)
    assert len(row) == len(header) == 6
    assert raw_lines(response)[1].startswith(f'"{HOSTILE_NAME}"')  # for either delimiter
    assert row[0] == HOSTILE_NAME and row[3] == "'-3+3" and row[5] == "'+47 912 34 567"
