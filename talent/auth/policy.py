"""The one authorisation policy: which roles reach which permission, and on which objects.

Views declare a permission with ``permission_required``; when they act on one object they call
``authorize(user, permission, obj)``; a list page narrows its query with
``scope(user, permission, model)``. This module holds the permission table and the machinery;
each feature declares the rules for its own models in ``talent/<feature>/policy.py`` (a
``Rules``) and registers them from its ``register(app)``. It imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.errors import NotAllowed
from talent.people.models import Role, User

#: Stands for "any logged-in, active user, whatever their roles".
SIGNED_IN = frozenset(Role)

STAFF = frozenset({Role.ADMIN, Role.COORDINATOR})

PERMISSIONS: dict[str, frozenset[Role]] = {
    "home": SIGNED_IN,
    "profile.edit": SIGNED_IN,
    "organizations.manage": STAFF,
    "users.manage": STAFF,
    "audit.read": STAFF,
    "classes.manage": STAFF | {Role.TEACHER},
    # Pupils (talent/schools, consents, rosters, programmes, timeline, privacy).
    "pupils.view": STAFF | {Role.TEACHER, Role.MENTOR, Role.STUDENT},
    "consents.manage": STAFF | {Role.TEACHER},
    "rosters.import": STAFF | {Role.TEACHER},
    "programmes.view": STAFF | {Role.TEACHER},
    "programmes.manage": STAFF,
    "enrollments.manage": STAFF | {Role.TEACHER},
    "alumni.manage": STAFF | {Role.TEACHER},
    "privacy.manage": STAFF,
    # Mentoring (talent/mentoring).
    "mentoring.view": STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT},
    "mentoring.manage": STAFF,
    "mentoring.mentor_profile": STAFF | {Role.MENTOR},
    "mentoring.pairing.read": STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT},
    "mentoring.pairing.respond": frozenset({Role.MENTOR}),
    "mentoring.pairing.pause": STAFF | {Role.MENTOR},
    "mentoring.goals.manage": STAFF | {Role.MENTOR},
    "mentoring.sessions.log": frozenset({Role.MENTOR}),
    "mentoring.sessions.confirm": frozenset({Role.RESEARCHER, Role.STUDENT}),
    "mentoring.private_notes.read": STAFF | {Role.MENTOR},
    "mentoring.feedback.give": frozenset({Role.MENTOR, Role.RESEARCHER, Role.STUDENT}),
    "mentoring.concerns.raise": STAFF | {Role.MENTOR, Role.RESEARCHER, Role.STUDENT},
    "mentoring.concerns.manage": STAFF,
    # Courses (talent/courses).
    "courses.manage": STAFF,
    "courses.apply": frozenset({Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER}),
    "courses.certificate": STAFF | {Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER},
    # Reminders and calendar (talent/reminders, talent/calendar).
    "notifications.read": SIGNED_IN,
    "calendar.subscribe": SIGNED_IN,
    "ledger.manage": STAFF,
    # Lab visits and activities (talent/visits, talent/activities).
    "visits.browse": STAFF | {Role.TEACHER, Role.HOST},
    "visits.host": STAFF | {Role.HOST},
    "visits.book": STAFF | {Role.TEACHER},
    "visits.read": STAFF | {Role.TEACHER, Role.HOST},
    "visits.manage": STAFF | {Role.TEACHER},
    "visits.confirm": STAFF | {Role.HOST},
    "visits.cancel": STAFF | {Role.TEACHER, Role.HOST},
    "visits.requests": STAFF | {Role.TEACHER, Role.HOST},
    "visits.blackouts": STAFF | {Role.TEACHER},
    "activities.read": STAFF | {Role.TEACHER, Role.HOST},
    "activities.manage": STAFF | {Role.TEACHER},
    # Impact report (talent/reports).
    "reports.view": STAFF,
}

ObjectRule = Callable[[User, Any], bool]
#: A list scope: the SQL condition on a model's rows that a user may see.
Scope = Callable[[User], sa.ColumnElement[bool]]


def _key(function: Callable) -> str:
    return f"{function.__module__}.{function.__qualname__}"


class Rules:
    """One feature's object rules and list scopes, handed to ``register`` at app creation.

    Several features may grant the same permission on one model (the schools let teachers see
    their pupils, mentoring lets mentors see their mentees): a user passes when any grant does,
    so the order features register in changes nothing.
    """

    def __init__(self) -> None:
        self.objects: dict[tuple[str, type], dict[str, ObjectRule]] = {}
        self.scopes: dict[tuple[str, type], dict[str, Scope]] = {}

    def object(self, permission: str, model: type) -> Callable[[ObjectRule], ObjectRule]:
        """Decorator: who may use a permission on one object of a model."""
        return self._adder(self.objects, permission, model)

    def scope(self, permission: str, model: type) -> Callable[[Scope], Scope]:
        """Decorator: which rows of a model a list under this permission shows the user."""
        return self._adder(self.scopes, permission, model)

    @staticmethod
    def _adder(table: dict, permission: str, model: type) -> Callable:
        if permission not in PERMISSIONS:
            raise LookupError(f"unknown permission {permission!r}")

        def add(function: Callable) -> Callable:
            table.setdefault((permission, model), {})[_key(function)] = function
            return function

        return add


#: Every registered feature's rules, merged: (permission, model) → rules by qualified name.
_OBJECT_RULES: dict[tuple[str, type], dict[str, ObjectRule]] = {}
_SCOPES: dict[tuple[str, type], dict[str, Scope]] = {}


def register(rules: Rules) -> None:
    """Add a feature's rules; registering the same rules again changes nothing."""
    for merged, table in ((_OBJECT_RULES, rules.objects), (_SCOPES, rules.scopes)):
        for key, functions in table.items():
            merged.setdefault(key, {}).update(functions)


