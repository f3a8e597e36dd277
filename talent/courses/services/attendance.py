"""Attendance per session, recorded by the coordinator or by the participant with the code
shown in the room, and the completion rule it feeds."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Bundle, selectinload

from talent.audit.services import record_event
from talent.courses.models import (
    Attendance,
    AttendanceMethod,
    Course,
    CourseEnrollment,
    CourseSession,
    EnrollmentState,
)
from talent.courses.services import certificates, seats
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.people.models import Organization, User

log = logging.getLogger(__name__)

#: Participants may check in from this long before a session starts until it ends.
CHECK_IN_EARLY = timedelta(minutes=30)
PARTICIPANT_STATES = (EnrollmentState.CONFIRMED, EnrollmentState.COMPLETED)


def participants_query(course: Course) -> sa.Select:
    """The people holding a confirmed seat (or having completed), by name."""
    return (
        sa.select(CourseEnrollment)
        .join(CourseEnrollment.user)
        .where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.state.in_(PARTICIPANT_STATES),
        )
        .options(
            selectinload(CourseEnrollment.user),
            selectinload(CourseEnrollment.organization),
            selectinload(CourseEnrollment.certificate),
        )
        .order_by(sa.func.lower(User.name), CourseEnrollment.id)
    )


def roster_query(course: Course) -> sa.Select:
    """The participants as the roster page lists them, by name: rows of the seat's id and
    state, the person's name and e-mail and the organisation's name, read in one query and
    without building objects, several times cheaper for a page of them."""
    participant = Bundle(
        "participant",
        CourseEnrollment.id,
        CourseEnrollment.state,
        User.name,
        User.email,
        Organization.name.label("organization"),
    )
    return (
        sa.select(participant)
        .select_from(CourseEnrollment)
        .join(CourseEnrollment.user)
        .outerjoin(CourseEnrollment.organization)
        .where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.state.in_(PARTICIPANT_STATES),
        )
        .order_by(sa.func.lower(User.name), CourseEnrollment.id)
    )


def attended_counts(enrollment_ids: Iterable[int]) -> dict[int, int]:
    """How many sessions each enrollment attended."""
    ids = list(enrollment_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Attendance.enrollment_id, sa.func.count(Attendance.id))
        .where(Attendance.enrollment_id.in_(ids))
        .group_by(Attendance.enrollment_id)
    )
    return dict(rows.all())


def attendance_marks(enrollment_ids: Iterable[int]) -> set[tuple[int, int]]:
    """(enrollment id, session id) of every attendance of these enrollments."""
    ids = list(enrollment_ids)
    if not ids:
        return set()
    rows = db.session.execute(
        sa.select(Attendance.enrollment_id, Attendance.session_id).where(
            Attendance.enrollment_id.in_(ids)
        )
    )
    return {tuple(row) for row in rows}


def session_count(course: Course) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(CourseSession.id)).where(CourseSession.course_id == course.id)
    )


def meets_completion_rule(course: Course, attended: int, sessions: int) -> bool:
    return sessions > 0 and attended * 100 >= course.completion_percent * sessions


def update_completion(
    course: Course, enrollments: list[CourseEnrollment], *, now: datetime
) -> None:
    """Complete (and certify) whoever now meets the rule; undo it for whoever no longer does."""
    sessions = session_count(course)
    counts = attended_counts(e.id for e in enrollments)
    for enrollment in enrollments:
        done = meets_completion_rule(course, counts.get(enrollment.id, 0), sessions)
        if done and enrollment.state is EnrollmentState.CONFIRMED:
            enrollment.move_to(EnrollmentState.COMPLETED)
            enrollment.completed_at = now
            certificates.issue_certificate(enrollment, now=now)
        elif not done and enrollment.state is EnrollmentState.COMPLETED:
            enrollment.move_to(EnrollmentState.CONFIRMED)
            enrollment.completed_at = None
            certificates.revoke_certificate(enrollment, now=now)
    db.session.flush()


def _check_started(session: CourseSession, now: datetime) -> None:
    if now < session.starts_at - CHECK_IN_EARLY:
        raise ValidationFailed(_l("Attendance can be recorded once the session has started."))


def record_attendance(
    actor: User, session: CourseSession, present_ids: Iterable[int], *, now: datetime
) -> tuple[int, int]:
    """Set who attended a session (the coordinator's list); return (added, removed)."""
    _check_started(session, now)
    course = seats.lock_course(session.course_id)
    participants = list(
        db.session.scalars(participants_query(course).execution_options(populate_existing=True))
    )
    by_id = {enrollment.id: enrollment for enrollment in participants}
    wanted = set(present_ids)
    if not wanted <= set(by_id):
        raise ValidationFailed(_l("Only participants of the course can attend."))
    existing = {
        row.enrollment_id: row
        for row in db.session.scalars(
            sa.select(Attendance).where(
                Attendance.session_id == session.id,
                Attendance.enrollment_id.in_(list(by_id) or [-1]),
            )
        )
    }
    added = wanted - set(existing)
    removed = set(existing) - wanted
    for enrollment_id in added:
        db.session.add(
            Attendance(
                session_id=session.id,
                enrollment_id=enrollment_id,
                method=AttendanceMethod.COORDINATOR,
                recorded_at=now,
                recorded_by_id=actor.id,
            )
        )
    for enrollment_id in removed:
        db.session.delete(existing[enrollment_id])
    db.session.flush()
    changed = [by_id[i] for i in added | removed]
    if changed:
        update_completion(course, changed, now=now)
        record_event(
            actor,
            "course.attendance.record",
            session,
            now=now,
            label=f"{course.title}: {session.title}".rstrip(": "),
            after={"added": sorted(added), "removed": sorted(removed)},
        )
    log.info("user %s recorded attendance of session %s", actor.id, session.id)
    return len(added), len(removed)


def check_in(actor: User, code: str, *, now: datetime) -> CourseSession:
    """Record one's own attendance with the code shown in the room (while the session runs)."""
    code = "".join((code or "").split()).upper()
    row = db.session.execute(
        sa.select(CourseSession, CourseEnrollment)
        .join(CourseEnrollment, CourseEnrollment.course_id == CourseSession.course_id)
        .where(
            CourseSession.attendance_code == code,
            CourseSession.starts_at <= now + CHECK_IN_EARLY,
            CourseSession.ends_at >= now,
            CourseEnrollment.user_id == actor.id,
            CourseEnrollment.state.in_(PARTICIPANT_STATES),
        )
        .limit(1)
    ).first()
    if not code or row is None:
        raise ValidationFailed(
            _l("This code does not match a session of yours that is on now."), field="code"
        )
    session, enrollment = row
    seats.lock_enrollment(enrollment)
    if enrollment.state not in PARTICIPANT_STATES:
        raise ValidationFailed(_l("You are no longer a participant of this course."), field="code")
    already = db.session.scalar(
        sa.select(Attendance.id).where(
            Attendance.session_id == session.id, Attendance.enrollment_id == enrollment.id
        )
    )
    if already is not None:
        raise AlreadyDone(
            _l("Your attendance at %(title)s was already recorded.", title=session.course.title)
        )
    db.session.add(
        Attendance(
            session_id=session.id,
            enrollment_id=enrollment.id,
            method=AttendanceMethod.CODE,
            recorded_at=now,
            recorded_by_id=actor.id,
        )
    )
    db.session.flush()
    update_completion(session.course, [enrollment], now=now)
    log.info("user %s checked in to session %s", actor.id, session.id)
    return session
