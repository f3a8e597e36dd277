"""Lab visits: host sites, the slots they publish, the class visits booked on them, visit
requests, the checklist before a visit, attendance and feedback after it, and the dates on
which a school takes no visits."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import SchoolClass, Student

#: Default number of pupils one accompanying adult may look after.
PUPILS_PER_ADULT = 10
MAX_SITE_CAPACITY = 500
MAX_MINIMUM_AGE = 25
TOPIC_MAX = 200
TEXT_MAX = 2000


class LabSite(db.Model):
    """A place at a member organisation where classes can visit."""

    __tablename__ = "lab_sites"
    __table_args__ = (
        sa.UniqueConstraint("organization_id", "name"),
        sa.CheckConstraint(f"capacity BETWEEN 1 AND {MAX_SITE_CAPACITY}", name="capacity_range"),
        sa.CheckConstraint(
            f"minimum_age BETWEEN 0 AND {MAX_MINIMUM_AGE}", name="minimum_age_range"
        ),
        sa.CheckConstraint("pupils_per_adult BETWEEN 1 AND 50", name="pupils_per_adult_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The host organisation (company, hospital, university).
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    #: How many people, pupils and adults together, fit at once.
    capacity: Mapped[int]
    #: Pupils younger than this on the day of the visit may not come.
    minimum_age: Mapped[int] = mapped_column(default=0)
    #: One accompanying adult is needed per this many pupils.
    pupils_per_adult: Mapped[int] = mapped_column(default=PUPILS_PER_ADULT)
    #: Safety rules visitors must follow, such as lab coats and goggles.
    safety_rules: Mapped[str] = mapped_column(sa.Text, default="")
    photo_rules: Mapped[str] = mapped_column(sa.Text, default="")
    accessibility: Mapped[str] = mapped_column(sa.Text, default="")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<LabSite {self.id} {self.name!r}>"


class VisitSlot(db.Model):
    """A time a site receives visitors, with room for ``capacity`` persons.

    ``persons_booked`` is only ever changed by one conditional UPDATE (see
    talent.visits.services.capacity), and the CHECK constraint keeps it within the capacity
    whatever happens.
    """

    __tablename__ = "visit_slots"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "persons_booked >= 0 AND persons_booked <= capacity", name="persons_within_capacity"
        ),
        sa.Index("ix_visit_slots_site_starts", "site_id", "starts_at"),
        sa.Index("ix_visit_slots_starts_at", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(sa.ForeignKey("lab_sites.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    #: Persons (pupils and adults) the slot takes in all.
    capacity: Mapped[int]
    #: Persons on visits that hold a place (requested, confirmed or held).
    persons_booked: Mapped[int] = mapped_column(default=0)
    topic: Mapped[str] = mapped_column(sa.String(TOPIC_MAX))
    #: The person at the host who receives the class and hears about bookings.
    host_contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: Slots published together as one repeating series share this key.
    series_key: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site: Mapped[LabSite] = relationship()
    host_contact: Mapped[User | None] = relationship()
    visits: Mapped[list[LabVisit]] = relationship(back_populates="slot", order_by="LabVisit.id")

    def __repr__(self) -> str:
        return f"<VisitSlot {self.id} {self.starts_at:%Y-%m-%d %H:%M}>"

    @property
    def free(self) -> int:
        return max(self.capacity - self.persons_booked, 0)

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class VisitState(enum.StrEnum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def label(self):
        return VISIT_STATE_LABELS[self]

    @property
    def holds_place(self) -> bool:
        """Whether a visit in this state counts against the slot's capacity."""
        return self in HOLDING_STATES

    def can_become(self, target: VisitState) -> bool:
        return target in VISIT_TRANSITIONS[self]


VISIT_STATE_LABELS = {
    VisitState.REQUESTED: _l("awaiting confirmation"),
    VisitState.CONFIRMED: _l("confirmed"),
    VisitState.DECLINED: _l("declined"),
    VisitState.CANCELLED: _l("cancelled"),
    VisitState.COMPLETED: _l("completed"),
    VisitState.NO_SHOW: _l("no-show"),
}