def registered_rules() -> list[tuple[str, type]]:
    """Every (permission, model) some feature has an object rule for."""
    return list(_OBJECT_RULES)


def registered_scopes() -> list[tuple[str, type]]:
    """Every (permission, model) some feature has a list scope for."""
    return list(_SCOPES)


def is_signed_in(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def has_permission(user: User | None, permission: str) -> bool:
    """Function level: may this user reach pages that need this permission at all?"""
    if not is_signed_in(user):
        return False
    allowed = PERMISSIONS[permission]
    if allowed is SIGNED_IN or Role.ADMIN in user.roles:
        return True
    return not user.roles.isdisjoint(allowed)


def can(user: User | None, permission: str, obj: Any = None) -> bool:
    """Object level: may this user use the permission on this object?"""
    if not has_permission(user, permission):
        return False
    if obj is None:
        return True
    rules = _OBJECT_RULES.get((permission, type(obj)))
    if not rules:
        raise LookupError(f"no object rule for {permission} on {type(obj).__name__}")
    return Role.ADMIN in user.roles or any(rule(user, obj) for rule in rules.values())


def authorize(user: User | None, permission: str, obj: Any = None) -> None:
    """Raise NotAllowed unless ``can(user, permission, obj)``."""
    if not can(user, permission, obj):
        raise NotAllowed(_l("You do not have access to this."))


def scope(user: User | None, permission: str, model: type) -> sa.ColumnElement[bool]:
    """The SQL condition on ``model`` for the rows a list under this permission shows the user.

    It agrees with the object rule: a row passes the condition exactly when ``can`` allows
    the permission on it (tests/auth/test_list_scopes.py walks every list to check).
    """
    if not has_permission(user, permission):
        return sa.false()
    if Role.ADMIN in user.roles:
        return sa.true()
    scopes = _SCOPES.get((permission, model))
    if not scopes:
        raise LookupError(f"no list scope for {permission} on {model.__name__}")
    conditions = [condition(user) for condition in scopes.values()]
    return conditions[0] if len(conditions) == 1 else sa.or_(*conditions)


def object_rule(permission: str, model: type) -> Callable[[ObjectRule], ObjectRule]:
    """Register one object rule directly (a test's throwaway rule); features use ``Rules``."""

    def add(rule: ObjectRule) -> ObjectRule:
        rules = Rules()
        rules.object(permission, model)(rule)
        register(rules)
        return rule

    return add


def unregister_rule(permission: str, model: type, rule: ObjectRule) -> None:
    """Remove one object rule (tests register throwaway rules)."""
    _OBJECT_RULES.get((permission, model), {}).pop(_key(rule), None)


# --- helpers the features' rules share: they read only the user ---------------------------------


def school_scope(user: User) -> int | None:
    """The one school whose records a user is limited to, or None when not limited."""
    if user.has_role(Role.ADMIN, Role.COORDINATOR):
        return None
    return user.organization_id if user.organization_id is not None else -1


def same_school(user: User, school_id: int) -> bool:
    scope = school_scope(user)
    return scope is None or scope == school_id


def school_staff_for(user: User, school_id: int | None) -> bool:
    """A coordinator, or a teacher at that school."""
    if Role.COORDINATOR in user.roles:
        return True
    return Role.TEACHER in user.roles and school_id is not None and same_school(user, school_id)


def is_coordinator(user: User) -> bool:
    return Role.COORDINATOR in user.roles


def hosts_at(user: User, organization_id: int | None) -> bool:
    return Role.HOST in user.roles and user.organization_id == organization_id


def teaches_at(user: User, school_id: int | None) -> bool:
    return Role.TEACHER in user.roles and user.organization_id == school_id


def grantable_roles(user: User) -> list[Role]:
    """Roles this user may hand out: everyone but an admin may not create admins."""
    if Role.ADMIN in user.roles:
        return list(Role)
    return [role for role in Role if role is not Role.ADMIN]
