"""Many people at once: no overbooking, no lost seats, the waitlist in arrival order.

Each thread has its own app context, so its own session and database connection, and all of
them start together at a barrier. Run the module on SQLite (the default) and on PostgreSQL
(TALENT_TEST_DATABASE_URL) to cover both ways the course row is locked.
"""

from __future__ import annotations

import sqlalchemy as sa

from talent.courses.models import Course, CourseEnrollment, EnrollmentState
from talent.courses.services import enrollment
from talent.extensions import db
from talent.people.models import User
from tests.courses.conftest import NOW, course, researcher
from tests.support.together import run_together

S = EnrollmentState
RUSH = 40


def _run_together(app, jobs) -> list[str]:
    """Run each job in its own thread and app context, all released at once; what failed."""
    return [outcome for outcome in run_together(app, jobs) if outcome != "ok"]


def _enroll(user_id: int, course_id: int):
    def job():
        enrollment.enroll(db.session.get(User, user_id), db.session.get(Course, course_id), now=NOW)

    return job


def _withdraw(enrollment_id: int):
    def job():
        found = db.session.get(CourseEnrollment, enrollment_id)
        enrollment.withdraw(found.user, found, now=NOW)

    return job


def _enrollments(course_id: int) -> list[CourseEnrollment]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(CourseEnrollment)
            .where(CourseEnrollment.course_id == course_id)
            .order_by(CourseEnrollment.id)
        )
    )


def test_a_rush_for_the_last_seats_never_overbooks(app):
    item = course(capacity=10)
    for _ in range(3):
        enrollment.enroll(researcher(), item, now=NOW)
    rushers = [researcher().id for _ in range(RUSH)]
    course_id = item.id
    db.session.commit()

    errors = _run_together(app, [_enroll(user_id, course_id) for user_id in rushers])

    assert errors == []
    rows = _enrollments(course_id)[3:]
    assert sorted(row.user_id for row in rows) == sorted(rushers)
    states = [row.state for row in rows]
    # In arrival order (the order the course lock was granted): 7 seats, then the line.
    assert states == [S.CONFIRMED] * 7 + [S.WAITLISTED] * (RUSH - 7)
    tickets = [row.queue_number for row in rows if row.state is S.WAITLISTED]
    assert tickets == list(range(1, RUSH - 7 + 1))
    assert db.session.get(Course, course_id).seats_taken == 10


def test_a_withdrawal_during_the_rush_promotes_exactly_the_first_in_line(app):
    item = course(capacity=5)
    seated = [enrollment.enroll(researcher(), item, now=NOW) for _ in range(5)]
    first_waiting = enrollment.enroll(researcher(), item, now=NOW)
    enrollment.enroll(researcher(), item, now=NOW)
    leaving, course_id, first_id = seated[2].id, item.id, first_waiting.id
    rushers = [researcher().id for _ in range(RUSH)]
    db.session.commit()

    jobs = [_enroll(user_id, course_id) for user_id in rushers]
    jobs.insert(RUSH // 2, _withdraw(leaving))
    errors = _run_together(app, jobs)

    assert errors == []
    rows = _enrollments(course_id)
    by_state: dict[EnrollmentState, list[CourseEnrollment]] = {}
    for row in rows:
        by_state.setdefault(row.state, []).append(row)
    assert [row.id for row in by_state[S.OFFERED]] == [first_id]
    assert len(by_state[S.CONFIRMED]) == 4
    assert [row.id for row in by_state[S.WITHDRAWN]] == [leaving]
    assert len(by_state[S.WAITLISTED]) == 1 + RUSH
    tickets = [row.queue_number for row in sorted(by_state[S.WAITLISTED], key=lambda r: r.id)]
    assert tickets == sorted(tickets) and len(set(tickets)) == len(tickets)
    assert db.session.get(Course, course_id).seats_taken == 5


def test_a_double_click_from_many_tabs_makes_one_enrollment(app):
    item = course(capacity=3)
    person = researcher()
    course_id, user_id = item.id, person.id
    db.session.commit()

    errors = _run_together(app, [_enroll(user_id, course_id) for _ in range(8)])

    assert errors == []
    [row] = _enrollments(course_id)
    assert row.state is S.CONFIRMED
    assert db.session.get(Course, course_id).seats_taken == 1
