"""Talent programmes per school year, their tracks, pupils' enrollments and alumni outcomes."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import Student


class FieldOfStudy(enum.StrEnum):
    MEDICINE = "medicine"
    NATURAL_SCIENCES = "natural_sciences"
    TECHNOLOGY = "technology"
    OTHER = "other"
    UNDECIDED = "undecided"
    #: Only as an alumni outcome: went on to work or something else than study.
    NOT_STUDYING = "not_studying"

    @property
    def label(self):
        return FIELD_LABELS[self]


FIELD_LABELS = {
    FieldOfStudy.MEDICINE: _l("medicine"),
    FieldOfStudy.NATURAL_SCIENCES: _l("natural sciences"),
    FieldOfStudy.TECHNOLOGY: _l("technology"),
    FieldOfStudy.OTHER: _l("other"),
    FieldOfStudy.UNDECIDED: _l("undecided"),
    FieldOfStudy.NOT_STUDYING: _l("not studying"),
}

#: What a pupil can say they intend to study.
INTENDED_FIELDS = tuple(f for f in FieldOfStudy if f is not FieldOfStudy.NOT_STUDYING)
#: What an alumnus can turn out to study.
ALUMNI_FIELDS = tuple(f for f in FieldOfStudy if f is not FieldOfStudy.UNDECIDED)
#: The cluster's measure of success: pupils choosing these.
TARGET_FIELDS = frozenset({FieldOfStudy.MEDICINE, FieldOfStudy.NATURAL_SCIENCES})


class EnrollmentState(enum.StrEnum):
    APPLIED = "applied"
    ACTIVE = "active"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self):
        return STATE_LABELS[self]

    def can_become(self, target: EnrollmentState) -> bool:
        return target in TRANSITIONS[self]


STATE_LABELS = {
    EnrollmentState.APPLIED: _l("applied"),
    EnrollmentState.ACTIVE: _l("active"),
    EnrollmentState.COMPLETED: _l("completed"),
    EnrollmentState.WITHDRAWN: _l("withdrawn"),
}

TRANSITIONS: dict[EnrollmentState, frozenset[EnrollmentState]] = {
    EnrollmentState.APPLIED: frozenset({EnrollmentState.ACTIVE, EnrollmentState.WITHDRAWN}),
    EnrollmentState.ACTIVE: frozenset({EnrollmentState.COMPLETED, EnrollmentState.WITHDRAWN}),
    EnrollmentState.COMPLETED: frozenset(),
    EnrollmentState.WITHDRAWN: frozenset(),
}

#: States that hold one of the programme's places.
PLACE_STATES = frozenset({EnrollmentState.ACTIVE, EnrollmentState.COMPLETED})


class Programme(db.Model):
    __tablename__ = "programmes"
    __table_args__ = (
        sa.UniqueConstraint("name", "school_year"),
        sa.CheckConstraint("school_year BETWEEN 2000 AND 2100", name="school_year_range"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        # The guarantee behind the service's friendly "full" message.
        sa.CheckConstraint(
            "places_taken >= 0 AND places_taken <= capacity", name="places_within_capacity"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Such as "Ullern talent programme".
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The calendar year the school year starts in: 2026 means 2026/27.
    school_year: Mapped[int]
    #: The one school whose pupils it is for; empty when open to pupils of every school.
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: How many pupils can be active or completed at once.
    capacity: Mapped[int]
    #: Active and completed enrollments; changed only by an atomic conditional update.
    places_taken: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organization | None] = relationship()
    tracks: Mapped[list[ProgrammeTrack]] = relationship(
        back_populates="programme", order_by="ProgrammeTrack.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Programme {self.id} {self.name!r} {self.school_year}>"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{(self.school_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.name} {self.school_year_label}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.places_taken, 0)


class ProgrammeTrack(db.Model):
    """A strand of a programme, such as natural science, media or entrepreneurship."""

    __tablename__ = "programme_tracks"
    __table_args__ = (sa.UniqueConstraint("programme_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programmes.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))

    programme: Mapped[Programme] = relationship(back_populates="tracks")

    def __repr__(self) -> str:
        return f"<ProgrammeTrack {self.id} {self.name!r}>"


class ProgrammeEnrollment(db.Model):
    __tablename__ = "programme_enrollments"
    __table_args__ = (
        # One enrollment that is not withdrawn per pupil and programme.
        sa.Index(
            "uq_programme_enrollments_current",
            "programme_id",
            "student_id",
            unique=True,
            sqlite_where=sa.text("state != 'withdrawn'"),
            postgresql_where=sa.text("state != 'withdrawn'"),
        ),
        sa.Index("ix_programme_enrollments_programme_state", "programme_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a pupil with enrollments is erased (anonymised), not deleted, so counts hold.
    programme_id: Mapped[int] = mapped_column(sa.ForeignKey("programmes.id", ondelete="RESTRICT"))
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="RESTRICT"), index=True
    )
    track_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programme_tracks.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[EnrollmentState] = mapped_column(
        enum_type(EnrollmentState), default=EnrollmentState.APPLIED
    )
    intended_field_at_start: Mapped[FieldOfStudy | None] = mapped_column(enum_type(FieldOfStudy))
    intended_field_at_completion: Mapped[FieldOfStudy | None] = mapped_column(
        enum_type(FieldOfStudy)
    )
    withdrawal_reason: Mapped[str] = mapped_column(sa.String(500), default="")
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    programme: Mapped[Programme] = relationship()
    student: Mapped[Student] = relationship(
        backref=backref("programme_enrollments", passive_deletes="all")
    )
    track: Mapped[ProgrammeTrack | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ProgrammeEnrollment {self.id} {self.state} programme {self.programme_id}>"


class AlumniOutcome(db.Model):
    """A follow-up after a pupil left school: what they went on to study."""

    __tablename__ = "alumni_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[FieldOfStudy] = mapped_column(enum_type(FieldOfStudy))
    #: Such as "University of Oslo"; optional.
    institution: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Such as "Medicine, professional study"; optional.
    study: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The day the information was given (the impact report reads a school year's).
    reported_on: Mapped[date] = mapped_column(index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student] = relationship(
        backref=backref(
            "alumni_outcomes", order_by="AlumniOutcome.reported_on", passive_deletes=True
        )
    )
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<AlumniOutcome {self.id} student {self.student_id} {self.field}>"
