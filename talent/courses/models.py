"""School of Health Innovation: courses, their sessions, enrollments (applications, waitlist,
offers), attendance and certificates."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.clock import default_zone_name
from talent.db import enum_type, utcnow
from talent.errors import InvalidState
from talent.extensions import db
from talent.people.models import Organization, Role, User

#: Bounds that keep a course sane; beyond them the form says so.
MAX_CAPACITY = 500
MAX_OFFER_HOURS = 14 * 24
DEFAULT_OFFER_HOURS = 48
DEFAULT_COMPLETION_PERCENT = 80
MAX_SCORE = 10

#: Roles that may enroll in courses at all; a course may narrow them down.
APPLICANT_ROLES = (Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER)


class CourseFormat(enum.StrEnum):
    ON_SITE = "on_site"
    ONLINE = "online"
    HYBRID = "hybrid"


class AdmissionMode(enum.StrEnum):
    #: Seats go to whoever enrolls first; the rest wait in line.
    FIRST_COME = "first_come"
    #: Applicants write a motivation; the coordinator scores and admits.
    SELECTION = "selection"


class AttendanceMethod(enum.StrEnum):
    COORDINATOR = "coordinator"
    CODE = "code"


class EnrollmentState(enum.StrEnum):
    #: An application started but not yet sent (selection mode).
    DRAFT = "draft"
    #: Sent, waiting for the coordinator (selection mode).
    APPLIED = "applied"
    WAITLISTED = "waitlisted"
    #: A freed seat held for this person until the offer's deadline.
    OFFERED = "offered"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"
    DECLINED = "declined"
    LAPSED = "lapsed"
    REJECTED = "rejected"

    @property
    def label(self):
        return STATE_LABELS[self]

    @property
    def holds_seat(self) -> bool:
        return self in SEAT_STATES

    @property
    def is_live(self) -> bool:
        return self in LIVE_STATES


STATE_LABELS = {
    EnrollmentState.DRAFT: _l("application not sent"),
    EnrollmentState.APPLIED: _l("applied"),
    EnrollmentState.WAITLISTED: _l("on the waitlist"),
    EnrollmentState.OFFERED: _l("offered a seat"),
    EnrollmentState.CONFIRMED: _l("enrolled"),
    EnrollmentState.COMPLETED: _l("completed"),
    EnrollmentState.WITHDRAWN: _l("withdrawn"),
    EnrollmentState.DECLINED: _l("offer declined"),
    EnrollmentState.LAPSED: _l("offer lapsed"),
    EnrollmentState.REJECTED: _l("not admitted"),
}

#: States that take one of the course's seats (the ``seats_taken`` counter counts them).
SEAT_STATES = frozenset(
    {EnrollmentState.OFFERED, EnrollmentState.CONFIRMED, EnrollmentState.COMPLETED}
)
#: States that end an enrollment and let the person enroll again.
ENDED_STATES = frozenset(
    {EnrollmentState.WITHDRAWN, EnrollmentState.DECLINED, EnrollmentState.LAPSED}
)
#: At most one enrollment per person and course is in one of these (a partial unique index).
LIVE_STATES = frozenset(EnrollmentState) - ENDED_STATES

#: Every allowed move; the others raise InvalidState. COMPLETED goes back to CONFIRMED only
#: when a coordinator corrects the attendance that completed it.
TRANSITIONS: dict[EnrollmentState, frozenset[EnrollmentState]] = {
    EnrollmentState.DRAFT: frozenset({EnrollmentState.APPLIED, EnrollmentState.WITHDRAWN}),
    EnrollmentState.APPLIED: frozenset(
        {
            EnrollmentState.CONFIRMED,
            EnrollmentState.WAITLISTED,
            EnrollmentState.REJECTED,
            EnrollmentState.WITHDRAWN,
        }
    ),
    EnrollmentState.WAITLISTED: frozenset(
        {EnrollmentState.OFFERED, EnrollmentState.REJECTED, EnrollmentState.WITHDRAWN}
    ),
    EnrollmentState.OFFERED: frozenset(
        {
            EnrollmentState.CONFIRMED,
            EnrollmentState.DECLINED,
            EnrollmentState.LAPSED,
            EnrollmentState.WITHDRAWN,
        }
    ),
    EnrollmentState.CONFIRMED: frozenset({EnrollmentState.COMPLETED, EnrollmentState.WITHDRAWN}),
    EnrollmentState.COMPLETED: frozenset({EnrollmentState.CONFIRMED}),
    EnrollmentState.WITHDRAWN: frozenset(),
    EnrollmentState.DECLINED: frozenset(),
    EnrollmentState.LAPSED: frozenset(),
    EnrollmentState.REJECTED: frozenset(),
}

_ENDED_SQL = ", ".join(f"'{state.value}'" for state in sorted(ENDED_STATES))
#: Literal SQL shared by the partial unique index (SQLite does not match bound parameters).
LIVE_STATES_SQL = f"state NOT IN ({_ENDED_SQL})"
OFFERED_SQL = f"state = '{EnrollmentState.OFFERED.value}'"


course_partners = sa.Table(
    "course_partners",
    db.metadata,
    sa.Column("course_id", sa.ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True),
    sa.Column(
        "organization_id",
        sa.ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Course(db.Model):
    __tablename__ = "courses"
    __table_args__ = (
        sa.CheckConstraint("capacity >= 1", name="capacity_positive"),
        # The guarantee behind "no overbooking": the counter can never pass the capacity.
        sa.CheckConstraint(
            "seats_taken >= 0 AND seats_taken <= capacity", name="seats_within_capacity"
        ),
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint(
            "enrollment_closes_at > enrollment_opens_at", name="enrollment_window_in_order"
        ),
        sa.CheckConstraint("completion_percent BETWEEN 1 AND 100", name="completion_percent_range"),
        sa.CheckConstraint("offer_hours >= 1", name="offer_hours_positive"),
        sa.CheckConstraint(
            "institution_quota IS NULL OR institution_quota >= 1", name="quota_positive"
        ),
        sa.Index("ix_courses_published_ends_on", "is_published", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: One or two sentences for the catalogue.
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: Language of teaching: a code from talent.courses.forms.LANGUAGE_LABELS.
    language: Mapped[str] = mapped_column(sa.String(5), default="en")
    format: Mapped[CourseFormat] = mapped_column(
        enum_type(CourseFormat), default=CourseFormat.ON_SITE
    )
    ects: Mapped[Decimal | None] = mapped_column(sa.Numeric(4, 1))
    hours: Mapped[int | None]
    #: The main venue; a session may name its own.
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Zone the course's dates and session times are typed in and computed in.
    timezone: Mapped[str] = mapped_column(sa.String(64), default=default_zone_name)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    enrollment_opens_at: Mapped[datetime]
    enrollment_closes_at: Mapped[datetime]
    capacity: Mapped[int]
    #: Enrollments holding a seat (offered, confirmed, completed); changed only by an atomic
    #: conditional UPDATE while the course row is locked.
    seats_taken: Mapped[int] = mapped_column(default=0)
    #: The last waitlist ticket handed out; tickets give the first-in-first-out order.
    last_queue_number: Mapped[int] = mapped_column(default=0)
    admission_mode: Mapped[AdmissionMode] = mapped_column(
        enum_type(AdmissionMode), default=AdmissionMode.FIRST_COME
    )
    #: Selection mode: at most this many seats per applicant's institution; empty for no limit.
    institution_quota: Mapped[int | None]
    #: Roles that may enroll (values of people.models.Role); empty for every applicant role.
    eligible_roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Kinds of the applicant's organisation that may enroll; empty for any.
    eligible_kinds: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Share of sessions a participant must attend to complete the course.
    completion_percent: Mapped[int] = mapped_column(default=DEFAULT_COMPLETION_PERCENT)
    #: How long a waitlisted person has to accept a freed seat.
    offer_hours: Mapped[int] = mapped_column(default=DEFAULT_OFFER_HOURS)
    #: Only published courses are in the public catalogue.
    is_published: Mapped[bool] = mapped_column(default=False)
    #: The course this one was copied from (last year's edition).
    copied_from_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("courses.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    partners: Mapped[list[Organization]] = relationship(
        secondary=course_partners, order_by=Organization.name
    )
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course",
        order_by="CourseSession.starts_at",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Course {self.id} {self.title!r}>"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_selection(self) -> bool:
        return self.admission_mode is AdmissionMode.SELECTION

    @property
    def ends_at(self) -> datetime:
        """The end of the course's last day, in its own zone."""
        return datetime.combine(self.ends_on, time.max, self.zone)

    def is_open_for_enrollment(self, now: datetime) -> bool:
        return self.enrollment_opens_at <= now < self.enrollment_closes_at

    def is_over(self, now: datetime) -> bool:
        return now > self.ends_at


