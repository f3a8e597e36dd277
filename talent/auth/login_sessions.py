"""Login sessions kept on the server: started at login, ended by logout, listed on the profile.

The cookie carries ``row id:secret``; the table keeps only the secret's SHA-256, so neither a
copy of the table nor an old cookie whose row is gone opens a session.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext

from talent.auth.models import LoginSession
from talent.extensions import db
from talent.people.models import User

log = logging.getLogger(__name__)

#: How stale last_seen_at may get before a request moves it: a request writes at most this often.
TOUCH_EVERY = timedelta(minutes=5)

USER_AGENT_LENGTH = LoginSession.user_agent.type.length


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_session_key(key: str) -> tuple[int, str] | None:
    """The row id and secret of a cookie's ``id:secret``, or None if it is not of that form."""
    row_id, _, secret = key.partition(":")
    if not row_id.isdigit() or not secret:
        return None
    return int(row_id), secret


def secret_matches(login: LoginSession, secret: str) -> bool:
    return hmac.compare_digest(login.secret_hash, hash_secret(secret))


def is_expired(login: LoginSession, *, now: datetime, lifetime: timedelta) -> bool:
    return now - login.last_seen_at >= lifetime


def one_line(text: str, length: int) -> str:
    """``text`` without control characters, on one line, cut to ``length``."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(cleaned.split())[:length]


#: (marker in the User-Agent, name shown), first match wins: Edge and Opera also say Chrome,
#: and Chrome also says Safari.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def describe_device(user_agent: str) -> str:
    """A short name for the browser and system behind a User-Agent, e.g. "Firefox on Linux"."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return gettext("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or user_agent[:60] or gettext("Unknown browser")


def start_login_session(user: User, *, user_agent: str, address: str, now: datetime) -> str:
    """Add a session for ``user`` and return the ``id:secret`` the cookie is to carry."""
    secret = secrets.token_urlsafe(32)
    login = LoginSession(
        user_id=user.id,
        secret_hash=hash_secret(secret),
        created_at=now,
        last_seen_at=now,
        user_agent=one_line(user_agent, USER_AGENT_LENGTH),
        address=address[:64],
    )
    db.session.add(login)
    db.session.flush()
    return f"{login.id}:{secret}"


def end_login_session(key: str) -> None:
    """End the one session a cookie names; a key that names nothing ends nothing."""
    parsed = parse_session_key(key)
    if parsed is not None:
        db.session.execute(sa.delete(LoginSession).where(LoginSession.id == parsed[0]))


def end_other_sessions(user: User, *, keep_key: str) -> int:
    """End every session of ``user`` except the one ``keep_key`` names; return how many."""
    parsed = parse_session_key(keep_key)
    keep_id = parsed[0] if parsed is not None else 0
    result = db.session.execute(
        sa.delete(LoginSession).where(LoginSession.user_id == user.id, LoginSession.id != keep_id)
    )
    log.info("user %s ended %s other sessions", user.id, result.rowcount)
    return result.rowcount


def active_sessions(user: User, *, now: datetime, lifetime: timedelta) -> list[LoginSession]:
    """The user's sessions that have not expired, the most recently seen first."""
    return list(
        db.session.scalars(
            sa.select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.last_seen_at > now - lifetime)
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def touch_login_session(session_id: int, *, now: datetime) -> None:
    """Note that the session was used; a no-op when another request already did."""
    db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.id == session_id, LoginSession.last_seen_at < now - TOUCH_EVERY)
        .values(last_seen_at=now)
    )


def delete_expired_sessions(*, now: datetime, lifetime: timedelta) -> int:
    """Delete sessions unused for ``lifetime``; a plain DELETE, so several schedulers agree."""
    result = db.session.execute(
        sa.delete(LoginSession).where(LoginSession.last_seen_at <= now - lifetime)
    )
    return result.rowcount
