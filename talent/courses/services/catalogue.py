"""The public catalogue: upcoming published courses, searchable and filterable, also as JSON
and as an iCalendar feed of their sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa
from icalendar import Calendar, Event
from sqlalchemy.orm import selectinload

from talent.courses.models import (
    LIVE_STATES,
    Course,
    CourseEnrollment,
    CourseFormat,
    CourseSession,
    course_partners,
)
from talent.extensions import db
from talent.people.models import Organization, User


def catalogue_query(
    *,
    today: date,
    now: datetime,
    search: str = "",
    format: CourseFormat | None = None,
    language: str | None = None,
    partner_id: int | None = None,
    open_only: bool = False,
) -> sa.Select:
    """Published courses that have not ended, soonest first, with partners and sessions."""
    query = (
        sa.select(Course)
        .where(Course.is_published.is_(True), Course.ends_on >= today)
        .options(selectinload(Course.partners), selectinload(Course.sessions))
        .order_by(Course.starts_on, Course.id)
    )
    text = search.strip().lower()
    if text:
        query = query.where(
            sa.or_(
                sa.func.lower(Course.title).contains(text, autoescape=True),
                sa.func.lower(Course.summary).contains(text, autoescape=True),
                sa.func.lower(Course.location).contains(text, autoescape=True),
            )
        )
    if format is not None:
        query = query.where(Course.format == format)
    if language:
        query = query.where(Course.language == language)
    if partner_id is not None:
        query = query.where(
            Course.id.in_(
                sa.select(course_partners.c.course_id).where(
                    course_partners.c.organization_id == partner_id
                )
            )
        )
    if open_only:
        query = query.where(Course.enrollment_opens_at <= now, Course.enrollment_closes_at > now)
    return query


def partner_options() -> list[tuple[int, str]]:
    """Organisations that are partners of some published course, by name."""
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name)
        .where(
            Organization.id.in_(
                sa.select(course_partners.c.organization_id)
                .join(Course, Course.id == course_partners.c.course_id)
                .where(Course.is_published.is_(True))
            )
        )
        .order_by(Organization.name)
    )
    return [(row.id, row.name) for row in rows]


def load_course(course_id: int) -> Course | None:
    """One course with its partners and sessions."""
    return db.session.scalars(
        sa.select(Course)
        .where(Course.id == course_id)
        .options(selectinload(Course.partners), selectinload(Course.sessions))
    ).first()


def my_enrollments(user: User, courses: list[Course]) -> dict[int, CourseEnrollment]:
    """The user's live enrollment in each of these courses, by course id."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    rows = db.session.scalars(
        sa.select(CourseEnrollment).where(
            CourseEnrollment.user_id == user.id,
            CourseEnrollment.course_id.in_(ids),
            CourseEnrollment.state.in_(LIVE_STATES),
        )
    )
    return {row.course_id: row for row in rows}


def course_document(course: Course, *, url: str, now: datetime, labels: dict[str, str]) -> dict:
    """A course as JSON-ready data; ``labels`` names the format and language for people."""
    return {
        "id": course.id,
        "url": url,
        "title": course.title,
        "summary": course.summary,
        "partners": [partner.name for partner in course.partners],
        "language": course.language,
        "format": course.format.value,
        "format_label": labels.get("format", ""),
        "ects": float(course.ects) if course.ects is not None else None,
        "hours": course.hours,
        "location": course.location,
        "starts_on": course.starts_on.isoformat(),
        "ends_on": course.ends_on.isoformat(),
        "admission": course.admission_mode.value,
        "capacity": course.capacity,
        "seats_left": course.seats_left,
        "enrollment_opens_at": course.enrollment_opens_at.isoformat(),
        "enrollment_closes_at": course.enrollment_closes_at.isoformat(),
        "is_open_for_enrollment": course.is_open_for_enrollment(now),
        "sessions": [
            {
                "id": session.id,
                "title": session.title,
                "starts_at": session.starts_at.isoformat(),
                "ends_at": session.ends_at.isoformat(),
                "location": session.place,
            }
            for session in course.sessions
        ],
    }


def session_event(session: CourseSession, course: Course, *, url: str, domain: str) -> Event:
    """One session as an iCalendar event (times in UTC)."""
    event = Event()
    event.add("uid", f"course-session-{session.id}@{domain}")
    event.add("summary", f"{course.title}: {session.title}" if session.title else course.title)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", course.updated_at)
    if session.place:
        event.add("location", session.place)
    if course.summary:
        event.add("description", course.summary)
    event.add("url", url)
    return event


def catalogue_calendar(
    courses: list[Course], *, course_url: Callable[[Course], str], domain: str, name: str
) -> bytes:
    """The sessions of these courses as an iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", "-//Talent//School of Health Innovation//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for course in courses:
        url = course_url(course)
        for session in course.sessions:
            calendar.add_component(session_event(session, course, url=url, domain=domain))
    return calendar.to_ical()