#: States whose persons are counted in the slot's ``persons_booked``. A no-show held its places
#: until the visit began (attendance is recorded after that, when places no longer matter).
HOLDING_STATES = frozenset(
    {VisitState.REQUESTED, VisitState.CONFIRMED, VisitState.COMPLETED, VisitState.NO_SHOW}
)
#: States in which the visit still lies ahead and may be changed, moved or cancelled.
OPEN_VISIT_STATES = frozenset({VisitState.REQUESTED, VisitState.CONFIRMED})

#: Every allowed move; any other raises InvalidState. A moved confirmed visit goes back to
#: requested, so that the host confirms the new time.
VISIT_TRANSITIONS: dict[VisitState, frozenset[VisitState]] = {
    VisitState.REQUESTED: frozenset(
        {VisitState.CONFIRMED, VisitState.DECLINED, VisitState.CANCELLED}
    ),
    VisitState.CONFIRMED: frozenset(
        {VisitState.REQUESTED, VisitState.CANCELLED, VisitState.COMPLETED, VisitState.NO_SHOW}
    ),
    VisitState.DECLINED: frozenset(),
    VisitState.CANCELLED: frozenset(),
    VisitState.COMPLETED: frozenset({VisitState.NO_SHOW}),
    VisitState.NO_SHOW: frozenset({VisitState.COMPLETED}),
}


