"""The delivery ledger (one row per recipient and reminder, also the in-app inbox) and
each user's preferences per category and channel."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import enum_type, utcnow
from talent.extensions import db
from talent.people.models import User


class NotificationState(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"


STATE_LABELS = {
    NotificationState.PENDING: _l("Pending"),
    NotificationState.CLAIMED: _l("Sending"),
    NotificationState.SENT: _l("Sent"),
    NotificationState.FAILED: _l("Failed"),
    NotificationState.CANCELLED: _l("Cancelled"),
    NotificationState.SKIPPED: _l("Skipped"),
}


class Category(enum.StrEnum):
    VISITS = "visits"
    COURSES = "courses"
    MENTORING = "mentoring"
    PROGRAMMES = "programmes"
    DIGESTS = "digests"
    ACCOUNT = "account"
    SAFETY = "safety"


CATEGORY_LABELS = {
    Category.VISITS: _l("Lab visits and activities"),
    Category.COURSES: _l("Courses"),
    Category.MENTORING: _l("Mentoring"),
    Category.PROGRAMMES: _l("Talent programmes"),
    Category.DIGESTS: _l("Digests"),
    Category.ACCOUNT: _l("Your account"),
    Category.SAFETY: _l("Safety and safeguarding"),
}

#: Messages of these categories always go out, whatever the preferences say.
MANDATORY_CATEGORIES = frozenset({Category.ACCOUNT, Category.SAFETY})


class Channel(enum.StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"


CHANNEL_LABELS = {Channel.IN_APP: _l("In Talent"), Channel.EMAIL: _l("By e-mail")}

#: The states the scheduler may claim; the literal SQL is shared by the partial index and the
#: claim query, so that SQLite can see that the index applies (it does not match parameters).
CLAIMABLE_STATES_SQL = "state IN ('pending', 'claimed')"


class Notification(db.Model):
    """One reminder or notice to one recipient: the ledger row and the inbox item in one.

    One table rather than a ledger plus an inbox: delivery writes a single row, the two can
    never disagree, and the unread count reads a small partial index.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index(
            "ix_notifications_claimable",
            "next_attempt_at",
            postgresql_where=sa.text(CLAIMABLE_STATES_SQL),
            sqlite_where=sa.text(CLAIMABLE_STATES_SQL),
        ),
        sa.Index(
            "ix_notifications_unread",
            "recipient_id",
            postgresql_where=sa.text("inbox_at IS NOT NULL AND read_at IS NULL"),
            sqlite_where=sa.text("inbox_at IS NOT NULL AND read_at IS NULL"),
        ),
        sa.Index("ix_notifications_inbox", "recipient_id", "inbox_at"),
        sa.Index("ix_notifications_subject", "subject_type", "subject_id"),
        sa.Index("ix_notifications_due_at", "due_at"),
        # The staff board counts recent failures on every visit: a small partial index.
        sa.Index(
            "ix_notifications_failed",
            "due_at",
            postgresql_where=sa.text("state = 'failed'"),
            sqlite_where=sa.text("state = 'failed'"),
        ),
        sa.CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        sa.CheckConstraint(
            "recipient_id IS NOT NULL OR recipient_address IS NOT NULL", name="has_recipient"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The recipient's account; empty for someone without one (see ``recipient_address``).
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    #: Where a message to someone without an account goes (a pupil's feedback link): e-mail
    #: only, no inbox; their name is the context's ``recipient_name``.
    recipient_address: Mapped[str | None] = mapped_column(sa.String(254))
    #: Name of a registered kind (talent.reminders.kinds), e.g. ``mentoring.session_soon``.
    kind: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: What the notification is about: a model name and id; empty for notices about nothing.
    subject_type: Mapped[str] = mapped_column(sa.String(64), default="")
    subject_id: Mapped[int | None]
    #: When it should go out.
    due_at: Mapped[datetime]
    #: The start of the event it reminds of: after this it is skipped, not sent.
    relevant_until: Mapped[datetime | None]
    #: Wall-clock time before the event, in minutes, so a moved event gets a recomputed due time.
    lead_minutes: Mapped[int | None]
    #: The values the message is rendered from; ``*_at`` values are ISO UTC timestamps.
    context: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    state: Mapped[NotificationState] = mapped_column(
        enum_type(NotificationState), default=NotificationState.PENDING
    )
    #: Delivery attempts started so far, the current one included.
    attempts: Mapped[int] = mapped_column(default=0)
    #: When it may next be claimed: the due time, a retry after backoff, or the lease's end.
    next_attempt_at: Mapped[datetime]
    #: The claim: the scheduler process (host:pid:random) and a nonce of this one claim.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(100))
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    #: Message-ID of the e-mail; the same on every attempt, so a resent copy is recognisable.
    message_id: Mapped[str | None] = mapped_column(sa.String(250))
    #: The last error, or why it was skipped or went out on fewer channels than wanted.
    last_error: Mapped[str] = mapped_column(sa.String(1000), default="")
    #: When it appeared in the recipient's inbox; empty when not shown there.
    inbox_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    #: ``kind:subject:recipient[:discriminator]``: one delivery per reminder and recipient.
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    recipient: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        to = self.recipient_id or self.recipient_address
        return f"<Notification {self.id} {self.kind} → {to} {self.state}>"

    @property
    def lease_until(self) -> datetime | None:
        return self.next_attempt_at if self.state is NotificationState.CLAIMED else None

    @property
    def is_unread(self) -> bool:
        return self.inbox_at is not None and self.read_at is None


class NotificationPreference(db.Model):
    """A channel a user switched off (or back on) for one category; no row means on."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[Category] = mapped_column(enum_type(Category), primary_key=True)
    channel: Mapped[Channel] = mapped_column(enum_type(Channel), primary_key=True)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<NotificationPreference {self.user_id} {self.category}/{self.channel}>"
