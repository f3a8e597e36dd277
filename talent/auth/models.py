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
