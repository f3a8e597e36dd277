"""The same checked roster saved from ten threads at once (a double-click, a retried request):
one saves it, the others are told it is already saved, and every pupil is stored once."""

from __future__ import annotations

import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.people.models import Role, User
from talent.rosters import services
from talent.rosters.models import ImportState, RosterImport
from talent.schools.models import Student
from tests.programmes.factories import NOW
from tests.rosters.test_services import GOOD, MAX
from tests.support.together import THREADS, repeated


def test_ten_saves_at_once_store_every_pupil_once(app, make):
    school = make.school()
    teacher = make.user(Role.TEACHER, organization=school)
    roster_import = services.start_import(
        teacher,
        school,
        school_year=2026,
        filename="2sta.csv",
        data=GOOD.encode(),
        max_bytes=MAX,
        now=NOW,
    )
    services.check_all(roster_import, now=NOW)
    ids = teacher.id, roster_import.id
    db.session.commit()
    db.session.close()  # on SQLite even a read here would hold the write lock

    def save():
        teacher_id, import_id = ids
        found = db.session.get(RosterImport, import_id)
        services.save_import(db.session.get(User, teacher_id), found, now=NOW)

    assert repeated(app, save) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    assert db.session.get(RosterImport, ids[1]).state is ImportState.SAVED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Student)) == 3
    audit = sa.select(sa.func.count()).where(AuditEvent.action == "roster.import")
    assert db.session.scalar(audit) == 1
