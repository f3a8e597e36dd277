"""Lab-visit pages: routes only; the services hold the rules and the policy decides access.

Objects the user may not see answer 404, so that ids of other schools' visits reveal nothing;
objects they may see but not change answer 403.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash
from flask_login import current_user
from flask_wtf import FlaskForm

from talent.auth import policy
from talent.errors import DomainError
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, Role, RoleAssignment, User
from talent.schools.models import SchoolClass
from talent.visits.services.rules import RulesBroken
from talent.web.forms import show_error_on_form

bp = Blueprint("visits", __name__, url_prefix="/visits")

PER_PAGE = 25


def load(model: type, object_id: int, permission: str | None = None, loader=None):
    """The object, or 404 when it does not exist or the user may not see it."""
    obj = loader(object_id) if loader is not None else db.session.get(model, object_id)
    if obj is None or (permission is not None and not policy.can(current_user, permission, obj)):
        abort(404)
    return obj


def show_problems(form: FlaskForm, error: DomainError) -> None:
    """Put every broken rule beside its field (or at the top), after rolling back."""
    if not isinstance(error, RulesBroken):
        show_error_on_form(form, error)
        return
    db.session.rollback()
    for problem in error.problems:
        field = getattr(form, problem.field, None) if problem.field else None
        if field is not None:
            field.errors = [*field.errors, str(problem.message)]
        else:
            flash(str(problem.message), "danger")


def works_everywhere() -> bool:
    """Coordinators and admins choose among schools and organisations."""
    return current_user.has_role(Role.ADMIN, Role.COORDINATOR)


def own_organization_id() -> int:
    return current_user.organization_id if current_user.organization_id is not None else -1


def school_options() -> list[tuple[int, str]]:
    query = (
        sa.select(Organization.id, Organization.name)
        .where(Organization.kind == OrganizationKind.SCHOOL, Organization.is_active.is_(True))
        .order_by(sa.func.lower(Organization.name))
    )
    return [(row.id, row.name) for row in db.session.execute(query)]


def host_organization_options() -> list[tuple[int, str]]:
    query = (
        sa.select(Organization.id, Organization.name)
        .where(Organization.kind != OrganizationKind.SCHOOL, Organization.is_active.is_(True))
        .order_by(sa.func.lower(Organization.name))
    )
    return [(row.id, row.name) for row in db.session.execute(query)]


def class_options(from_year: int) -> list[tuple[int, str]]:
    """Classes the user may book for, this school year and later; school named for staff."""
    query = (
        sa.select(SchoolClass)
        .join(SchoolClass.school)
        .options(sa.orm.contains_eager(SchoolClass.school))
        .where(SchoolClass.school_year >= from_year)
        .order_by(sa.func.lower(Organization.name), sa.func.lower(SchoolClass.name))
    )
    if not works_everywhere():
        query = query.where(SchoolClass.school_id == own_organization_id())
        return [(c.id, c.label) for c in db.session.scalars(query)]
    return [(c.id, f"{c.school.name}: {c.label}") for c in db.session.scalars(query)]


def teacher_options(school_id: int) -> list[tuple[int, str]]:
    query = (
        sa.select(User)
        .join(RoleAssignment)
        .where(
            RoleAssignment.role == Role.TEACHER,
            User.organization_id == school_id,
            User.is_active.is_(True),
        )
        .order_by(sa.func.lower(User.name))
    )
    return [(user.id, user.name) for user in db.session.scalars(query)]


# Route modules register themselves on bp; the feed registers the calendar and timeline
# providers.
from talent.visits import feed  # noqa: E402, F401
from talent.visits.views import requests, slots, visits  # noqa: E402, F401
