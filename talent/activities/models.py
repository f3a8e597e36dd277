"""Collaboration activities besides lab visits: guest lectures at a school, work placements
and projects, each with its pupils, partner organisation, hours and a short report."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import Student

TITLE_MAX = 200
REPORT_MAX = 4000
MAX_HOURS = 2000


class ActivityKind(enum.StrEnum):
    GUEST_LECTURE = "guest_lecture"
    WORK_PLACEMENT = "work_placement"
    SCIENCE_PROJECT = "science_project"
    MEDIA_PROJECT = "media_project"
    ENTREPRENEURSHIP_PROJECT = "entrepreneurship_project"

    @property
    def label(self):
        return KIND_LABELS[self]

    @property
    def is_project(self) -> bool:
        return self.value.endswith("_project")


KIND_LABELS = {
    ActivityKind.GUEST_LECTURE: _l("Guest lecture"),
    ActivityKind.WORK_PLACEMENT: _l("Work placement"),
    ActivityKind.SCIENCE_PROJECT: _l("Science project"),
    ActivityKind.MEDIA_PROJECT: _l("Media project"),
    ActivityKind.ENTREPRENEURSHIP_PROJECT: _l("Entrepreneurship project"),
}


class Activity(db.Model):
    """One guest lecture, work placement or project of a school with a partner."""

    __tablename__ = "activities"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="ends_after_start"),
        sa.CheckConstraint(f"hours >= 0 AND hours <= {MAX_HOURS}", name="hours_range"),
        sa.Index("ix_activities_school_starts", "school_id", "starts_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ActivityKind] = mapped_column(enum_type(ActivityKind))
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"))
    #: The member or partner organisation the school works with.
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    #: The lecturer, the placement's supervisor or the project's contact at the partner.
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Indexed on its own too: the impact report reads every school's activities of a year.
    starts_on: Mapped[date] = mapped_column(index=True)
    ends_on: Mapped[date]
    #: Hours of the activity for each participant, such as 1.5 for a double lesson.
    hours: Mapped[float] = mapped_column(sa.Float, default=0)
    #: What happened and what came of it, in a few sentences.
    report: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organization] = relationship(foreign_keys=[school_id])
    partner: Mapped[Organization | None] = relationship(foreign_keys=[partner_id])
    created_by: Mapped[User | None] = relationship()
    participants: Mapped[list[ActivityParticipant]] = relationship(
        back_populates="activity", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind}>"


class ActivityParticipant(db.Model):
    __tablename__ = "activity_participants"

    activity_id: Mapped[int] = mapped_column(
        sa.ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True
    )
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), primary_key=True, index=True
    )

    activity: Mapped[Activity] = relationship(back_populates="participants")
    student: Mapped[Student] = relationship()

    def __repr__(self) -> str:
        return f"<ActivityParticipant {self.activity_id}/{self.student_id}>"
