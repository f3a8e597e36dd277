"""Mentoring: programmes, mentor and mentee profiles, pairings, goals, the session log,
planned sessions, safeguarding concerns and feedback."""

from __future__ import annotations

import enum
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import Student

#: Pupils under this age may only be paired with a fully vetted mentor.
ADULT_AGE = 18
#: Bounds of a logged session's length; anything outside is a typing error.
MIN_SESSION_MINUTES = 5
MAX_SESSION_MINUTES = 480
#: Bounds of the expected time between sessions.
MIN_CADENCE_DAYS = 7
MAX_CADENCE_DAYS = 120
MAX_CAPACITY = 20


class PairingState(enum.StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    DECLINED = "declined"
    LAPSED = "lapsed"

    @property
    def label(self):
        return STATE_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATES


STATE_LABELS = {
    PairingState.PROPOSED: _l("proposed"),
    PairingState.ACTIVE: _l("active"),
    PairingState.PAUSED: _l("paused"),
    PairingState.COMPLETED: _l("completed"),
    PairingState.ENDED_EARLY: _l("ended early"),
    PairingState.DECLINED: _l("declined"),
    PairingState.LAPSED: _l("lapsed"),
}

#: States that hold one of the mentor's places and the mentee's one pairing in a programme.
OPEN_STATES = frozenset({PairingState.PROPOSED, PairingState.ACTIVE, PairingState.PAUSED})

#: Every allowed move; the others raise InvalidState. A coordinator withdrawing a proposal
#: ends it early with a reason.
TRANSITIONS: dict[PairingState, frozenset[PairingState]] = {
    PairingState.PROPOSED: frozenset(
        {
            PairingState.ACTIVE,
            PairingState.DECLINED,
            PairingState.LAPSED,
            PairingState.ENDED_EARLY,
        }
    ),
    PairingState.ACTIVE: frozenset(
        {PairingState.PAUSED, PairingState.COMPLETED, PairingState.ENDED_EARLY}
    ),
    PairingState.PAUSED: frozenset(
        {PairingState.ACTIVE, PairingState.COMPLETED, PairingState.ENDED_EARLY}
    ),
    PairingState.COMPLETED: frozenset(),
    PairingState.ENDED_EARLY: frozenset(),
    PairingState.DECLINED: frozenset(),
    PairingState.LAPSED: frozenset(),
}

_OPEN_SQL = "state IN ('proposed', 'active', 'paused')"


class MenteeKind(enum.StrEnum):
    PUPIL = "pupil"
    RESEARCHER = "researcher"


class SessionMode(enum.StrEnum):
    ON_SITE = "on_site"
    VIDEO = "video"
    PHONE = "phone"

    @property
    def label(self):
        return MODE_LABELS[self]


MODE_LABELS = {
    SessionMode.ON_SITE: _l("On site"),
    SessionMode.VIDEO: _l("Video"),
    SessionMode.PHONE: _l("Phone"),
}


class GoalStatus(enum.StrEnum):
    OPEN = "open"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @property
    def label(self):
        return {
            GoalStatus.OPEN: _l("open"),
            GoalStatus.ACHIEVED: _l("achieved"),
            GoalStatus.DROPPED: _l("dropped"),
        }[self]


class ConcernStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class FeedbackStage(enum.StrEnum):
    MID = "mid"
    END = "end"

    @property
    def label(self):
        return _l("Mid-point") if self is FeedbackStage.MID else _l("End")


class FeedbackSide(enum.StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class MentoringProgramme(db.Model):
    """A mentoring programme; its safeguarding lead receives every concern raised in it."""

    __tablename__ = "mentoring_programmes"
    __table_args__ = (
        sa.CheckConstraint(
            f"pupil_cadence_days BETWEEN {MIN_CADENCE_DAYS} AND {MAX_CADENCE_DAYS}"
            f" AND researcher_cadence_days BETWEEN {MIN_CADENCE_DAYS} AND {MAX_CADENCE_DAYS}",
            name="cadence_range",
        ),
        sa.CheckConstraint("proposal_days BETWEEN 1 AND 30", name="proposal_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: The coordinator every concern in this programme goes to first.
    safeguarding_lead_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Expected days between sessions, for pupils and for researchers.
    pupil_cadence_days: Mapped[int] = mapped_column(default=21)
    researcher_cadence_days: Mapped[int] = mapped_column(default=30)
    #: Days a mentor has to accept or decline a proposal.
    proposal_days: Mapped[int] = mapped_column(default=5)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    safeguarding_lead: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<MentoringProgramme {self.id} {self.name!r}>"

    def cadence_for(self, kind: MenteeKind) -> int:
        return self.pupil_cadence_days if kind is MenteeKind.PUPIL else self.researcher_cadence_days


class MentorProfile(db.Model):
    """What a mentor offers, how many mentees they take, and their vetting."""

    __tablename__ = "mentor_profiles"
    __table_args__ = (
        sa.CheckConstraint(f"capacity BETWEEN 0 AND {MAX_CAPACITY}", name="capacity_range"),
        sa.CheckConstraint(
            "open_pairings >= 0 AND open_pairings <= capacity", name="open_within_capacity"
        ),
        sa.CheckConstraint(
            "police_certificate_expires_on IS NULL OR police_certificate_on IS NULL"
            " OR police_certificate_expires_on > police_certificate_on",
            name="certificate_expires_after_issue",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    #: Lower-case tags such as "immunology" or "clinical trials".
    expertise: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: Language codes such as "nb", "en", "sv".
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: How many mentees at once: proposals, active and paused pairings all take a place.
    capacity: Mapped[int] = mapped_column(default=1)
    #: Places taken now; changed only by an atomic conditional update (see pairings service).
    open_pairings: Mapped[int] = mapped_column(default=0)
    availability: Mapped[str] = mapped_column(sa.String(500), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    #: False while the mentor takes no new mentees.
    is_accepting: Mapped[bool] = mapped_column(default=True)
    #: Police certificate (politiattest): issued and valid until.
    police_certificate_on: Mapped[date | None]
    police_certificate_expires_on: Mapped[date | None]
    safeguarding_training_on: Mapped[date | None]
    code_of_conduct_accepted_on: Mapped[date | None]
    vetting_recorded_at: Mapped[datetime | None]
    vetting_recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The certificate expiry date a 30-day warning was already sent for.
    expiry_warned_for: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organization: Mapped[Organization | None] = relationship()
    vetting_recorded_by: Mapped[User | None] = relationship(foreign_keys=[vetting_recorded_by_id])

    def __repr__(self) -> str:
        return f"<MentorProfile {self.id} user={self.user_id}>"

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def free_places(self) -> int:
        return max(self.capacity - self.open_pairings, 0)

    def vetting_problems(self, day: date) -> list:
        """Why this mentor may not be paired with a minor on the given day; empty when vetted."""
        problems = []
        if self.police_certificate_on is None or self.police_certificate_expires_on is None:
            problems.append(_l("No police certificate is recorded."))
        elif self.police_certificate_expires_on <= day:
            problems.append(
                _l(
                    "The police certificate expired on %(day)s.",
                    day=self.police_certificate_expires_on.isoformat(),
                )
            )
        if self.safeguarding_training_on is None:
            problems.append(_l("No safeguarding training is recorded."))
        if self.code_of_conduct_accepted_on is None:
            problems.append(_l("The code of conduct has not been accepted."))
        return problems

    def is_vetted_on(self, day: date) -> bool:
        return not self.vetting_problems(day)


class MenteeProfile(db.Model):
    """A pupil (by pupil record) or a researcher (by account) who wants a mentor."""

    __tablename__ = "mentee_profiles"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind = 'pupil' AND student_id IS NOT NULL AND user_id IS NULL)"
            " OR (kind = 'researcher' AND user_id IS NOT NULL AND student_id IS NULL)",
            name="one_person",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MenteeKind] = mapped_column(enum_type(MenteeKind))
    student_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), unique=True
    )
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True
    )
    #: Lower-case tags matched against mentors' expertise.
    interests: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: What the mentee hopes to get out of mentoring, in their own words.
    goals: Mapped[str] = mapped_column(sa.Text, default="")
    #: Where a pupil without an account gets confirmation and feedback links.
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student | None] = relationship()
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MenteeProfile {self.id} {self.kind}>"

    @property
    def name(self) -> str:
        return self.student.name if self.student is not None else self.user.name

    @property
    def account(self) -> User | None:
        """The mentee's own login, if they have one."""
        return self.student.user if self.student is not None else self.user

    @property
    def account_id(self) -> int | None:
        return self.student.user_id if self.student is not None else self.user_id

    @property
    def email(self) -> str:
        """Where links for this mentee go: the account's address, else the contact address."""
        account = self.account
        return account.email if account is not None else self.contact_email

    def is_minor_on(self, day: date) -> bool:
        return self.student is not None and self.student.age_on(day) < ADULT_AGE


session_goals = sa.Table(
    "mentoring_session_goals",
    db.metadata,
    sa.Column(
        "session_id",
        sa.ForeignKey("mentoring_sessions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("goal_id", sa.ForeignKey("mentoring_goals.id", ondelete="CASCADE"), primary_key=True),
)


class Pairing(db.Model):
    """A mentor and a mentee in a programme, from proposal to its end."""

    __tablename__ = "pairings"
    __table_args__ = (
        # One open pairing (proposed, active or paused) per mentee and programme.
        sa.Index(
            "uq_pairings_open_mentee_programme",
            "mentee_id",
            "programme_id",
            unique=True,
            sqlite_where=sa.text(_OPEN_SQL),
            postgresql_where=sa.text(_OPEN_SQL),
        ),
        sa.Index("ix_pairings_state_respond_by", "state", "respond_by"),
        sa.Index("ix_pairings_state_cadence_from", "state", "cadence_from"),
        sa.CheckConstraint(
            f"cadence_days BETWEEN {MIN_CADENCE_DAYS} AND {MAX_CADENCE_DAYS}",
            name="cadence_range",
        ),
        sa.CheckConstraint("planned_end_on > starts_on", name="ends_after_start"),
        sa.CheckConstraint(
            "state <> 'ended_early' OR end_reason <> ''", name="ended_early_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("mentoring_programmes.id"), index=True)
    mentor_id: Mapped[int] = mapped_column(sa.ForeignKey("mentor_profiles.id"), index=True)
    mentee_id: Mapped[int] = mapped_column(sa.ForeignKey("mentee_profiles.id"), index=True)
    state: Mapped[PairingState] = mapped_column(
        enum_type(PairingState), default=PairingState.PROPOSED
    )
    starts_on: Mapped[date]
    planned_end_on: Mapped[date]
    #: Expected days between sessions; a pairing with none for longer is overdue.
    cadence_days: Mapped[int]
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The mentor must accept or decline before this; afterwards the proposal lapses.
    respond_by: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    #: The day of the latest logged session.
    last_session_on: Mapped[date | None]
    #: The day cadence and silence count from: the start, the latest session or a resumption.
    cadence_from: Mapped[date]
    #: Missed cycles the mentor has been nudged about since the last session.
    nudged_cycles: Mapped[int] = mapped_column(default=0)
    escalated_at: Mapped[datetime | None]
    #: When the 90-day silence warning went out; the pairing closes 7 days later.
    closing_warned_at: Mapped[datetime | None]
    mid_feedback_requested_at: Mapped[datetime | None]
    end_feedback_requested_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    programme: Mapped[MentoringProgramme] = relationship()
    mentor: Mapped[MentorProfile] = relationship()
    mentee: Mapped[MenteeProfile] = relationship()
    proposed_by: Mapped[User | None] = relationship()
    goals: Mapped[list[Goal]] = relationship(
        back_populates="pairing", order_by="Goal.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Pairing {self.id} {self.state}>"

    @property
    def label(self) -> str:
        return f"{self.mentor.name} – {self.mentee.name}"

    def can_become(self, target: PairingState) -> bool:
        return target in TRANSITIONS[self.state]

    def next_session_due(self) -> date:
        return self.cadence_from + timedelta(days=self.cadence_days)

    def missed_cycles(self, today: date) -> int:
        """Whole cadence cycles passed without a session; 0 while on time or not active."""
        if self.state is not PairingState.ACTIVE or today <= self.next_session_due():
            return 0
        return (today - self.cadence_from).days // self.cadence_days

    def is_overdue(self, today: date) -> bool:
        return self.missed_cycles(today) > 0

    @property
    def midpoint(self) -> date:
        return self.starts_on + (self.planned_end_on - self.starts_on) / 2


class Goal(db.Model):
    __tablename__ = "mentoring_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(
        sa.ForeignKey("pairings.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(sa.String(200))
    status: Mapped[GoalStatus] = mapped_column(enum_type(GoalStatus), default=GoalStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    pairing: Mapped[Pairing] = relationship(back_populates="goals")

    def __repr__(self) -> str:
        return f"<Goal {self.id} {self.status}>"


class MentoringSession(db.Model):
    """One held session in the log. The private note is for the mentor and coordinators."""

    __tablename__ = "mentoring_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            f"duration_minutes BETWEEN {MIN_SESSION_MINUTES} AND {MAX_SESSION_MINUTES}",
            name="duration_range",
        ),
        sa.Index("ix_mentoring_sessions_pairing_held", "pairing_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id", ondelete="CASCADE"))
    #: Indexed on its own too: the impact report adds up the hours of a school year.
    held_on: Mapped[date] = mapped_column(index=True)
    duration_minutes: Mapped[int]
    mode: Mapped[SessionMode] = mapped_column(enum_type(SessionMode))
    topics: Mapped[str] = mapped_column(sa.String(1000), default="")
    next_steps: Mapped[str] = mapped_column(sa.String(1000), default="")
    #: Visible to the mentee.
    shared_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Visible to the mentor who wrote it and to coordinators only.
    private_note: Mapped[str] = mapped_column(sa.Text, default="")
    logged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    logged_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set when the mentee confirms; only confirmed time counts in reports.
    confirmed_at: Mapped[datetime | None]
    #: Set when the mentee says the entry is wrong.
    disputed_at: Mapped[datetime | None]
    dispute_comment: Mapped[str] = mapped_column(sa.String(500), default="")

    pairing: Mapped[Pairing] = relationship()
    goals_moved: Mapped[list[Goal]] = relationship(secondary=session_goals, order_by="Goal.id")

    def __repr__(self) -> str:
        return f"<MentoringSession {self.id} {self.held_on}>"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class PlannedSession(db.Model):
    """The next meeting a mentor planned; it appears in both calendars."""

    __tablename__ = "planned_mentoring_sessions"
    __table_args__ = (
        sa.CheckConstraint(
            f"duration_minutes BETWEEN {MIN_SESSION_MINUTES} AND {MAX_SESSION_MINUTES}",
            name="duration_range",
        ),
        sa.Index("ix_planned_mentoring_sessions_pairing_starts", "pairing_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int] = mapped_column(default=60)
    mode: Mapped[SessionMode] = mapped_column(enum_type(SessionMode))
    #: A room, an address or a video link.
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    pairing: Mapped[Pairing] = relationship()

    def __repr__(self) -> str:
        return f"<PlannedSession {self.id} {self.starts_at}>"

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Concern(db.Model):
    """A safeguarding concern about a pairing; only coordinators see it."""

    __tablename__ = "mentoring_concerns"

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id"), index=True)
    raised_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The programme's safeguarding lead when the concern was raised.
    lead_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    summary: Mapped[str] = mapped_column(sa.String(200))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[ConcernStatus] = mapped_column(
        enum_type(ConcernStatus), default=ConcernStatus.OPEN
    )
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    outcome: Mapped[str] = mapped_column(sa.String(1000), default="")

    pairing: Mapped[Pairing] = relationship()
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])
    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id])
    notes: Mapped[list[ConcernNote]] = relationship(
        back_populates="concern", order_by="ConcernNote.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Concern {self.id} {self.status}>"


class ConcernNote(db.Model):
    """One entry in a concern's follow-up log."""

    __tablename__ = "mentoring_concern_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    concern_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mentoring_concerns.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    written_at: Mapped[datetime] = mapped_column(default=utcnow)
    body: Mapped[str] = mapped_column(sa.Text)

    concern: Mapped[Concern] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ConcernNote {self.id}>"


class PairingFeedback(db.Model):
    """Mid-point or end-of-pairing feedback from one side: a rating of 1 to 5 and a comment."""

    __tablename__ = "pairing_feedback"
    __table_args__ = (
        sa.UniqueConstraint("pairing_id", "stage", "side"),
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pairing_id: Mapped[int] = mapped_column(sa.ForeignKey("pairings.id", ondelete="CASCADE"))
    stage: Mapped[FeedbackStage] = mapped_column(enum_type(FeedbackStage))
    side: Mapped[FeedbackSide] = mapped_column(enum_type(FeedbackSide))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.String(1000), default="")
    #: Empty when a pupil without an account answered through a signed link.
    given_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PairingFeedback {self.id} {self.stage} {self.side}>"
