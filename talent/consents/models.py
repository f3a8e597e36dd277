"""Guardians of pupils and the consents they give, per kind."""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import User
from talent.schools.models import Student


class ConsentKind(enum.StrEnum):
    PROGRAMME = "programme"
    LAB_VISITS = "lab_visits"
    PHOTO_MEDIA = "photo_media"
    DATA_PROCESSING = "data_processing"

    @property
    def label(self):
        return KIND_LABELS[self]

    @property
    def explanation(self):
        return KIND_EXPLANATIONS[self]


KIND_LABELS = {
    ConsentKind.PROGRAMME: _l("programme participation"),
    ConsentKind.LAB_VISITS: _l("lab visits"),
    ConsentKind.PHOTO_MEDIA: _l("photos and media"),
    ConsentKind.DATA_PROCESSING: _l("data processing"),
}

KIND_EXPLANATIONS = {
    ConsentKind.PROGRAMME: _l(
        "The pupil may take part in the talent programme: activities, projects and follow-up."
    ),
    ConsentKind.LAB_VISITS: _l(
        "The pupil may visit laboratories at companies and hospitals with their class."
    ),
    ConsentKind.PHOTO_MEDIA: _l(
        "Photos and video in which the pupil can be recognised may be published."
    ),
    ConsentKind.DATA_PROCESSING: _l(
        "The cluster may keep the pupil's name, class and participation to run the programmes."
    ),
}


class ConsentMethod(enum.StrEnum):
    PAPER = "paper"
    EMAIL = "email"
    DIGITAL = "digital"

    @property
    def label(self):
        return METHOD_LABELS[self]


METHOD_LABELS = {
    ConsentMethod.PAPER: _l("on paper"),
    ConsentMethod.EMAIL: _l("by e-mail"),
    ConsentMethod.DIGITAL: _l("digitally, through a link"),
}


def new_link_nonce() -> str:
    return secrets.token_urlsafe(12)


class Guardian(db.Model):
    """A parent or other guardian of a pupil; has no account."""

    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Where consent links go; may be empty when only a phone number is known.
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Part of every consent link; replacing it makes the links sent so far stop working.
    link_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_link_nonce)
    #: When the last consent link was e-mailed.
    link_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student] = relationship(
        backref=backref("guardians", order_by="Guardian.name", passive_deletes=True)
    )

    def __repr__(self) -> str:
        return f"<Guardian {self.id} of student {self.student_id}>"


class Consent(db.Model):
    """One consent as given; withdrawing or replacing it keeps the record."""

    __tablename__ = "consents"
    __table_args__ = (
        # At most one consent in force per pupil and kind; older ones are superseded.
        sa.Index(
            "uq_consents_current",
            "student_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("withdrawn_at IS NULL AND superseded_at IS NULL"),
            postgresql_where=sa.text("withdrawn_at IS NULL AND superseded_at IS NULL"),
        ),
        sa.Index("ix_consents_expires_on", "expires_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    student_id: Mapped[int] = mapped_column(
        sa.ForeignKey("students.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ConsentKind] = mapped_column(enum_type(ConsentKind))
    #: The guardian who gave it, when known; kept as a name in ``given_by`` as well.
    guardian_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("guardians.id", ondelete="SET NULL"), index=True
    )
    #: Name of the person who gave consent (a guardian, or the pupil when of age).
    given_by: Mapped[str] = mapped_column(sa.String(200))
    given_at: Mapped[datetime]
    method: Mapped[ConsentMethod] = mapped_column(enum_type(ConsentMethod))
    #: Last day the consent holds; empty when it holds until withdrawn.
    expires_on: Mapped[date | None]
    withdrawn_at: Mapped[datetime | None]
    #: Who withdrew it: a guardian's name or the staff member who recorded the withdrawal.
    withdrawn_by: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Set when a newer consent of the same kind replaced this one.
    superseded_at: Mapped[datetime | None]
    #: The staff member who recorded it or sent the link it was given through.
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    student: Mapped[Student] = relationship()
    guardian: Mapped[Guardian | None] = relationship()
    recorded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Consent {self.id} {self.kind} student {self.student_id}>"

    @property
    def is_current(self) -> bool:
        """In force unless expired: neither withdrawn nor replaced."""
        return self.withdrawn_at is None and self.superseded_at is None

    def is_valid_on(self, day: date) -> bool:
        return self.is_current and (self.expires_on is None or self.expires_on >= day)
