"""Capacity and state changes hold when many requests arrive at once.

Each thread works as a web worker does: its own app context, session and transaction. The
suite runs on a SQLite file (write transactions queue with BEGIN IMMEDIATE) and, with
TALENT_TEST_DATABASE_URL, on PostgreSQL (the conditional UPDATE waits on the row lock and
re-checks ``places_taken < capacity``).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role, User
from talent.programmes import services
from talent.programmes.models import EnrollmentState, Programme, ProgrammeEnrollment
from tests.programmes import factories as pf
from tests.support.together import run_together

THREADS = 12


def _race(app, enrollment_ids: list[int], actor_id: int) -> list[str]:
    """Activate each enrollment from its own thread, all released at once."""

    def activate(enrollment_id: int):
        def job() -> None:
            actor = db.session.get(User, actor_id)
            enrollment = db.session.get(ProgrammeEnrollment, enrollment_id)
            services.activate(actor, enrollment, now=utcnow())

        return job

    return run_together(app, [activate(i) for i in enrollment_ids])


def _world(make, capacity: int, applicants: int):
    school = make.school()
    coordinator = make.user(Role.COORDINATOR)
    group = make.school_class(school)
    programme = pf.programme(capacity=capacity)
    enrollments = [
        pf.enrollment(programme, make.student(group, birth_date=date(2007, 1, 1)))
        for _ in range(applicants)
    ]
    ids = (programme.id, [e.id for e in enrollments], coordinator.id)
    db.session.commit()
    # End this thread's transaction too: on SQLite even a read here would hold the write lock.
    db.session.close()
    return ids


def _active(programme_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ProgrammeEnrollment)
        .where(
            ProgrammeEnrollment.programme_id == programme_id,
            ProgrammeEnrollment.state == EnrollmentState.ACTIVE,
        )
    )


def test_capacity_holds_when_everyone_activates_at_once(app, make):
    programme_id, ids, actor_id = _world(make, capacity=5, applicants=THREADS)
    results = _race(app, ids, actor_id)
    assert sorted(results) == ["Conflict"] * (THREADS - 5) + ["ok"] * 5
    assert db.session.get(Programme, programme_id).places_taken == 5
    assert _active(programme_id) == 5


def test_one_enrollment_activated_by_many_takes_one_place(app, make):
    programme_id, ids, actor_id = _world(make, capacity=5, applicants=1)
    results = _race(app, ids * 6, actor_id)
    assert sorted(results) == ["AlreadyDone"] * 5 + ["ok"]
    assert db.session.get(Programme, programme_id).places_taken == 1
    assert _active(programme_id) == 1
