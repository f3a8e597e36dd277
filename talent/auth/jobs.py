"""Scheduled upkeep of logins: deleting sessions that expired from inactivity."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from talent.auth.login_sessions import delete_expired_sessions
from talent.extensions import db


def delete_expired_logins(now: datetime) -> int:
    """Delete login sessions unused for TALENT_SESSION_MINUTES; return how many."""
    deleted = delete_expired_sessions(
        now=now, lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"]
    )
    db.session.commit()
    return deleted


SCHEDULED = (("auth-delete-expired-logins", delete_expired_logins, 60 * 60),)
