"""Creating, editing and copying courses and their sessions; who may enroll."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event, snapshot
from talent.clock import default_zone_name, span_to_utc, to_utc
from talent.courses import notices
from talent.courses.models import (
    APPLICANT_ROLES,
    MAX_CAPACITY,
    MAX_OFFER_HOURS,
    SEAT_STATES,
    AdmissionMode,
    Attendance,
    Course,
    CourseEnrollment,
    CourseFormat,
    CourseSession,
    EnrollmentState,
)
from talent.courses.services import seats, waitlist
from talent.errors import AlreadyDone, Conflict, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, Role, User
from talent.text import require_single_line

log = logging.getLogger(__name__)

#: Letters and digits that cannot be mistaken for each other when read off a screen.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
ATTENDANCE_CODE_LENGTH = 6

COURSE_FIELDS = (
    "title",
    "summary",
    "language",
    "format",
    "ects",
    "hours",
    "location",
    "timezone",
    "starts_on",
    "ends_on",
    "enrollment_opens_at",
    "enrollment_closes_at",
    "capacity",
    "admission_mode",
    "institution_quota",
    "eligible_roles",
    "eligible_kinds",
    "completion_percent",
    "offer_hours",
    "is_published",
)

SESSION_FIELDS = ("title", "starts_at", "ends_at", "location")


@dataclass
class CourseDetails:
    """What a coordinator types about a course."""

    title: str
    starts_on: date
    ends_on: date
    enrollment_opens_at: datetime
    enrollment_closes_at: datetime
    capacity: int
    summary: str = ""
    description: str = ""
    language: str = "en"
    format: CourseFormat = CourseFormat.ON_SITE
    ects: Decimal | None = None
    hours: int | None = None
    location: str = ""
    timezone: str = field(default_factory=default_zone_name)
    admission_mode: AdmissionMode = AdmissionMode.FIRST_COME
    institution_quota: int | None = None
    eligible_roles: list[Role] = field(default_factory=list)
    eligible_kinds: list[OrganizationKind] = field(default_factory=list)
    completion_percent: int = 80
    offer_hours: int = 48
    is_published: bool = False
    partner_ids: list[int] = field(default_factory=list)


def _course_snapshot(course: Course) -> dict:
    values = snapshot(course, COURSE_FIELDS)
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}


def new_attendance_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(ATTENDANCE_CODE_LENGTH))


def eligibility_problem(user: User, course: Course) -> str | None:
    """Why this user may not enroll in this course, or None when they may."""
    allowed_roles = set(course.eligible_roles or [r.value for r in APPLICANT_ROLES])
    if not {role.value for role in user.roles} & allowed_roles:
        return _l("This course is not open to people with your role.")
    if course.eligible_kinds:
        kind = user.organization.kind.value if user.organization is not None else None
        if kind not in course.eligible_kinds:
            return _l("This course is open only to people from certain kinds of institution.")
    return None


def check_eligible(user: User, course: Course) -> None:
    problem = eligibility_problem(user, course)
    if problem:
        raise NotAllowed(problem)


def _check_details(details: CourseDetails) -> None:
    if not details.title.strip():
        raise ValidationFailed(_l("Give the course a title."), field="title")
    if details.ends_on < details.starts_on:
        raise ValidationFailed(_l("The course cannot end before it starts."), field="ends_on")
    if details.enrollment_closes_at <= details.enrollment_opens_at:
        raise ValidationFailed(
            _l("Enrollment must close after it opens."), field="enrollment_closes_at"
        )
    if not 1 <= details.capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            _l("Capacity must be between 1 and %(max)d.", max=MAX_CAPACITY), field="capacity"
        )
    if not 1 <= details.completion_percent <= 100:
        raise ValidationFailed(
            _l("The completion rule must be between 1 and 100 %."), field="completion_percent"
        )
    if not 1 <= details.offer_hours <= MAX_OFFER_HOURS:
        raise ValidationFailed(
            _l("Offers must last between 1 and %(max)d hours.", max=MAX_OFFER_HOURS),
            field="offer_hours",
        )
    if details.institution_quota is not None and details.institution_quota < 1:
        raise ValidationFailed(_l("A quota must be at least 1."), field="institution_quota")
    if not set(details.eligible_roles) <= set(APPLICANT_ROLES):
        raise ValidationFailed(_l("Choose roles from the list."), field="eligible_roles")
    try:
        ZoneInfo(details.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(_l("Choose a time zone from the list."), field="timezone") from None


def _sessions_outside(course_id: int, starts_on: date, ends_on: date, zone: ZoneInfo) -> bool:
    sessions = db.session.scalars(
        sa.select(CourseSession).where(CourseSession.course_id == course_id)
    )
    return any(
        s.starts_at.astimezone(zone).date() < starts_on
        or s.ends_at.astimezone(zone).date() > ends_on
        for s in sessions
    )


def save_course(
    actor: User, course: Course | None, details: CourseDetails, *, now: datetime
) -> Course:
    """Create a course, or change one; capacity never drops below the seats already taken."""
    require_single_line(title=details.title, location=details.location)
    _check_details(details)
    creating = course is None
    if creating:
        course = Course(seats_taken=0, last_queue_number=0, created_at=now)
        db.session.add(course)
        before = None
    else:
        course = seats.lock_course(course.id)
        before = _course_snapshot(course)
        if details.capacity < course.seats_taken:
            raise Conflict(
                _l(
                    "%(count)d people already hold a seat; the capacity cannot be lower.",
                    count=course.seats_taken,
                ),
                field="capacity",
            )
        if _sessions_outside(
            course.id, details.starts_on, details.ends_on, ZoneInfo(details.timezone)
        ):
            raise ValidationFailed(
                _l("Some sessions lie outside these dates; move them first."), field="starts_on"
            )
    window_moved = not creating and (course.enrollment_closes_at != details.enrollment_closes_at)
    for name in COURSE_FIELDS:
        value = getattr(details, name)
        if name in ("eligible_roles", "eligible_kinds"):
            value = sorted(str(item) for item in value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(course, name, value)
    course.description = details.description.strip()
    course.partners = list(
        db.session.scalars(
            sa.select(Organization).where(Organization.id.in_(details.partner_ids or [-1]))
        )
    )
    course.updated_at = now
    db.session.flush()
    if not creating:
        waitlist.fill_free_seats(course, now=now)
    if window_moved:
        notices.enrollment_window_changed(course, now=now)
    record_event(
        actor,
        "course.create" if creating else "course.update",
        course,
        now=now,
        label=course.title,
        before=before,
        after=_course_snapshot(course),
    )
    log.info("course %s saved by user %s", course.id, actor.id)
    return course


def _shifted(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same wall-clock time ``days`` later in ``zone``, as typed (naive local)."""
    return moment.astimezone(zone).replace(tzinfo=None) + timedelta(days=days)


