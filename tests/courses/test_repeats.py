"""Every transition of an enrollment applied twice, one after the other and from ten threads
at once: the second answer is AlreadyDone, and there is one audit row, one notice per
recipient and the seat counter moved once."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.courses import notices
from talent.courses.models import AdmissionMode, Course, CourseEnrollment, EnrollmentState
from talent.courses.services import catalogue, enrollment, management, waitlist
from talent.errors import AlreadyDone
from talent.extensions import db
from talent.people.models import User
from talent.reminders.models import Notification
from tests.courses.conftest import NOW, coordinator, course, researcher
from tests.support.together import THREADS, repeated

S = EnrollmentState
MOTIVATION = "I want to learn how an idea becomes a product for patients."


def _audit(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def _notices(kind: str, person: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.kind == kind, Notification.recipient_id == person.id)
    )


def _a_seat_and_a_line(waiting: int = 1):
    """A full one-seat course with people waiting: (course, seat holder, the waiting)."""
    item = course(capacity=1, sessions=1)
    seated = enrollment.enroll(researcher(), item, now=NOW)
    line = [enrollment.enroll(researcher(), item, now=NOW) for _ in range(waiting)]
    return item, seated, line


def test_taking_someone_off_twice_frees_one_seat_and_makes_one_offer(app):
    actor = coordinator()
    item, seated, [first] = _a_seat_and_a_line()

    enrollment.withdraw(actor, seated, now=NOW)
    with pytest.raises(AlreadyDone, match="already withdrawn"):
        enrollment.withdraw(actor, seated, now=NOW + timedelta(seconds=1))

    assert _audit("course.enrollment.remove") == 1
    assert first.state is S.OFFERED and item.seats_taken == 1
    assert _notices(notices.OFFER, first.user) == 1


def test_accepting_twice_confirms_once(app):
    item, seated, [first] = _a_seat_and_a_line()
    enrollment.withdraw(seated.user, seated, now=NOW)

    waitlist.accept_offer(first.user, first, now=NOW)
    with pytest.raises(AlreadyDone, match="already accepted"):
        waitlist.accept_offer(first.user, first, now=NOW + timedelta(seconds=1))

    assert first.state is S.CONFIRMED and item.seats_taken == 1
    assert _notices(notices.SESSION_SOON, first.user) == 1


def test_declining_twice_passes_the_seat_on_once(app):
    item, seated, [first, second, third] = _a_seat_and_a_line(waiting=3)
    enrollment.withdraw(seated.user, seated, now=NOW)

    waitlist.decline_offer(first.user, first, now=NOW)
    with pytest.raises(AlreadyDone, match="already declined"):
        waitlist.decline_offer(first.user, first, now=NOW + timedelta(seconds=1))

    assert [first.state, second.state, third.state] == [S.DECLINED, S.OFFERED, S.WAITLISTED]
    assert item.seats_taken == 1
    assert _notices(notices.OFFER, second.user) == 1 and _notices(notices.OFFER, third.user) == 0


def test_admitting_or_rejecting_twice_decides_once(app):
    actor = coordinator()
    item = course(capacity=1, admission_mode=AdmissionMode.SELECTION)
    admitted, rejected = (
        enrollment.save_application(researcher(), item, motivation=MOTIVATION, submit=True, now=NOW)
        for _ in range(2)
    )

    enrollment.admit(actor, admitted, now=NOW)
    enrollment.reject(actor, rejected, now=NOW)
    with pytest.raises(AlreadyDone, match="already admitted"):
        enrollment.admit(actor, admitted, now=NOW)
    with pytest.raises(AlreadyDone, match="already turned down"):
        enrollment.reject(actor, rejected, now=NOW)

    assert (_audit("course.application.admit"), _audit("course.application.reject")) == (1, 1)
    assert _notices(notices.DECISION, admitted.user) == 1
    assert _notices(notices.DECISION, rejected.user) == 1
    assert item.seats_taken == 1


def test_removing_a_session_twice_removes_it_once(app):
    actor = coordinator()
    item = course(sessions=2)
    enrollment.enroll(researcher(), item, now=NOW)
    session = item.sessions[0]

    management.delete_session(actor, session, now=NOW)
    with pytest.raises(AlreadyDone, match="already removed"):
        management.delete_session(actor, session, now=NOW)

    assert _audit("course.session.delete") == 1


# The same click from ten threads at once -----------------------------------------------------


def _world(waiting: int = 1):
    actor = coordinator()
    item, seated, line = _a_seat_and_a_line(waiting)
    ids = actor.id, item.id, seated.id, [e.id for e in line]
    db.session.commit()
    db.session.close()  # on SQLite even a read here would hold the write lock
    return ids


def test_ten_removals_at_once_free_one_seat_and_make_one_offer(app):
    actor_id, course_id, seated_id, [first_id] = _world()

    def remove():
        found = db.session.get(CourseEnrollment, seated_id)
        enrollment.withdraw(db.session.get(User, actor_id), found, now=NOW)

    assert repeated(app, remove) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    first = db.session.get(CourseEnrollment, first_id)
    assert first.state is S.OFFERED
    assert db.session.get(Course, course_id).seats_taken == 1
    assert _audit("course.enrollment.remove") == 1
    assert _notices(notices.OFFER, first.user) == 1


def test_ten_acceptances_at_once_confirm_once(app):
    _, course_id, seated_id, [first_id] = _world()
    seated = db.session.get(CourseEnrollment, seated_id)
    enrollment.withdraw(seated.user, seated, now=NOW)
    db.session.commit()
    db.session.close()

    def accept():
        found = db.session.get(CourseEnrollment, first_id)
        waitlist.accept_offer(found.user, found, now=NOW)

    assert repeated(app, accept) == ["AlreadyDone"] * (THREADS - 1) + ["ok"]
    first = db.session.get(CourseEnrollment, first_id)
    assert first.state is S.CONFIRMED
    assert db.session.get(Course, course_id).seats_taken == 1
    assert _notices(notices.SESSION_SOON, first.user) == 1


def test_a_course_loaded_with_its_sessions_can_be_locked(app):
    """The coordinator's pages load a course with its sessions joined; locking it must lock
    the course row alone (PostgreSQL refuses FOR UPDATE across the outer join)."""
    actor_id, course_id = coordinator().id, course(sessions=1).id
    db.session.commit()
    db.session.expunge_all()
    loaded = catalogue.load_course(course_id)

    management.save_session(
        db.session.get(User, actor_id),
        loaded,
        None,
        title="Extra",
        starts_at=loaded.sessions[0].starts_at + timedelta(days=1),
        ends_at=loaded.sessions[0].ends_at + timedelta(days=1),
        now=NOW,
    )

    assert len(loaded.sessions) == 2
