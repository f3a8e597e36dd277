"""Signed, expiring, one-use links for invitations and password resets.

A link carries the user's id and current session token. Setting a password replaces that token,
so a link works once; it also dies when the account is deactivated or its sessions are ended.
"""

from __future__ import annotations

import hmac
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from talent.errors import ValidationFailed
from talent.extensions import db
from talent.people.models import User

INVITATION = "invitation"
PASSWORD_RESET = "password-reset"  # noqa: S105 - a link purpose, not a secret


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"talent-{purpose}")


def make_link_token(secret_key: str, purpose: str, user: User) -> str:
    return _serializer(secret_key, purpose).dumps({"u": user.id, "t": user.session_token})


def user_from_link_token(secret_key: str, purpose: str, token: str, max_age: timedelta) -> User:
    """Return the user a valid link belongs to, or raise with a message saying what is wrong."""
    try:
        payload = _serializer(secret_key, purpose).loads(
            token, max_age=int(max_age.total_seconds())
        )
    except SignatureExpired as error:
        raise ValidationFailed(_l("This link has expired. Ask for a new one.")) from error
    except BadSignature as error:
        raise ValidationFailed(
            _l("This link is not valid. Check that you copied all of it.")
        ) from error
    user = db.session.get(User, payload.get("u")) if isinstance(payload, dict) else None
    if (
        user is None
        or not user.is_active
        or not hmac.compare_digest(user.session_token, str(payload.get("t")))
    ):
        raise ValidationFailed(_l("This link has already been used or is no longer valid."))
    return user