def _local_shift(moment: datetime, days: int, zone: ZoneInfo) -> datetime:
    """The same wall-clock time ``days`` later in ``zone``, in UTC; refused when the clocks
    skip that time on the new day."""
    return to_utc(_shifted(moment, days, zone), zone, field="starts_on")


def _shifted_session(session: CourseSession, days: int, zone: ZoneInfo) -> CourseSession:
    starts_at, ends_at = span_to_utc(
        _shifted(session.starts_at, days, zone),
        _shifted(session.ends_at, days, zone),
        zone,
        fields=("starts_on", "starts_on"),
    )
    return CourseSession(
        title=session.title,
        location=session.location,
        starts_at=starts_at,
        ends_at=ends_at,
        attendance_code=new_attendance_code(),
    )


def _participants(course: Course) -> list[CourseEnrollment]:
    return list(
        db.session.scalars(
            sa.select(CourseEnrollment).where(
                CourseEnrollment.course_id == course.id,
                CourseEnrollment.state.in_((EnrollmentState.CONFIRMED, EnrollmentState.COMPLETED)),
            )
        )
    )


def save_session(
    actor: User,
    course: Course,
    session: CourseSession | None,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    location: str = "",
    now: datetime,
) -> CourseSession:
    """Add a session to a course, or move one; it must lie within the course's dates."""
    require_single_line(title=title, location=location)
    if ends_at <= starts_at:
        raise ValidationFailed(_l("The session must end after it starts."), field="ends_at")
    zone = course.zone
    if starts_at.astimezone(zone).date() < course.starts_on:
        raise ValidationFailed(
            _l(
                "Sessions must lie within the course dates, %(start)s to %(end)s.",
                start=course.starts_on.isoformat(),
                end=course.ends_on.isoformat(),
            ),
            field="starts_at",
        )
    if ends_at.astimezone(zone).date() > course.ends_on:
        raise ValidationFailed(
            _l(
                "Sessions must lie within the course dates, %(start)s to %(end)s.",
                start=course.starts_on.isoformat(),
                end=course.ends_on.isoformat(),
            ),
            field="ends_at",
        )
    course = seats.lock_course(course.id)
    creating = session is None
    if not creating:
        session = _reread_session(session)
    before = None if creating else snapshot(session, SESSION_FIELDS)
    if creating:
        session = CourseSession(course=course, attendance_code=new_attendance_code())
        db.session.add(session)
    moved = creating or session.starts_at != starts_at
    session.title, session.location = title.strip(), location.strip()
    session.starts_at, session.ends_at = starts_at, ends_at
    course.updated_at = now
    db.session.flush()
    if moved:
        notices.session_planned(session, _participants(course), now=now)
    record_event(
        actor,
        "course.session.create" if creating else "course.session.update",
        session,
        now=now,
        label=f"{course.title}: {session.title}".rstrip(": "),
        before=before,
        after=snapshot(session, SESSION_FIELDS),
    )
    return session


