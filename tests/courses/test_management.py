"""Courses and sessions: dates, copying to a new year, removing sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.courses.models import CourseSession
from talent.courses.services import attendance, enrollment, management
from talent.errors import Conflict, ValidationFailed
from talent.extensions import db
from tests import factories
from tests.courses.conftest import NOW, coordinator, course, researcher

OSLO = ZoneInfo("Europe/Oslo")


def _at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=OSLO).astimezone(UTC)


def test_a_coordinator_creates_a_course_and_it_is_audited(app):
    actor = coordinator()
    partner = factories.organization("Karolinska Institutet")
    details = management.CourseDetails(
        title="  IP for clinicians ",
        starts_on=date(2027, 5, 3),
        ends_on=date(2027, 5, 4),
        enrollment_opens_at=NOW,
        enrollment_closes_at=NOW + timedelta(days=30),
        capacity=20,
        partner_ids=[partner.id],
        eligible_roles=[],
    )

    created = management.save_course(actor, None, details, now=NOW)

    assert created.title == "IP for clinicians"
    assert [p.name for p in created.partners] == ["Karolinska Institutet"]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course.create"))
    assert event.actor_id == actor.id and event.after["capacity"] == 20


def test_sessions_must_lie_within_the_course_dates(app):
    actor = coordinator()
    item = course(starts_on=date(2027, 3, 22), ends_on=date(2027, 3, 23))

    with pytest.raises(ValidationFailed, match="within the course dates") as early:
        management.save_session(
            actor,
            item,
            None,
            title="Too early",
            starts_at=_at(date(2027, 3, 21), 9),
            ends_at=_at(date(2027, 3, 22), 9),
            now=NOW,
        )
    assert early.value.field == "starts_at"
    with pytest.raises(ValidationFailed) as late:
        management.save_session(
            actor,
            item,
            None,
            title="Too late",
            starts_at=_at(date(2027, 3, 23), 22),
            ends_at=_at(date(2027, 3, 24), 1),
            now=NOW,
        )
    assert late.value.field == "ends_at"
    with pytest.raises(ValidationFailed, match="end after it starts"):
        management.save_session(
            actor,
            item,
            None,
            title="Backwards",
            starts_at=_at(date(2027, 3, 22), 12),
            ends_at=_at(date(2027, 3, 22), 9),
            now=NOW,
        )
    # 23:30 Oslo time on the last day is still within the dates, though already 22:30 UTC.
    session = management.save_session(
        actor,
        item,
        None,
        title="Late evening",
        starts_at=_at(date(2027, 3, 23), 22),
        ends_at=_at(date(2027, 3, 23), 23),
        now=NOW,
    )
    assert len(session.attendance_code) == 6


def test_course_dates_cannot_move_away_from_their_sessions(app):
    actor = coordinator()
    item = course(sessions=2)
    from tests.courses.test_enrollment import _details

    with pytest.raises(ValidationFailed, match="outside these dates") as refused:
        management.save_course(actor, item, _details(item, starts_on=date(2027, 3, 23)), now=NOW)
    assert refused.value.field == "starts_on"


def test_copying_moves_sessions_and_window_by_whole_days_in_local_time(app):
    actor = coordinator()
    item = course(starts_on=date(2027, 3, 22), ends_on=date(2027, 3, 30))
    # 09:00 in winter time (UTC+1); the copy's session falls in summer time (UTC+2).
    management.save_session(
        actor,
        item,
        None,
        title="Kick-off",
        starts_at=_at(date(2027, 3, 26), 9),
        ends_at=_at(date(2027, 3, 26), 12),
        now=NOW,
    )
    enrollment.enroll(researcher(), item, now=NOW)

    copy = management.copy_course(actor, item, starts_on=date(2028, 3, 20), now=NOW)

    assert (copy.starts_on, copy.ends_on) == (date(2028, 3, 20), date(2028, 3, 28))
    assert copy.is_published is False and copy.seats_taken == 0
    assert copy.copied_from_id == item.id
    [session] = copy.sessions
    local = session.starts_at.astimezone(OSLO)
    assert (local.date(), local.hour) == (date(2028, 3, 31 - 7), 9)
    assert session.attendance_code != item.sessions[0].attendance_code
    with pytest.raises(ValidationFailed):
        management.copy_course(actor, item, starts_on=item.starts_on, now=NOW)


def test_a_session_with_attendance_cannot_be_removed(app):
    actor = coordinator()
    item = course(sessions=2)
    seated = enrollment.enroll(researcher(), item, now=NOW)
    first, second = item.sessions
    attendance.record_attendance(actor, first, [seated.id], now=first.starts_at)

    with pytest.raises(Conflict, match="Attendance is recorded"):
        management.delete_session(actor, first, now=NOW)
    management.delete_session(actor, second, now=NOW)

    assert db.session.scalar(sa.select(sa.func.count(CourseSession.id))) == 1