class CourseSession(db.Model):
    __tablename__ = "course_sessions"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="times_in_order"),
        sa.Index("ix_course_sessions_course_starts", "course_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: Empty when the session is at the course's main venue.
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Shown in the room; a participant types it to record their own attendance.
    attendance_code: Mapped[str] = mapped_column(sa.String(12))

    course: Mapped[Course] = relationship(back_populates="sessions")

    def __repr__(self) -> str:
        return f"<CourseSession {self.id} of course {self.course_id}>"

    @property
    def place(self) -> str:
        return self.location or self.course.location


class CourseEnrollment(db.Model):
    """One person's application, waitlist place, offer or seat on one course."""

    __tablename__ = "course_enrollments"
    __table_args__ = (
        # One live enrollment per person and course: double clicks and races end here.
        sa.Index(
            "uq_course_enrollments_live",
            "course_id",
            "user_id",
            unique=True,
            postgresql_where=sa.text(LIVE_STATES_SQL),
            sqlite_where=sa.text(LIVE_STATES_SQL),
        ),
        sa.Index("ix_course_enrollments_course_state", "course_id", "state", "queue_number"),
        # The offer-lapse job reads open offers by deadline.
        sa.Index(
            "ix_course_enrollments_open_offers",
            "offer_expires_at",
            postgresql_where=sa.text(OFFERED_SQL),
            sqlite_where=sa.text(OFFERED_SQL),
        ),
        sa.CheckConstraint(f"score IS NULL OR score BETWEEN 0 AND {MAX_SCORE}", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: The applicant's organisation when they applied: what the institution quota counts.
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL")
    )
    state: Mapped[EnrollmentState] = mapped_column(enum_type(EnrollmentState))
    #: Selection mode: why the applicant wants the seat (plain text, shown escaped).
    motivation: Mapped[str] = mapped_column(sa.Text, default="")
    #: Selection mode: the coordinator's score, 0 to MAX_SCORE.
    score: Mapped[int | None]
    scored_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Waitlist ticket from the course's counter; lower waits less.
    queue_number: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    waitlisted_at: Mapped[datetime | None]
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    confirmed_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    #: When it was withdrawn, declined, lapsed or rejected.
    ended_at: Mapped[datetime | None]

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization | None] = relationship()
    certificate: Mapped[Certificate | None] = relationship(
        back_populates="enrollment", uselist=False
    )

    def __repr__(self) -> str:
        return f"<CourseEnrollment {self.id} {self.user_id}→{self.course_id} {self.state}>"

    def move_to(self, target: EnrollmentState, message=None) -> bool:
        """Change state; False when already there (a repeated request), InvalidState if illegal."""
        if self.state is target:
            return False
        if target not in TRANSITIONS[self.state]:
            raise InvalidState(
                message
                or _l(
                    "An enrollment that is %(current)s cannot become %(target)s.",
                    current=self.state.label,
                    target=target.label,
                )
            )
        self.state = target
        return True


class Attendance(db.Model):
    __tablename__ = "course_attendances"
    __table_args__ = (sa.UniqueConstraint("session_id", "enrollment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("course_sessions.id", ondelete="CASCADE"))
    enrollment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_enrollments.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[AttendanceMethod] = mapped_column(enum_type(AttendanceMethod))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    session: Mapped[CourseSession] = relationship()
    enrollment: Mapped[CourseEnrollment] = relationship()

    def __repr__(self) -> str:
        return f"<Attendance {self.enrollment_id} at session {self.session_id}>"


class Certificate(db.Model):
    __tablename__ = "course_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("course_enrollments.id", ondelete="CASCADE"), unique=True
    )
    #: Random and unguessable; printed on the PDF and checked on the public page.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when corrected attendance no longer completes the course.
    revoked_at: Mapped[datetime | None]

    enrollment: Mapped[CourseEnrollment] = relationship(back_populates="certificate")

    def __repr__(self) -> str:
        return f"<Certificate {self.id} for enrollment {self.enrollment_id}>"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None
