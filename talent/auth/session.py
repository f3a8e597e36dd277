"""Loading the user behind a session id; the id embeds a token that revocation replaces."""

from __future__ import annotations

import hmac

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from talent.extensions import db
from talent.i18n import note_user_language
from talent.people.models import User

#: Every request reads its user with the roles, in one query built once: building the statement
#: cost as much as running it.
USER_WITH_ROLES = (
    sa.select(User)
    .options(joinedload(User.role_assignments))
    .where(User.id == sa.bindparam("user_id"))
)


def load_user_from_session_id(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    user = db.session.execute(USER_WITH_ROLES, {"user_id": int(user_id)}).unique().scalar()
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(user.session_token, token):
        return None
    note_user_language(user)
    return user
