"""Loading the user behind a session cookie, and starting and ending login sessions.

The cookie's ``_user_id`` is ``login session id:secret`` (see login_sessions.py). The loader
reads the session row and its user with the roles in one query, the one every request makes.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_login import login_user, logout_user
from sqlalchemy.orm import joinedload

from talent.auth.login_sessions import (
    TOUCH_EVERY,
    end_login_session,
    is_expired,
    parse_session_key,
    secret_matches,
    start_login_session,
    touch_login_session,
)
from talent.auth.models import LoginSession
from talent.db import utcnow, writing
from talent.extensions import db
from talent.i18n import note_user_language
from talent.people.models import User

#: Built once: building the statement cost as much as running it.
USER_BY_LOGIN_SESSION = (
    sa.select(User, LoginSession)
    .join(LoginSession, LoginSession.user_id == User.id)
    .options(joinedload(User.role_assignments))
    .where(LoginSession.id == sa.bindparam("login_session_id"))
)


def load_user_from_session_id(session_id: str) -> User | None:
    user = _user_of_live_session(session_id)
    if user is None:
        # Forget the dead session, so the answer does not send its cookie back renewed.
        session.clear()
        return None
    note_user_language(user)
    return user


def _user_of_live_session(session_id: str) -> User | None:
    parsed = parse_session_key(session_id)
    if parsed is None:
        return None
    login_session_id, secret = parsed
    row = db.session.execute(USER_BY_LOGIN_SESSION, {"login_session_id": login_session_id})
    found = row.unique().first()
    if found is None:
        return None
    user, login = found
    now = utcnow()
    if (
        not user.is_active
        or not secret_matches(login, secret)
        or is_expired(login, now=now, lifetime=current_app.config["PERMANENT_SESSION_LIFETIME"])
    ):
        return None
    user.session_key = session_id
    user.login_session_id = login.id
    if now - login.last_seen_at >= TOUCH_EVERY:
        g.login_session_to_touch = login.id
    return user


def sign_in(user: User) -> None:
    """Start a login session for this browser and put it in the session cookie."""
    user.session_key = start_login_session(
        user,
        user_agent=request.user_agent.string,
        address=request.remote_addr or "unknown",
        now=utcnow(),
    )
    user.login_session_id = parse_session_key(user.session_key)[0]
    db.session.commit()
    session.permanent = True
    login_user(user)


def sign_out(user: User) -> None:
    """End this browser's login session on the server and forget it in the cookie."""
    end_login_session(user.session_key)
    db.session.commit()
    logout_user()
    session.clear()


def _touch_after_response(response):
    """Move last_seen_at after the view, in its own small transaction."""
    login_session_id = g.pop("login_session_to_touch", None)
    if login_session_id is not None:
        db.session.rollback()  # the view committed its work, or it is not to be kept
        with writing():
            touch_login_session(login_session_id, now=utcnow())
            db.session.commit()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_touch_after_response)
