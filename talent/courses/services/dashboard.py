"""Reading for the home dashboards: a person's current enrollments, and what coordinators
decide on (applications to review, offers about to lapse). One query each."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from talent.courses.models import Course, CourseEnrollment, EnrollmentState
from talent.db import constant
from talent.extensions import db
from talent.people.models import User

#: Enrollments that still ask something of the person or lead to a seat.
CURRENT_STATES = (
    EnrollmentState.DRAFT,
    EnrollmentState.APPLIED,
    EnrollmentState.WAITLISTED,
    EnrollmentState.OFFERED,
    EnrollmentState.CONFIRMED,
)


def current_enrollments(user: User, *, today: date, limit: int) -> list[CourseEnrollment]:
    """The person's enrollments in courses not yet over: open offers first, then by start."""
    offers_first = sa.case((CourseEnrollment.state == EnrollmentState.OFFERED, 0), else_=1)
    query = (
        sa.select(CourseEnrollment)
        .join(CourseEnrollment.course)
        .where(
            CourseEnrollment.user_id == user.id,
            CourseEnrollment.state.in_(CURRENT_STATES),
            Course.ends_on >= today,
        )
        .options(contains_eager(CourseEnrollment.course))
        .order_by(offers_first, Course.starts_on, CourseEnrollment.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def applications_to_review(*, today: date, limit: int) -> list[sa.Row]:
    """Courses not yet over with sent applications waiting for a decision, as rows (id, title,
    waiting: how many); the course with the longest-waiting application first."""
    # Correlated per course, so that the (course, state) index answers them: the courses not
    # yet over are few, the enrollments of all years many.
    waiting = sa.and_(
        CourseEnrollment.course_id == Course.id,
        constant(CourseEnrollment.state, EnrollmentState.APPLIED),
        CourseEnrollment.submitted_at.is_not(None),
    )
    count = sa.select(sa.func.count()).where(waiting).correlate(Course).scalar_subquery()
    oldest = (
        sa.select(sa.func.min(CourseEnrollment.submitted_at))
        .where(waiting)
        .correlate(Course)
        .scalar_subquery()
    )
    return list(
        db.session.execute(
            sa.select(Course.id, Course.title, count.label("waiting"))
            .where(Course.ends_on >= today, count > 0)
            .order_by(oldest, Course.id)
            .limit(limit)
        )
    )


def offers_lapsing(*, now: datetime, within: timedelta, limit: int) -> list[sa.Row]:
    """Open offers whose deadline falls within ``within`` from now, soonest first, as rows
    (id, course_id, course_title, person_name, offer_expires_at)."""
    query = (
        sa.select(
            CourseEnrollment.id,
            CourseEnrollment.course_id,
            Course.title.label("course_title"),
            User.name.label("person_name"),
            CourseEnrollment.offer_expires_at,
        )
        .join(CourseEnrollment.course)
        .join(CourseEnrollment.user)
        .where(
            constant(CourseEnrollment.state, EnrollmentState.OFFERED),
            CourseEnrollment.offer_expires_at.is_not(None),
            CourseEnrollment.offer_expires_at <= now + within,
        )
        .order_by(CourseEnrollment.offer_expires_at, CourseEnrollment.id)
        .limit(limit)
    )
    return list(db.session.execute(query))
