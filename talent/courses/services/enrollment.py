"""Enrolling (first come, first served), applying (selection), reviewing and withdrawing.

Every call is safe to repeat: a double click or the back button finds the enrollment the
first request made and changes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from talent.audit.services import record_event
from talent.courses import notices
from talent.courses.models import (
    MAX_SCORE,
    SEAT_STATES,
    Course,
    CourseEnrollment,
    EnrollmentState,
)
from talent.courses.services import seats, waitlist
from talent.courses.services.management import check_eligible
from talent.errors import AlreadyDone, Conflict, InvalidState, NotFound, ValidationFailed
from talent.extensions import db
from talent.people.models import User

log = logging.getLogger(__name__)

MIN_MOTIVATION = 20
MAX_MOTIVATION = 4000


def live_enrollment(user: User, course: Course) -> CourseEnrollment | None:
    """The person's current enrollment in the course (not withdrawn, declined or lapsed)."""
    from talent.courses.models import LIVE_STATES

    return db.session.scalars(
        sa.select(CourseEnrollment).where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.user_id == user.id,
            CourseEnrollment.state.in_(LIVE_STATES),
        )
    ).first()


def _check_window(course: Course, now: datetime) -> None:
    if not course.is_published:
        raise NotFound(_l("This course is not open for enrollment."))
    if now < course.enrollment_opens_at:
        raise InvalidState(_l("Enrollment for this course has not opened yet."))
    if now >= course.enrollment_closes_at:
        raise InvalidState(_l("Enrollment for this course has closed."))


def _add(enrollment: CourseEnrollment) -> None:
    """Insert; the partial unique index turns a racing duplicate into a Conflict."""
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        raise Conflict(_l("You are already enrolled in this course.")) from None


def _seat_or_waitlist(enrollment: CourseEnrollment, course: Course, *, now: datetime) -> None:
    if seats.take_seat(course):
        enrollment.move_to(EnrollmentState.CONFIRMED)
        enrollment.confirmed_at = now
        db.session.flush()
        notices.seat_confirmed(enrollment, now=now)
    else:
        waitlist.join_waitlist(enrollment, course, now=now)
        db.session.flush()


def enroll(actor: User, course: Course, *, now: datetime) -> CourseEnrollment:
    """Take a free seat, or join the end of the waitlist when the course is full."""
    course = seats.lock_course(course.id)
    existing = live_enrollment(actor, course)
    if existing is not None:
        return existing
    if course.is_selection:
        raise InvalidState(_l("This course admits by application; write a motivation instead."))
    _check_window(course, now)
    check_eligible(actor, course)
    # APPLIED is the entry point of every enrollment; first come moves it on at once.
    enrollment = CourseEnrollment(
        course_id=course.id,
        user_id=actor.id,
        organization_id=actor.organization_id,
        state=EnrollmentState.APPLIED,
        created_at=now,
        submitted_at=now,
    )
    _add(enrollment)
    _seat_or_waitlist(enrollment, course, now=now)
    log.info("user %s enrolled in course %s as %s", actor.id, course.id, enrollment.state)
    return enrollment


def save_application(
    actor: User, course: Course, *, motivation: str, submit: bool, now: datetime
) -> CourseEnrollment:
    """Save a draft application, or send it to the coordinator (selection mode)."""
    motivation = (motivation or "").strip()
    if len(motivation) > MAX_MOTIVATION:
        raise ValidationFailed(
            _l("Keep the motivation under %(max)d characters.", max=MAX_MOTIVATION),
            field="motivation",
        )
    course = seats.lock_course(course.id)
    enrollment = live_enrollment(actor, course)
    if enrollment is not None and enrollment.state is not EnrollmentState.DRAFT:
        if enrollment.motivation == motivation:
            return enrollment  # the same application sent twice
        raise InvalidState(_l("Your application is sent and can no longer be changed."))
    if not course.is_selection:
        raise InvalidState(_l("This course takes no applications; enroll directly."))
    _check_window(course, now)
    check_eligible(actor, course)
    if submit and len(motivation) < MIN_MOTIVATION:
        raise ValidationFailed(
            _l(
                "Tell the coordinator a little more (at least %(min)d characters).",
                min=MIN_MOTIVATION,
            ),
            field="motivation",
        )
    started = enrollment is None
    if started:
        enrollment = CourseEnrollment(
            course_id=course.id,
            user_id=actor.id,
            organization_id=actor.organization_id,
            state=EnrollmentState.DRAFT,
            created_at=now,
        )
        _add(enrollment)
    enrollment.motivation = motivation
    if submit:
        enrollment.move_to(EnrollmentState.APPLIED)
        enrollment.submitted_at = now
        enrollment.organization_id = actor.organization_id
    db.session.flush()
    if submit:
        notices.application_sent(enrollment, now=now)
    elif started:
        notices.application_started(enrollment, now=now)
    log.info(
        "user %s saved an application to course %s (%s)", actor.id, course.id, enrollment.state
    )
    return enrollment


