"""View decorators that bind each route to the policy."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user

from talent.auth import policy
from talent.extensions import login_manager

#: Attribute every view function carries: its permission name, or PUBLIC.
VIEW_PERMISSION_ATTRIBUTE = "talent_permission"
PUBLIC = "public"


def permission_required(permission: str) -> Callable:
    """Let a view run only for a signed-in user holding ``permission``."""
    if permission not in policy.PERMISSIONS:
        raise LookupError(f"unknown permission {permission!r}")

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not policy.is_signed_in(current_user):
                return login_manager.unauthorized()
            if not policy.has_permission(current_user, permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(guarded, VIEW_PERMISSION_ATTRIBUTE, permission)
        return guarded

    return decorate


def public(view: Callable) -> Callable:
    """Mark a view as reachable without logging in, on purpose."""
    setattr(view, VIEW_PERMISSION_ATTRIBUTE, PUBLIC)
    return view
