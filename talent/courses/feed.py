"""Course sessions in each participant's calendar feed (talent.calendar)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from sqlalchemy.orm import contains_eager

from talent.calendar.registry import CalendarEvent
from talent.courses.models import Course, CourseEnrollment, CourseSession, EnrollmentState
from talent.courses.notices import SESSION_LEAD
from talent.extensions import db
from talent.people.models import User

PARTICIPANT_STATES = (EnrollmentState.CONFIRMED, EnrollmentState.COMPLETED)


def calendar_event(session: CourseSession) -> CalendarEvent:
    course = session.course
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "courses.course", course_id=course.id
    )
    return CalendarEvent(
        uid=f"course-session-{session.id}",
        title=f"{course.title}: {session.title}" if session.title else course.title,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        zone=course.timezone,
        location=session.place,
        description=course.summary,
        url=link,
        alarms=(SESSION_LEAD,),
    )


def course_sessions(user: User, *, start: datetime, end: datetime) -> list[CalendarEvent]:
    """The sessions of the courses the user has a seat on, in one query."""
    query = (
        sa.select(CourseSession)
        .join(CourseSession.course)
        .join(CourseEnrollment, CourseEnrollment.course_id == Course.id)
        .where(
            CourseEnrollment.user_id == user.id,
            CourseEnrollment.state.in_(PARTICIPANT_STATES),
            CourseSession.starts_at >= start,
            CourseSession.starts_at < end,
        )
        .options(contains_eager(CourseSession.course))
        .order_by(CourseSession.starts_at)
    )
    return [calendar_event(session) for session in db.session.scalars(query)]
