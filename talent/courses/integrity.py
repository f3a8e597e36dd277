"""Integrity checks of courses: seats taken, waitlist tickets, one live enrollment per person,
and certificates only for completed enrollments."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from talent.courses.models import (
    LIVE_STATES,
    SEAT_STATES,
    Certificate,
    Course,
    CourseEnrollment,
    EnrollmentState,
)
from talent.integrity.checks import Counter, Drift, WithinLimit


def _seat_holders_per_course() -> sa.Select:
    return (
        sa.select(CourseEnrollment.course_id.label("key"), sa.func.count().label("value"))
        .where(CourseEnrollment.state.in_(SEAT_STATES))
        .group_by(CourseEnrollment.course_id)
    )


def _highest_ticket_per_course() -> sa.Select:
    return sa.select(
        CourseEnrollment.course_id.label("key"),
        sa.func.max(CourseEnrollment.queue_number).label("value"),
    ).group_by(CourseEnrollment.course_id)


seats_taken = Counter(
    "courses.seats_taken",
    Course,
    "seats_taken",
    "course",
    _seat_holders_per_course,
    limit="capacity",
)

#: Tickets of deleted enrollments leave the counter ahead of the rows, which is harmless; a
#: counter behind the highest ticket would hand that ticket out a second time.
last_queue_number = Counter(
    "courses.last_queue_number",
    Course,
    "last_queue_number",
    "course",
    _highest_ticket_per_course,
    at_least=True,
)


course_within_capacity = WithinLimit(
    "courses.course_within_capacity", seats_taken, "enrollments holding a seat"
)


def one_live_enrollment_per_person(session: Session, now: datetime) -> list[Drift]:
    """A person has at most one enrollment on a course that has not ended."""
    query = (
        sa.select(CourseEnrollment.course_id, CourseEnrollment.user_id, sa.func.count())
        .where(CourseEnrollment.state.in_(LIVE_STATES))
        .group_by(CourseEnrollment.course_id, CourseEnrollment.user_id)
        .having(sa.func.count() > 1)
        .order_by(CourseEnrollment.course_id, CourseEnrollment.user_id)
    )
    return [
        Drift(
            "courses.one_live_enrollment_per_person",
            f"course {course_id}, user {user_id}",
            "at most one live enrollment",
            f"{count} live enrollments",
        )
        for course_id, user_id, count in session.execute(query)
    ]


def tickets_unique(session: Session, now: datetime) -> list[Drift]:
    """No two enrollments of a course hold the same waitlist ticket."""
    query = (
        sa.select(CourseEnrollment.course_id, CourseEnrollment.queue_number, sa.func.count())
        .where(CourseEnrollment.queue_number.is_not(None))
        .group_by(CourseEnrollment.course_id, CourseEnrollment.queue_number)
        .having(sa.func.count() > 1)
        .order_by(CourseEnrollment.course_id, CourseEnrollment.queue_number)
    )
    return [
        Drift(
            "courses.tickets_unique",
            f"course {course_id}",
            f"waitlist ticket {ticket} handed out once",
            f"{count} enrollments hold it",
        )
        for course_id, ticket, count in session.execute(query)
    ]


def certificates_for_completed(session: Session, now: datetime) -> list[Drift]:
    """A certificate in force belongs to a completed enrollment."""
    query = (
        sa.select(Certificate.id, CourseEnrollment.id, CourseEnrollment.state)
        .join(CourseEnrollment, CourseEnrollment.id == Certificate.enrollment_id)
        .where(
            Certificate.revoked_at.is_(None),
            CourseEnrollment.state != EnrollmentState.COMPLETED,
        )
        .order_by(Certificate.id)
    )
    return [
        Drift(
            "courses.certificates_for_completed",
            f"certificate {certificate_id} (enrollment {enrollment_id})",
            "in force",
            f"the enrollment is {state.value}",
        )
        for certificate_id, enrollment_id, state in session.execute(query)
    ]


CHECKS = (
    seats_taken,
    course_within_capacity,
    last_queue_number,
    tickets_unique,
    one_live_enrollment_per_person,
    certificates_for_completed,
)
