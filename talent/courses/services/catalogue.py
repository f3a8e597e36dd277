"""The public catalogue: upcoming published courses, searchable and filterable, also as JSON
and as an iCalendar feed of their sessions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from icalendar import Calendar, Event
from sqlalchemy.orm import joinedload, load_only, selectinload

from talent.courses.models import (
    LIVE_STATES,
    Course,
    CourseEnrollment,
    CourseFormat,
    CourseSession,
    EnrollmentState,
    course_partners,
)
from talent.extensions import db
from talent.people.models import Organization, User
from talent.text import as_single_line, clean_lines

#: What a catalogue card shows of a course itself; the rest (the description above all) stays
#: in the database. Reading any other column of these courses raises instead of costing one
#: query per card.
CARD_COLUMNS = (
    Course.title,
    Course.summary,
    Course.language,
    Course.format,
    Course.ects,
    Course.hours,
    Course.location,
    Course.starts_on,
    Course.ends_on,
    Course.enrollment_opens_at,
    Course.enrollment_closes_at,
    Course.capacity,
    Course.seats_taken,
    Course.admission_mode,
)


class SessionLine(NamedTuple):
    """A session as a catalogue card lists it."""

    title: str
    starts_at: datetime
    #: The session's own venue, or the course's main one (as CourseSession.place).
    place: str


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
    """Published courses that have not ended, soonest first; what else to load of them is up
    to the caller (``for_cards`` or ``for_feeds``)."""
    query = (
        sa.select(Course)
        .where(Course.is_published.is_(True), Course.ends_on >= today)
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


def for_cards(query: sa.Select) -> sa.Select:
    """The catalogue's courses with only the columns of their cards; partners and sessions
    come from ``partner_names`` and ``session_lines``."""
    return query.options(load_only(*CARD_COLUMNS, raiseload=True))


def for_feeds(query: sa.Select) -> sa.Select:
    """The catalogue's courses with their partners and sessions, for the JSON and iCalendar
    feeds."""
    return query.options(selectinload(Course.partners), selectinload(Course.sessions))


def partner_options(*, today: date) -> list[tuple[int, str]]:
    """Organisations that are partners of some course in the catalogue (published, not ended),
    by name: choosing any other would find nothing."""
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name)
        .where(
            Organization.id.in_(
                sa.select(course_partners.c.organization_id)
                .join(Course, Course.id == course_partners.c.course_id)
                .where(Course.is_published.is_(True), Course.ends_on >= today)
            )
        )
        .order_by(Organization.name)
    )
    return [(row.id, row.name) for row in rows]


def partner_names(courses: list[Course]) -> dict[int, list[str]]:
    """The names of each course's partners, by name, by course id (none: no entry)."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(course_partners.c.course_id, Organization.name)
        .join(Organization, Organization.id == course_partners.c.organization_id)
        .where(course_partners.c.course_id.in_(ids))
        .order_by(Organization.name)
    )
    names: dict[int, list[str]] = {}
    for course_id, name in rows:
        names.setdefault(course_id, []).append(name)
    return names


def session_lines(courses: list[Course]) -> dict[int, list[SessionLine]]:
    """Each course's sessions in time order, by course id (none: no entry); plain rows, since a
    page of cards lists a hundred sessions or more."""
    venues = {course.id: course.location for course in courses}
    if not venues:
        return {}
    rows = db.session.execute(
        sa.select(
            CourseSession.course_id,
            CourseSession.title,
            CourseSession.starts_at,
            CourseSession.location,
        )
        .where(CourseSession.course_id.in_(venues))
        .order_by(CourseSession.starts_at, CourseSession.id)
    )
    lines: dict[int, list[SessionLine]] = {}
    for course_id, title, starts_at, location in rows:
        line = SessionLine(title, starts_at, location or venues[course_id])
        lines.setdefault(course_id, []).append(line)
    return lines


def load_course(course_id: int) -> Course | None:
    """One course with its sessions, in one query; its partners load when first read (a query
    either way, and most pages about a course do not show them)."""
    return (
        db.session.scalars(
            sa.select(Course).where(Course.id == course_id).options(joinedload(Course.sessions))
        )
        .unique()
        .first()
    )


def my_enrollment_states(user: User, courses: list[Course]) -> dict[int, EnrollmentState]:
    """The state of the user's live enrollment in each of these courses, by course id."""
    ids = [course.id for course in courses]
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(CourseEnrollment.course_id, CourseEnrollment.state).where(
            CourseEnrollment.user_id == user.id,
            CourseEnrollment.course_id.in_(ids),
            CourseEnrollment.state.in_(LIVE_STATES),
        )
    )
    return {course_id: state for course_id, state in rows}


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
    # One line, no control characters, whatever was stored before the single-line rule.
    title = f"{course.title}: {session.title}" if session.title else course.title
    event.add("summary", as_single_line(title))
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("dtstamp", course.updated_at)
    if session.place:
        event.add("location", as_single_line(session.place))
    if course.summary:
        event.add("description", clean_lines(course.summary))
    event.add("url", url)
    return event


def catalogue_calendar(
    courses: list[Course], *, course_url: Callable[[Course], str], domain: str, name: str
) -> bytes:
    """The sessions of these courses as an iCalendar file."""
    calendar = Calendar()
    calendar.add("prodid", "-//Talent//School of Health Innovation//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", as_single_line(name))
    for course in courses:
        url = course_url(course)
        for session in course.sessions:
            calendar.add_component(session_event(session, course, url=url, domain=domain))
    return calendar.to_ical()
