"""The first-in-first-out waitlist: offers of freed seats, their answers and their lapse."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import aliased

from talent.courses import notices
from talent.courses.models import Course, CourseEnrollment, EnrollmentState
from talent.courses.services import seats
from talent.errors import AlreadyDone, InvalidState
from talent.extensions import db
from talent.people.models import User

log = logging.getLogger(__name__)


def _first_waiting(course: Course) -> CourseEnrollment | None:
    return db.session.scalars(
        sa.select(CourseEnrollment)
        .where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.state == EnrollmentState.WAITLISTED,
        )
        .order_by(CourseEnrollment.queue_number, CourseEnrollment.id)
        .limit(1)
    ).first()


def join_waitlist(enrollment: CourseEnrollment, course: Course, *, now: datetime) -> None:
    """Put an enrollment at the end of the line (the course is locked by the caller)."""
    enrollment.move_to(EnrollmentState.WAITLISTED)
    enrollment.queue_number = seats.next_queue_number(course)
    enrollment.waitlisted_at = now


def _make_offer(enrollment: CourseEnrollment, course: Course, *, now: datetime) -> None:
    enrollment.move_to(EnrollmentState.OFFERED)
    enrollment.offered_at = now
    enrollment.offer_expires_at = min(now + timedelta(hours=course.offer_hours), course.ends_at)
    db.session.flush()
    notices.offer_made(enrollment, now=now)
    log.info("enrollment %s offered a seat on course %s", enrollment.id, course.id)


def fill_free_seats(course: Course, *, now: datetime) -> int:
    """Offer each free seat to the next person waiting; the course is locked by the caller.

    No offers are made once the course is over. Returns how many offers were made.
    """
    made = 0
    while not course.is_over(now):
        first = _first_waiting(course)
        if first is None or not seats.take_seat(course):
            break
        _make_offer(first, course, now=now)
        made += 1
    return made


def free_seat(course: Course, *, now: datetime) -> None:
    """A seat holder left: the seat goes to the next in line, or back to the pool."""
    seats.release_seat(course)
    fill_free_seats(course, now=now)


def accept_offer(actor: User, enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Take the offered seat."""
    course = seats.lock_enrollment(enrollment)
    if enrollment.state is EnrollmentState.CONFIRMED and enrollment.offered_at is not None:
        raise AlreadyDone(_l("You already accepted the seat on %(title)s.", title=course.title))
    if enrollment.state is EnrollmentState.LAPSED or (
        enrollment.state is EnrollmentState.OFFERED and enrollment.offer_expires_at <= now
    ):
        raise InvalidState(_l("The offer has lapsed; the seat has passed to the next person."))
    if enrollment.state is not EnrollmentState.OFFERED:
        raise InvalidState(_l("There is no open offer to accept on this enrollment."))
    enrollment.move_to(EnrollmentState.CONFIRMED)
    enrollment.confirmed_at = now
    db.session.flush()
    notices.offer_closed(enrollment, now=now)
    notices.seat_confirmed(enrollment, now=now)
    log.info("user %s accepted the offer of enrollment %s", actor.id, enrollment.id)


def decline_offer(actor: User, enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Turn the offer down; the seat goes to the next person waiting."""
    course = seats.lock_enrollment(enrollment)
    if enrollment.state is EnrollmentState.DECLINED:
        raise AlreadyDone(_l("You already declined the seat on %(title)s.", title=course.title))
    enrollment.move_to(
        EnrollmentState.DECLINED, _l("There is no open offer to decline on this enrollment.")
    )
    enrollment.ended_at = now
    db.session.flush()
    notices.offer_closed(enrollment, now=now)
    notices.enrollment_ended(enrollment, now=now)
    free_seat(course, now=now)
    log.info("user %s declined the offer of enrollment %s", actor.id, enrollment.id)


def expire_offers(now: datetime) -> int:
    """Lapse every offer whose deadline has passed and pass each seat on; return how many."""
    due = db.session.scalars(
        sa.select(CourseEnrollment.id)
        .where(
            CourseEnrollment.state == EnrollmentState.OFFERED,
            CourseEnrollment.offer_expires_at <= now,
        )
        .order_by(CourseEnrollment.course_id, CourseEnrollment.id)
    ).all()
    lapsed = 0
    for enrollment_id in due:
        # Courses are locked in id order, so two runs cannot deadlock each other.
        enrollment = db.session.get_one(CourseEnrollment, enrollment_id)
        course = seats.lock_enrollment(enrollment)
        if enrollment.state is not EnrollmentState.OFFERED or enrollment.offer_expires_at > now:
            continue  # answered meanwhile
        enrollment.move_to(EnrollmentState.LAPSED)
        enrollment.ended_at = now
        db.session.flush()
        notices.offer_closed(enrollment, now=now)
        notices.enrollment_ended(enrollment, now=now)
        free_seat(course, now=now)
        lapsed += 1
        log.info("offer of enrollment %s lapsed", enrollment.id)
    return lapsed


def waitlist_position(enrollment: CourseEnrollment) -> int | None:
    """1 for the first in line; None when not waiting."""
    return waitlist_positions([enrollment]).get(enrollment.id)


def waitlist_positions(enrollments: list[CourseEnrollment]) -> dict[int, int]:
    """Positions of several waiting enrollments (of any courses) in one query, by id."""
    waiting = [e.id for e in enrollments if e.state is EnrollmentState.WAITLISTED]
    if not waiting:
        return {}
    mine = aliased(CourseEnrollment)
    other = aliased(CourseEnrollment)
    rows = db.session.execute(
        sa.select(mine.id, sa.func.count(other.id))
        .join(
            other,
            sa.and_(
                other.course_id == mine.course_id,
                other.state == EnrollmentState.WAITLISTED,
                other.queue_number <= mine.queue_number,
            ),
        )
        .where(mine.id.in_(waiting))
        .group_by(mine.id)
    )
    return dict(rows.all())
