"""The private calendar-feed token of a user."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from talent.db import utcnow
from talent.extensions import db
from talent.people.models import User


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(db.Model):
    """A user's feed URL; deleting the row revokes it, a new token replaces it."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    #: The secret part of the URL: whoever has it can read the user's calendar.
    token: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_feed_token)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} user {self.user_id}>"