def _reread_session(session: CourseSession) -> CourseSession:
    """The session as stored now (its course is locked); AlreadyDone when it was removed."""
    found = db.session.get(CourseSession, session.id, populate_existing=True)
    if found is None:
        raise AlreadyDone(_l("This session was already removed."))
    return found


def delete_session(actor: User, session: CourseSession, *, now: datetime) -> None:
    """Remove a session that has no attendance recorded."""
    seats.lock_course(session.course_id)
    session = _reread_session(session)
    recorded = db.session.scalar(
        sa.select(Attendance.id).where(Attendance.session_id == session.id).limit(1)
    )
    if recorded is not None:
        raise Conflict(_l("Attendance is recorded for this session, so it cannot be removed."))
    notices.session_removed(session, now=now)
    record_event(
        actor,
        "course.session.delete",
        session,
        now=now,
        label=f"{session.course.title}: {session.title}".rstrip(": "),
        before=snapshot(session, SESSION_FIELDS),
    )
    db.session.delete(session)
    db.session.flush()


def copy_course(actor: User, course: Course, *, starts_on: date, now: datetime) -> Course:
    """Copy a course and its sessions to a new start date (e.g. next year), unpublished."""
    days = (starts_on - course.starts_on).days
    if days == 0:
        raise ValidationFailed(
            _l("Choose a start date other than the original course's."), field="starts_on"
        )
    zone = course.zone
    copy = Course(
        title=course.title,
        summary=course.summary,
        description=course.description,
        language=course.language,
        format=course.format,
        ects=course.ects,
        hours=course.hours,
        location=course.location,
        timezone=course.timezone,
        starts_on=starts_on,
        ends_on=course.ends_on + timedelta(days=days),
        enrollment_opens_at=_local_shift(course.enrollment_opens_at, days, zone),
        enrollment_closes_at=_local_shift(course.enrollment_closes_at, days, zone),
        capacity=course.capacity,
        seats_taken=0,
        last_queue_number=0,
        admission_mode=course.admission_mode,
        institution_quota=course.institution_quota,
        eligible_roles=list(course.eligible_roles or []),
        eligible_kinds=list(course.eligible_kinds or []),
        completion_percent=course.completion_percent,
        offer_hours=course.offer_hours,
        is_published=False,
        copied_from_id=course.id,
        partners=list(course.partners),
        created_at=now,
        updated_at=now,
    )
    copy.sessions = [_shifted_session(session, days, zone) for session in course.sessions]
    db.session.add(copy)
    db.session.flush()
    record_event(
        actor,
        "course.copy",
        copy,
        now=now,
        label=copy.title,
        after={"copied_from": course.id, "starts_on": starts_on.isoformat()},
    )
    log.info("course %s copied to %s by user %s", course.id, copy.id, actor.id)
    return copy


def courses_query(*, search: str = "") -> sa.Select:
    """Every course for coordinators, newest first."""
    query = sa.select(Course).order_by(Course.starts_on.desc(), Course.id.desc())
    if search.strip():
        query = query.where(
            sa.func.lower(Course.title).contains(search.strip().lower(), autoescape=True)
        )
    return query


def organization_options(include_ids=()) -> list[tuple[int, str]]:
    """Active organisations that can be named as partners (and those already named), by name."""
    usable = sa.and_(Organization.is_active.is_(True), Organization.kind != OrganizationKind.SCHOOL)
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name)
        .where(sa.or_(usable, Organization.id.in_(list(include_ids))))
        .order_by(Organization.name)
    )
    return [(row.id, row.name) for row in rows]


def state_counts(courses: list[Course]) -> dict[int, dict[EnrollmentState, int]]:
    """How many enrollments each course has in each state, in one query."""
    ids = [course.id for course in courses]
    counts: dict[int, dict[EnrollmentState, int]] = {course_id: {} for course_id in ids}
    if ids:
        rows = db.session.execute(
            sa.select(CourseEnrollment.course_id, CourseEnrollment.state, sa.func.count())
            .where(CourseEnrollment.course_id.in_(ids))
            .group_by(CourseEnrollment.course_id, CourseEnrollment.state)
        )
        for course_id, state, count in rows:
            counts[course_id][state] = count
    return counts


def organization_seat_counts(course: Course) -> dict[int, int]:
    """Seats held per applicant institution: what the institution quota limits."""
    rows = db.session.execute(
        sa.select(CourseEnrollment.organization_id, sa.func.count())
        .where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.organization_id.is_not(None),
            CourseEnrollment.state.in_(SEAT_STATES),
        )
        .group_by(CourseEnrollment.organization_id)
    )
    return dict(rows.all())
