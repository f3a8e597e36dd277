"""Roster imports: preview, all-or-nothing save, idempotent re-import, chunked checking."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.consents.models import Guardian
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.people.models import Role
from talent.rosters import services
from talent.rosters.models import ImportState, RosterImport, RosterImportRow, RowAction
from talent.schools.models import SchoolClass, Student
from tests.programmes.factories import NOW

HEADER = "navn;fødselsdato;klasse;foresatt navn;foresatt e-post;foresatt telefon\n"
GOOD = HEADER + (
    "Emma Hansen;17.05.2010;2STA;Kari Hansen;kari@example.no;+47 912 34 567\n"
    "Emma Hansen;17.05.2010;2STA;Per Hansen;per@example.no;\n"
    "Jonas Berg;02.01.2010;2STA;Lise Berg;lise@example.no;\n"
    "Sara Lie;03.03.2010;2STB;;;\n"
)
MAX = 10 * 1024 * 1024


@pytest.fixture
def school(make):
    return make.school("Ullern videregående skole")


@pytest.fixture
def teacher(make, school):
    return make.user(Role.TEACHER, organization=school)


def _upload(teacher, school, text: str, **kwargs) -> RosterImport:
    roster_import = services.start_import(
        teacher,
        school,
        school_year=2026,
        filename="2sta.csv",
        data=text.encode(),
        max_bytes=MAX,
        now=NOW,
    )
    return services.check_all(roster_import, now=NOW, **kwargs)


def _rows(roster_import) -> dict[int, RosterImportRow]:
    query = services.rows_query(roster_import)
    return {row.line_no: row for row in db.session.scalars(query)}


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_preview_shows_what_saving_would_do_and_saves_nothing(teacher, school):
    roster_import = _upload(teacher, school, GOOD)
    assert roster_import.state is ImportState.READY
    assert (roster_import.new_rows, roster_import.error_rows) == (4, 0)
    assert roster_import.new_classes == ["2STA (2026/27)", "2STB (2026/27)"]
    rows = _rows(roster_import)
    assert rows[2].changes == [
        ["new_pupil", {"class": "2STA (2026/27)"}],
        ["new_class", {"class": "2STA (2026/27)"}],
        ["new_guardian", {"name": "Kari Hansen"}],
    ]
    assert rows[3].changes == [
        ["same_pupil", {"line": 2}],
        ["new_guardian", {"name": "Per Hansen"}],
    ]
    assert _count(Student) == 0 and _count(SchoolClass) == 0


def test_saving_creates_pupils_classes_and_guardians_at_once(teacher, school):
    roster_import = _upload(teacher, school, GOOD)
    counts = services.save_import(teacher, roster_import, now=NOW)
    assert counts == {
        "pupils_created": 3,
        "pupils_updated": 0,
        "guardians_added": 3,
        "classes_created": 2,
    }
    emma = db.session.scalars(sa.select(Student).where(Student.name == "Emma Hansen")).one()
    assert emma.school_class.name == "2STA" and emma.school_id == school.id
    assert sorted(g.name for g in emma.guardians) == ["Kari Hansen", "Per Hansen"]
    assert roster_import.state is ImportState.SAVED
    assert _count(RosterImportRow) == 0  # the uploaded rows are not kept
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("roster.pupil_create") == 3 and "roster.import" in actions


def test_importing_the_same_file_again_changes_nothing(teacher, school):
    services.save_import(teacher, _upload(teacher, school, GOOD), now=NOW)
    again = _upload(teacher, school, GOOD)
    assert (again.new_rows, again.updated_rows, again.unchanged_rows) == (0, 0, 4)
    counts = services.save_import(teacher, again, now=NOW)
    assert counts["pupils_created"] == counts["pupils_updated"] == 0
    assert _count(Student) == 3 and _count(Guardian) == 3


def test_a_changed_file_shows_updates_and_keeps_what_is_stored(teacher, school):
    services.save_import(teacher, _upload(teacher, school, GOOD), now=NOW)
    changed = HEADER + (
        "emma  hansen;2010-05-17;3STA;Kari Hansen;;+47 400 00 000\n"  # moved; blank e-mail
        "Jonas Berg;02.01.2010;2STA;Tor Berg;tor@example.no;\n"  # another guardian
    )
    roster_import = _upload(teacher, school, changed)
    rows = _rows(roster_import)
    assert rows[2].action is RowAction.UPDATE
    assert ["class_change", {"old": "2STA (2026/27)", "new": "3STA (2026/27)"}] in rows[2].changes
    assert ["guardian_phone", {"name": "Kari Hansen", "value": "+47 400 00 000"}] in rows[2].changes
    assert rows[3].changes == [["new_guardian", {"name": "Tor Berg"}]]
    counts = services.save_import(teacher, roster_import, now=NOW)
    assert counts["pupils_updated"] == 2 and counts["classes_created"] == 1
    emma = db.session.scalars(sa.select(Student).where(Student.name == "Emma Hansen")).one()
    kari = next(g for g in emma.guardians if g.name == "Kari Hansen")
    assert emma.school_class.name == "3STA"
    assert kari.email == "kari@example.no"  # the blank cell erased nothing
    assert kari.phone == "+47 400 00 000"
    assert _count(Student) == 3  # Sara, not in the file, is still there


def test_row_errors_block_the_whole_save(teacher, school):
    bad = GOOD + (
        "Ola Dahl;31.02.2010;2STA;;;\n"
        "Jonas Berg;02.01.2010;2STA;Lise Berg;lise@example.no;\n"
        "Jonas Berg;02.01.2010;2STB;Tor Berg;;\n"
    )
    roster_import = _upload(teacher, school, bad)
    rows = _rows(roster_import)
    assert roster_import.error_rows == 3
    assert rows[6].problems == [["birth_date_impossible", {"value": "31.02.2010"}]]
    assert rows[7].problems == [["duplicate_row", {"line": 4}]]
    assert rows[8].problems == [["conflicting_class", {"line": 4, "other": "2STA"}]]
    assert not roster_import.can_save
    with pytest.raises(InvalidState):
        services.save_import(teacher, roster_import, now=NOW)
    db.session.rollback()
    assert _count(Student) == 0


def test_a_file_that_cannot_be_read_is_refused_on_the_upload_field(teacher, school):
    with pytest.raises(ValidationFailed) as refused:
        services.start_import(
            teacher,
            school,
            school_year=2026,
            filename="x.csv",
            data=b"navn;klasse\nEmma;2STA\n",
            max_bytes=MAX,
            now=NOW,
        )
    assert refused.value.field == "file"
    assert "fødselsdato" in str(refused.value.message)
    with pytest.raises(ValidationFailed, match="larger than 1 MB"):
        services.start_import(
            teacher,
            school,
            school_year=2026,
            filename="x.csv",
            data=b"x" * (1024 * 1024 + 1),
            max_bytes=1024 * 1024,
            now=NOW,
        )
    assert _count(RosterImport) == 0


def test_checking_in_chunks_finds_the_same_as_checking_at_once(teacher, school, monkeypatch):
    lines = [f"Pupil {n};01.01.2010;2STA;Guardian {n};;" for n in range(1, 60)]
    lines.append("Pupil 3;01.01.2010;2STA;Guardian 3;;")  # duplicate of a line chunks ago
    lines.append("Pupil 5;01.01.2010;2STA;Second guardian;;")
    text = HEADER + "\n".join(lines) + "\n"
    monkeypatch.setattr(services, "CHECK_CHUNK_ROWS", 7)
    roster_import = services.start_import(
        teacher,
        school,
        school_year=2026,
        filename="big.csv",
        data=text.encode(),
        max_bytes=MAX,
        now=NOW,
    )
    steps = []
    services.check_all(roster_import, now=NOW, progress=lambda done, total: steps.append(done))
    assert steps[0] == 7 and steps[-1] == 61 and len(steps) == 9
    rows = _rows(roster_import)
    assert rows[61].problems == [["duplicate_row", {"line": 4}]]
    assert rows[62].changes == [
        ["same_pupil", {"line": 6}],
        ["new_guardian", {"name": "Second guardian"}],
    ]
    assert roster_import.error_rows == 1 and roster_import.new_rows == 60


def test_a_pupil_added_since_the_preview_is_updated_not_doubled(teacher, school, make):
    roster_import = _upload(teacher, school, GOOD)
    group = make.school_class(school, "2STA")
    make.student(group, "Jonas Berg", birth_date=__import__("datetime").date(2010, 1, 2))
    services.save_import(teacher, roster_import, now=NOW)
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Student).where(Student.name == "Jonas Berg")
        )
        == 1
    )


def test_saving_twice_saves_once(teacher, school):
    roster_import = _upload(teacher, school, GOOD)
    services.save_import(teacher, roster_import, now=NOW)
    with pytest.raises(AlreadyDone, match="already saved"):
        services.save_import(teacher, roster_import, now=NOW)
    assert _count(Student) == 3
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("roster.import") == 1


def test_two_equal_pupils_already_stored_make_the_row_an_error(teacher, school, make):
    group = make.school_class(school, "2STA")
    birth = __import__("datetime").date(2010, 1, 2)
    make.student(group, "Jonas Berg", birth_date=birth)
    make.student(group, "Jonas Berg", birth_date=birth)
    rows = _rows(_upload(teacher, school, GOOD))
    assert rows[4].problems == [["ambiguous_pupil", {"count": 2}]]


def test_pupils_of_another_school_are_not_touched(teacher, school, make):
    other = make.school_class(make.school("Elvebakken"), "2STA")
    make.student(other, "Emma Hansen", birth_date=__import__("datetime").date(2010, 5, 17))
    roster_import = _upload(teacher, school, GOOD)
    assert _rows(roster_import)[2].action is RowAction.NEW
    wrong = HEADER.replace("\n", ";skole\n") + "Emma Hansen;17.05.2010;2STA;;;;Elvebakken\n"
    rows = _rows(_upload(teacher, school, wrong))
    assert rows[2].problems[0][0] == "wrong_school"


def test_unsaved_imports_are_purged_after_a_day(teacher, school):
    old = _upload(teacher, school, GOOD)
    old.created_at = NOW - timedelta(days=2)
    db.session.flush()
    assert services.purge_stale_imports(NOW) == 1
    assert old.state is ImportState.DISCARDED or db.session.get(RosterImport, old.id)
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RosterImportRow)
            .where(RosterImportRow.import_id == old.id)
        )
        == 0
    )


def test_discarding(teacher, school):
    roster_import = _upload(teacher, school, GOOD)
    services.discard_import(teacher, roster_import, now=NOW)
    assert roster_import.state is ImportState.DISCARDED and _count(RosterImportRow) == 0
    with pytest.raises(InvalidState):
        services.save_import(teacher, roster_import, now=NOW)
    with pytest.raises(AlreadyDone, match="already discarded"):
        services.discard_import(teacher, roster_import, now=NOW)