class LabVisit(db.Model):
    """A class group booked on a slot: pupils and accompanying adults."""

    __tablename__ = "lab_visits"
    __table_args__ = (
        sa.CheckConstraint("pupils_count >= 1", name="pupils_count_positive"),
        sa.CheckConstraint("adults_count >= 1", name="adults_count_positive"),
        sa.Index("ix_lab_visits_school_state", "school_id", "state"),
        sa.Index("ix_lab_visits_class", "school_class_id"),
        # Bookings waiting for a host's answer, across schools (the staff board).
        sa.Index("ix_lab_visits_state", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_slots.id"), index=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    school_class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_classes.id"))
    #: The teacher responsible for the group.
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: Who made the booking: the teacher, or a coordinator on the teacher's behalf.
    booked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: The visit request this booking answers, if any.
    request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="SET NULL"), index=True
    )
    pupils_count: Mapped[int]
    adults_count: Mapped[int]
    state: Mapped[VisitState] = mapped_column(enum_type(VisitState), default=VisitState.REQUESTED)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    #: Why the host declined, or why the visit was cancelled.
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    cancelled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    cancelled_at: Mapped[datetime | None]
    adults_attended: Mapped[int | None]
    attendance_recorded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    slot: Mapped[VisitSlot] = relationship(back_populates="visits")
    school: Mapped[Organization] = relationship()
    school_class: Mapped[SchoolClass] = relationship()
    teacher: Mapped[User] = relationship(foreign_keys=[teacher_id])
    booked_by: Mapped[User | None] = relationship(foreign_keys=[booked_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
    request: Mapped[VisitRequest | None] = relationship(foreign_keys=[request_id])
    participants: Mapped[list[VisitParticipant]] = relationship(
        back_populates="visit", cascade="all, delete-orphan"
    )
    checklist: Mapped[list[ChecklistItem]] = relationship(
        back_populates="visit", cascade="all, delete-orphan", order_by="ChecklistItem.due_on"
    )

    def __repr__(self) -> str:
        return f"<LabVisit {self.id} {self.state}>"

    @property
    def persons(self) -> int:
        return self.pupils_count + self.adults_count

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_VISIT_STATES


class VisitParticipant(db.Model):
    """A pupil on a visit's participant list, and whether they came."""

    __tablename__ = "visit_participants"

    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lab_visits.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    #: None until the host records attendance; False is a no-show.
    attended: Mapped[bool | None]

    visit: Mapped[LabVisit] = relationship(back_populates="participants")
    student: Mapped[Student] = relationship()

    def __repr__(self) -> str:
        return f"<VisitParticipant {self.visit_id}/{self.student_id}>"


class ChecklistKind(enum.StrEnum):
    RISK_ASSESSMENT = "risk_assessment"
    CONSENTS = "consents"
    PARTICIPANT_LIST = "participant_list"

    @property
    def label(self):
        return CHECKLIST_LABELS[self]


CHECKLIST_LABELS = {
    ChecklistKind.RISK_ASSESSMENT: _l("Risk assessment and safety rules acknowledged"),
    ChecklistKind.CONSENTS: _l("Consents complete"),
    ChecklistKind.PARTICIPANT_LIST: _l("Participant list sent to the host"),
}


class ChecklistItem(db.Model):
    """One thing the teacher does before a visit, by a due date."""

    __tablename__ = "visit_checklist_items"
    __table_args__ = (sa.UniqueConstraint("visit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(sa.ForeignKey("lab_visits.id", ondelete="CASCADE"))
    kind: Mapped[ChecklistKind] = mapped_column(enum_type(ChecklistKind))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    visit: Mapped[LabVisit] = relationship(back_populates="checklist")
    done_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ChecklistItem {self.visit_id} {self.kind}>"


class VisitFeedback(db.Model):
    """A rating (1–5) and a comment on a visit, from a pupil or from the teacher."""

    __tablename__ = "visit_feedback"
    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint("(student_id IS NULL) <> (user_id IS NULL)", name="from_pupil_or_user"),
        sa.UniqueConstraint("visit_id", "student_id"),
        sa.UniqueConstraint("visit_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("lab_visits.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int | None] = mapped_column(sa.ForeignKey("students.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    rating: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<VisitFeedback {self.id} {self.rating}>"


class RequestState(enum.StrEnum):
    OPEN = "open"
    BOOKED = "booked"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return REQUEST_STATE_LABELS[self]

    def can_become(self, target: RequestState) -> bool:
        return target in REQUEST_TRANSITIONS[self]


REQUEST_STATE_LABELS = {
    RequestState.OPEN: _l("open"),
    RequestState.BOOKED: _l("booked"),
    RequestState.WITHDRAWN: _l("withdrawn"),
}

REQUEST_TRANSITIONS: dict[RequestState, frozenset[RequestState]] = {
    RequestState.OPEN: frozenset({RequestState.BOOKED, RequestState.WITHDRAWN}),
    RequestState.BOOKED: frozenset(),
    RequestState.WITHDRAWN: frozenset(),
}


class VisitRequest(db.Model):
    """A teacher's wish for a visit when no published slot fits."""

    __tablename__ = "visit_requests"
    __table_args__ = (
        sa.CheckConstraint("latest_on >= earliest_on", name="window_order"),
        sa.CheckConstraint("pupils_count >= 1", name="pupils_count_positive"),
        sa.CheckConstraint("adults_count >= 1", name="adults_count_positive"),
        sa.Index("ix_visit_requests_state_latest", "state", "latest_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    school_class_id: Mapped[int] = mapped_column(sa.ForeignKey("school_classes.id"))
    teacher_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    topic: Mapped[str] = mapped_column(sa.String(TOPIC_MAX))
    pupils_count: Mapped[int]
    adults_count: Mapped[int]
    earliest_on: Mapped[date]
    latest_on: Mapped[date]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[RequestState] = mapped_column(enum_type(RequestState), default=RequestState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organization] = relationship()
    school_class: Mapped[SchoolClass] = relationship()
    teacher: Mapped[User] = relationship()
    proposals: Mapped[list[VisitProposal]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="VisitProposal.id"
    )

    def __repr__(self) -> str:
        return f"<VisitRequest {self.id} {self.state}>"

    @property
    def persons(self) -> int:
        return self.pupils_count + self.adults_count


class VisitProposal(db.Model):
    """A host's answer to a visit request: one of their slots."""

    __tablename__ = "visit_proposals"
    __table_args__ = (sa.UniqueConstraint("request_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_requests.id", ondelete="CASCADE"), index=True
    )
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_slots.id", ondelete="CASCADE"))
    proposed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    message: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[VisitRequest] = relationship(back_populates="proposals")
    slot: Mapped[VisitSlot] = relationship()
    proposed_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<VisitProposal {self.id} {self.request_id}→{self.slot_id}>"


class SchoolBlackout(db.Model):
    """Days a school takes no visits (holidays, exam weeks), both ends included."""

    __tablename__ = "school_blackouts"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.Index("ix_school_blackouts_school_starts", "school_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The school organisation these dates belong to.
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id", ondelete="CASCADE"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    #: What the dates are, like "Autumn holiday" or "Exam week".
    reason: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<SchoolBlackout {self.school_id} {self.starts_on}–{self.ends_on}>"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on
