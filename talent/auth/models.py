"""Login attempts, kept in the database so throttling holds across workers and hosts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from talent.db import utcnow
from talent.extensions import db


class LoginAttempt(db.Model):
    __tablename__ = "login_attempts"
    __table_args__ = (
        sa.Index("ix_login_attempts_email_at", "email", "attempted_at"),
        sa.Index("ix_login_attempts_address_at", "address", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The e-mail as typed (lower-cased), whether or not an account has it.
    email: Mapped[str] = mapped_column(sa.String(254))
    #: The client's IP address.
    address: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool] = mapped_column(default=False)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginSession(db.Model):
    """One login from one browser; the cookie holds ``id:secret`` and only the hash is kept."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: SHA-256 of the cookie's secret, in hex: a copy of the table opens no session.
    secret_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Moved forward at most every few minutes (TOUCH_EVERY), so most requests write nothing.
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: The browser's User-Agent, one line, shortened; shown on the profile page.
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The client's IP address at login.
    address: Mapped[str] = mapped_column(sa.String(64), default="")

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}>"
