"""School classes and pupil records."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization, User


class SchoolClass(db.Model):
    __tablename__ = "school_classes"
    __table_args__ = (
        sa.UniqueConstraint("school_id", "school_year", "name"),
        sa.CheckConstraint("school_year BETWEEN 2000 AND 2100", name="school_year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    #: Short class name as the school uses it, such as "2STA".
    name: Mapped[str] = mapped_column(sa.String(40))
    #: The calendar year the school year starts in: 2026 means 2026/27 (August to June).
    school_year: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organization] = relationship()
    students: Mapped[list[Student]] = relationship(
        back_populates="school_class", order_by="Student.name"
    )

    def __repr__(self) -> str:
        return f"<SchoolClass {self.id} {self.name} {self.school_year}>"

    @property
    def school_year_label(self) -> str:
        return f"{self.school_year}/{(self.school_year + 1) % 100:02d}"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.school_year_label})"


class Student(db.Model):
    """A pupil record; needs no login. A pupil may be invited to an account later."""

    __tablename__ = "students"
    __table_args__ = (
        # Pupils the retention rule has still to anonymise, counted on the staff board.
        sa.Index(
            "ix_students_retention",
            "left_school_on",
            postgresql_where=sa.text("erased_at IS NULL"),
            sqlite_where=sa.text("erased_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    school_class_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("school_classes.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    birth_date: Mapped[date]
    #: The pupil's own account, once invited.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The pupil's last day at school; the retention rule counts from it. Empty while at school.
    left_school_on: Mapped[date | None] = mapped_column(index=True)
    #: When the personal fields were anonymised (on request or by the retention rule).
    erased_at: Mapped[datetime | None]

    school: Mapped[Organization] = relationship()
    school_class: Mapped[SchoolClass | None] = relationship(back_populates="students")
    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Student {self.id}>"

    def age_on(self, day: date) -> int:
        """Return the pupil's age in whole years on the given day."""
        had_birthday = (day.month, day.day) >= (self.birth_date.month, self.birth_date.day)
        return day.year - self.birth_date.year - (0 if had_birthday else 1)
