"""What the visits route modules share: the blueprint and helpers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash
from flask_login import current_user
from flask_wtf import FlaskForm

from talent.errors import DomainError
from talent.extensions import db
from talent.people.models import Organization, Role, RoleAssignment, User
from talent.schools.models import SchoolClass
from talent.visits.services.rules import RulesBroken
from talent.web.forms import show_error_on_form

bp = Blueprint("visits", __name__, url_prefix="/visits")

PER_PAGE = 25


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
