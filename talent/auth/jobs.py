"""Scheduled upkeep of logins: deleting sessions that expired from inactivity and old login
attempts."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from talent.auth.login_sessions import delete_expired_sessions
from talent.auth.services import prune_login_attempts
from talent.extensions import db


def delete_expired_logins(now: datetime) -> int:
    """Delete login sessions unused for TALENT_SESSION_MINUTES; return how many."""
    deleted = delete_expired_sessions(
        now=now, lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"]
    )
    db.session.commit()
    return deleted


def delete_old_login_attempts(now: datetime) -> int:
    """Delete login attempts (e-mail and IP address) older than TALENT_LOGIN_ATTEMPT_DAYS;
    return how many."""
    deleted = prune_login_attempts(now=now, keep_days=current_app.config["LOGIN_ATTEMPT_DAYS"])
    db.session.commit()
    return deleted


SCHEDULED = (
    ("auth-delete-expired-logins", delete_expired_logins, 60 * 60),
    ("auth-delete-old-login-attempts", delete_old_login_attempts, 60 * 60),
)
