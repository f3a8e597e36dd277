"""Logging in, throttling, passwords and one's own profile."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event, snapshot
from talent.auth.models import LoginAttempt
from talent.auth.passwords import hash_password, verify_password
from talent.auth.throttling import lock_attempts_on, refuse_if_throttled
from talent.errors import AlreadyDone, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.i18n import is_timezone
from talent.locking import lock
from talent.people.models import User
from talent.text import require_single_line

LANGUAGES = ("nb", "en")


class LoginRefused(NotAllowed):
    """Wrong credentials or an inactive account: one message for all."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str, *, address: str, now: datetime, limits) -> User:
    """Return the active user with these credentials; record the attempt unless it must wait.

    ``limits`` holds the LOGIN_* settings (talent/auth/throttling.py). A try that must wait
    raises LoginThrottled before the password is checked and is not recorded; every other
    refusal shares one message, so nothing reveals which accounts exist.
    """
    email = normalize_email(email)[:254]
    address = address[:64]
    lock_attempts_on(email)
    refuse_if_throttled(email, address, now=now, limits=limits)
    user = user_by_email(email)
    valid = verify_password(user.password_hash if user else None, password)
    succeeded = bool(valid and user.is_active)
    db.session.add(
        LoginAttempt(email=email, address=address, succeeded=succeeded, attempted_at=now)
    )
    if not succeeded:
        raise LoginRefused(_l("Wrong e-mail or password, or the account is not active."))
    user.last_login_at = now
    return user


def set_password(user: User, password: str, *, now: datetime) -> None:
    """Set a new password and end every other session and outstanding link."""
    user.password_hash = hash_password(password)
    user.end_sessions()
    record_event(user, "user.password", user, now=now, label=user.email)


def change_password(actor: User, current: str, new: str, *, now: datetime) -> None:
    lock(actor)
    if current != new and verify_password(actor.password_hash, new):
        raise AlreadyDone(_l("Your password is already changed."))
    if not verify_password(actor.password_hash, current):
        raise ValidationFailed(_l("The current password is wrong."), field="current_password")
    if current == new:
        raise ValidationFailed(_l("Choose a password you have not used here."), field="password")
    set_password(actor, new, now=now)


PROFILE_FIELDS = ("name", "language", "timezone")


def update_profile(actor: User, *, name: str, language: str, timezone: str, now: datetime) -> None:
    """Change one's own name, language and time zone."""
    require_single_line(name=name)
    if language not in LANGUAGES:
        raise ValidationFailed(_l("Choose Norsk bokmål or English."), field="language")
    if not is_timezone(timezone):
        raise ValidationFailed(_l("Choose a time zone from the list."), field="timezone")
    lock(actor)
    before = snapshot(actor, PROFILE_FIELDS)
    actor.name, actor.language, actor.timezone = name.strip(), language, timezone
    record_event(
        actor,
        "user.profile",
        actor,
        now=now,
        label=actor.email,
        before=before,
        after=snapshot(actor, PROFILE_FIELDS),
    )


def prune_login_attempts(*, now: datetime, keep_days: int) -> int:
    """Delete login attempts older than ``keep_days``; they only matter for throttling."""
    result = db.session.execute(
        sa.delete(LoginAttempt).where(LoginAttempt.attempted_at < now - timedelta(days=keep_days))
    )
    return result.rowcount