def withdraw(actor: User, enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Leave a course (or take someone off it); a freed seat goes to the next in line."""
    course = seats.lock_enrollment(enrollment)
    if enrollment.state is EnrollmentState.WITHDRAWN:
        raise AlreadyDone(
            _l("The enrollment in %(title)s was already withdrawn.", title=course.title)
        )
    if enrollment.state is EnrollmentState.COMPLETED:
        raise InvalidState(_l("The course is completed; there is nothing to withdraw from."))
    if enrollment.state.holds_seat and course.is_over(now):
        raise InvalidState(_l("The course is over; it is too late to withdraw."))
    held_seat = enrollment.state.holds_seat
    was_offered = enrollment.state is EnrollmentState.OFFERED
    enrollment.move_to(EnrollmentState.WITHDRAWN)
    enrollment.ended_at = now
    db.session.flush()
    if was_offered:
        notices.offer_closed(enrollment, now=now)
    notices.enrollment_ended(enrollment, now=now)
    if held_seat:
        waitlist.free_seat(course, now=now)
    if actor.id != enrollment.user_id:
        record_event(
            actor,
            "course.enrollment.remove",
            enrollment,
            now=now,
            label=f"{course.title}: {enrollment.user.name}",
        )
    log.info("user %s withdrew enrollment %s", actor.id, enrollment.id)


def score_application(
    actor: User, enrollment: CourseEnrollment, score: int | None, *, now: datetime
) -> None:
    """Record the coordinator's score of an application."""
    if score is not None and not 0 <= score <= MAX_SCORE:
        raise ValidationFailed(_l("Give a score from 0 to %(max)d.", max=MAX_SCORE), field="score")
    seats.lock_enrollment(enrollment)
    if enrollment.state is EnrollmentState.DRAFT:
        raise InvalidState(_l("This application has not been sent yet."))
    if enrollment.score == score:
        return
    enrollment.score = score
    enrollment.scored_by_id = actor.id
    db.session.flush()
    record_event(
        actor,
        "course.application.score",
        enrollment,
        now=now,
        label=f"{enrollment.course.title}: {enrollment.user.name}",
        after={"score": score},
    )


def _quota_reached(course: Course, enrollment: CourseEnrollment) -> bool:
    if course.institution_quota is None or enrollment.organization_id is None:
        return False
    holders = db.session.scalar(
        sa.select(sa.func.count(CourseEnrollment.id)).where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.organization_id == enrollment.organization_id,
            CourseEnrollment.state.in_(SEAT_STATES),
        )
    )
    return holders >= course.institution_quota


def admit(actor: User, enrollment: CourseEnrollment, *, now: datetime) -> CourseEnrollment:
    """Admit an applicant: a seat if one is free, else the waitlist; the quota is respected."""
    course = seats.lock_enrollment(enrollment)
    if enrollment.state in (EnrollmentState.CONFIRMED, EnrollmentState.WAITLISTED):
        raise AlreadyDone(
            _l(
                "The application of %(name)s was already admitted: %(state)s.",
                name=enrollment.user.name,
                state=enrollment.state.label,
            )
        )
    if enrollment.state is not EnrollmentState.APPLIED:
        raise InvalidState(
            _l(
                "Only a sent application can be admitted; this one is %(state)s.",
                state=enrollment.state.label,
            )
        )
    if _quota_reached(course, enrollment):
        raise Conflict(
            _l(
                "%(organization)s already has %(quota)d seats, the most one institution may have.",
                organization=enrollment.organization.name,
                quota=course.institution_quota,
            )
        )
    _seat_or_waitlist(enrollment, course, now=now)
    notices.decided(enrollment, now=now)
    record_event(
        actor,
        "course.application.admit",
        enrollment,
        now=now,
        label=f"{course.title}: {enrollment.user.name}",
        after={"state": enrollment.state.value},
    )
    return enrollment


def reject(actor: User, enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Turn an application (or a waiting applicant) down."""
    course = seats.lock_enrollment(enrollment)
    if enrollment.state is EnrollmentState.REJECTED:
        raise AlreadyDone(
            _l("The application of %(name)s was already turned down.", name=enrollment.user.name)
        )
    enrollment.move_to(EnrollmentState.REJECTED)
    enrollment.ended_at = now
    db.session.flush()
    notices.enrollment_ended(enrollment, now=now)
    notices.decided(enrollment, now=now)
    record_event(
        actor,
        "course.application.reject",
        enrollment,
        now=now,
        label=f"{course.title}: {enrollment.user.name}",
    )


def latest_enrollment(user: User, course: Course) -> CourseEnrollment | None:
    """The person's most recent enrollment in the course, live or ended."""
    return db.session.scalars(
        sa.select(CourseEnrollment)
        .where(CourseEnrollment.course_id == course.id, CourseEnrollment.user_id == user.id)
        .order_by(CourseEnrollment.id.desc())
        .limit(1)
    ).first()


def my_enrollments_query(user: User) -> sa.Select:
    """A person's enrollments, the coming courses first, with their courses and certificates."""
    return (
        sa.select(CourseEnrollment)
        .join(CourseEnrollment.course)
        .where(CourseEnrollment.user_id == user.id)
        .options(
            contains_eager(CourseEnrollment.course),
            selectinload(CourseEnrollment.certificate),
        )
        .order_by(Course.starts_on.desc(), CourseEnrollment.id.desc())
    )
