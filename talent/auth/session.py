"""Loading the user behind a session id; the id embeds a token that revocation replaces."""

from __future__ import annotations

import hmac

from sqlalchemy.orm import joinedload

from talent.extensions import db
from talent.people.models import User


def load_user_from_session_id(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    # Every request needs the roles: one query with them rather than a second one after.
    user = db.session.get(User, int(user_id), options=[joinedload(User.role_assignments)])
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    return user
