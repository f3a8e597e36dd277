"""The one authorisation policy: which roles reach which permission, and on which objects.

Views declare a permission with ``permission_required``; when they act on one object they call
``authorize(user, permission, obj)``. Nothing else decides who may do what.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import lazy_gettext as _l

from talent.errors import NotAllowed
from talent.people.models import Organization, Role, User
from talent.schools.models import SchoolClass, Student

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
    # Courses (talent/courses): object rules in the courses section below.
    "courses.manage": STAFF,
    "courses.apply": frozenset({Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER}),
    "courses.certificate": STAFF | {Role.RESEARCHER, Role.MENTOR, Role.HOST, Role.TEACHER},
    # Reminders and calendar (talent/reminders, talent/calendar).
    "notifications.read": SIGNED_IN,
    "calendar.subscribe": SIGNED_IN,
    "ledger.manage": STAFF,
}

ObjectRule = Callable[[User, Any], bool]
_OBJECT_RULES: dict[tuple[str, type], ObjectRule] = {}


def object_rule(permission: str, model: type) -> Callable[[ObjectRule], ObjectRule]:
    """Register who may use a permission on one object of a model."""

    def register(rule: ObjectRule) -> ObjectRule:
        _OBJECT_RULES[(permission, model)] = rule
        return rule

    return register


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
    rule = _OBJECT_RULES.get((permission, type(obj)))
    if rule is None:
        raise LookupError(f"no object rule for {permission} on {type(obj).__name__}")
    return Role.ADMIN in user.roles or rule(user, obj)


def authorize(user: User | None, permission: str, obj: Any = None) -> None:
    """Raise NotAllowed unless ``can(user, permission, obj)``."""
    if not can(user, permission, obj):
        raise NotAllowed(_l("You do not have access to this."))


def school_scope(user: User) -> int | None:
    """The one school whose records a user is limited to, or None when not limited."""
    if user.has_role(Role.ADMIN, Role.COORDINATOR):
        return None
    return user.organization_id if user.organization_id is not None else -1


def _same_school(user: User, school_id: int) -> bool:
    scope = school_scope(user)
    return scope is None or scope == school_id


@object_rule("classes.manage", SchoolClass)
def _manage_class(user: User, school_class: SchoolClass) -> bool:
    return _same_school(user, school_class.school_id)


@object_rule("classes.manage", Student)
def _manage_student(user: User, student: Student) -> bool:
    return _same_school(user, student.school_id)


@object_rule("classes.manage", Organization)
def _manage_school(user: User, school: Organization) -> bool:
    return _same_school(user, school.id)


@object_rule("users.manage", User)
def _manage_user(user: User, other: User) -> bool:
    # Only an admin may change an admin; the admin shortcut in can() covers admins.
    return Role.ADMIN not in other.roles


@object_rule("organizations.manage", Organization)
def _manage_organization(user: User, organization: Organization) -> bool:
    return True


def grantable_roles(user: User) -> list[Role]:
    """Roles this user may hand out: everyone but an admin may not create admins."""
    if Role.ADMIN in user.roles:
        return list(Role)
    return [role for role in Role if role is not Role.ADMIN]


# --- courses -----------------------------------------------------------------------------------
# Coordinators manage every course; a participant acts on their own enrollment only (answer an
# offer, withdraw, download their certificate). Admins pass every rule through can().

from talent.courses.models import (  # noqa: E402 - rules live next to the others
    Course,
    CourseEnrollment,
    CourseSession,
)


@object_rule("courses.manage", Course)
def _manage_course(user: User, course: Course) -> bool:
    return Role.COORDINATOR in user.roles


@object_rule("courses.manage", CourseSession)
def _manage_course_session(user: User, session: CourseSession) -> bool:
    return Role.COORDINATOR in user.roles


@object_rule("courses.manage", CourseEnrollment)
def _manage_course_enrollment(user: User, enrollment: CourseEnrollment) -> bool:
    return Role.COORDINATOR in user.roles


@object_rule("courses.apply", CourseEnrollment)
def _own_course_enrollment(user: User, enrollment: CourseEnrollment) -> bool:
    return enrollment.user_id == user.id


@object_rule("courses.certificate", CourseEnrollment)
def _course_certificate(user: User, enrollment: CourseEnrollment) -> bool:
    return Role.COORDINATOR in user.roles or enrollment.user_id == user.id
