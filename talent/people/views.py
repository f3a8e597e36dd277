"""Managing organisations and user accounts: lists, invitations, roles, deactivation."""

from __future__ import annotations

import logging

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.auth.session import sign_in
from talent.db import utcnow
from talent.errors import DomainError
from talent.extensions import db
from talent.people import services
from talent.people.forms import (
    KIND_LABELS,
    ROLE_LABELS,
    InviteUserForm,
    OrganizationFilterForm,
    OrganizationForm,
    UserFilterForm,
    UserForm,
)
from talent.people.models import Organization, User
from talent.web.actions import act
from talent.web.forms import show_error_on_form
from talent.web.loading import load
from talent.web.options import organization_options
from talent.web.paging import page_number

log = logging.getLogger(__name__)

bp = Blueprint("people", __name__, url_prefix="/admin")

PER_PAGE = 25


def _role_names(user: User) -> str:
    return ", ".join(str(label) for role, label in ROLE_LABELS.items() if role in user.roles)


@bp.context_processor
def _template_helpers() -> dict:
    return {"can": policy.can, "KIND_LABELS": KIND_LABELS, "role_names": _role_names}


def _organization(organization_id: int | None) -> Organization | None:
    return db.session.get(Organization, organization_id) if organization_id else None


# Organisations ---------------------------------------------------------------------------------


@bp.route("/organisations")
@permission_required("organizations.manage")
def organizations():
    """List organisations, filtered by kind and part of the name."""
    form = OrganizationFilterForm(request.args)
    form.validate()
    query = services.organizations_query(kind=form.value("kind"), search=form.value("q") or "")
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("people/organizations.html", form=form, page=page)


def _save_organization(form: OrganizationForm, organization: Organization | None):
    return act(
        lambda: services.save_organization(
            current_user,
            organization,
            name=form.name.data,
            kind=form.kind.data,
            city=form.city.data or "",
            website=form.website.data or "",
            is_active=form.is_active.data,
            now=utcnow(),
        ),
        success=_organization_saved,
        then=url_for("people.organizations"),
        form=form,
    )


def _organization_saved(saved: Organization) -> str:
    log.info("organisation %s saved by user %s", saved.id, current_user.id)
    return gettext("%(name)s is saved.", name=saved.name)


@bp.route("/organisations/new", methods=["GET", "POST"])
@permission_required("organizations.manage")
def new_organization():
    """Add an organisation."""
    form = OrganizationForm()
    if form.validate_on_submit() and (done := _save_organization(form, None)):
        return done
    return render_template("people/organization_form.html", form=form, organization=None)


@bp.route("/organisations/<int:organization_id>", methods=["GET", "POST"])
@permission_required("organizations.manage")
def edit_organization(organization_id: int):
    """Change an organisation's name, kind, city, website or whether it is active."""
    organization = load(Organization, organization_id, "organizations.manage")
    form = OrganizationForm(obj=organization)
    if form.validate_on_submit() and (done := _save_organization(form, organization)):
        return done
    return render_template("people/organization_form.html", form=form, organization=organization)


# Users -----------------------------------------------------------------------------------------


@bp.route("/users")
@permission_required("users.manage")
def users():
    """List users, filtered by role, organisation, status and part of the name or e-mail."""
    form = UserFilterForm(request.args, organizations=organization_options(include_inactive=True))
    form.validate()
    query = services.users_query(
        role=form.value("role"),
        organization_id=form.value("organization"),
        status=form.value("status"),
        search=form.value("q") or "",
    )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("people/users.html", form=form, page=page)


@bp.route("/users/invite", methods=["GET", "POST"])
@permission_required("users.manage")
def invite():
    """Create an account for a person and e-mail them a link to choose a password."""
    form = InviteUserForm(
        role_choices=policy.grantable_roles(current_user),
        organizations=organization_options(),
    )
    if form.validate_on_submit():
        done = act(
            lambda: services.invite_user(
                current_user,
                email=form.email.data,
                name=form.name.data,
                roles=form.roles.data or [],
                organization=_organization(form.organization_id.data),
                language=form.language.data,
                now=utcnow(),
            ),
            success=lambda user: gettext(
                "%(name)s is invited; the e-mail is on its way.", name=user.name
            ),
            then=lambda user: url_for("people.edit_user", user_id=user.id),
            form=form,
        )
        if done:
            return done
    return render_template("people/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required("users.manage")
def edit_user(user_id: int):
    """Change a user's name, e-mail, organisation and roles; new roles end their sessions."""
    user = load(User, user_id, "users.manage")
    form = UserForm(
        obj=user,
        role_choices=policy.grantable_roles(current_user),
        organizations=organization_options(include_id=user.organization_id),
    )
    if form.validate_on_submit():
        token = user.session_token
        try:
            services.update_user(
                current_user,
                user,
                name=form.name.data,
                email=form.email.data,
                organization=_organization(form.organization_id.data),
                roles=form.roles.data or [],
                now=utcnow(),
            )
        except DomainError as error:
            show_error_on_form(form, error)
        else:
            db.session.commit()
            if user.id == current_user.id and user.session_token != token:
                sign_in(user)  # one's own role change keeps this browser logged in
            flash(gettext("%(name)s is saved.", name=user.name), "success")
            return redirect(url_for("people.users"))
    return render_template("people/user_form.html", form=form, user=user)


def _account_action(user_id: int, change, message: str):
    """Run one service on a user, commit, tell the user and go back to the user's page."""
    user = load(User, user_id, "users.manage")
    then = url_for("people.edit_user", user_id=user_id)
    done = act(
        lambda: change(current_user, user, now=utcnow()),
        success=message % {"name": user.name, "email": user.email},
        then=then,
    )
    return done or redirect(then)


@bp.route("/users/<int:user_id>/reinvite", methods=["POST"])
@permission_required("users.manage")
def reinvite(user_id: int):
    """Send a fresh invitation link; earlier links stop working."""
    return _account_action(
        user_id,
        services.reissue_invitation,
        gettext("A new invitation is on its way to %(name)s; earlier links no longer work."),
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@permission_required("users.manage")
def deactivate(user_id: int):
    """Deactivate an account; every session of it ends at once."""
    return _account_action(
        user_id,
        lambda actor, user, now: services.set_user_active(actor, user, False, now=now),
        gettext("%(name)s is deactivated and logged out everywhere."),
    )


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@permission_required("users.manage")
def reactivate(user_id: int):
    """Let a deactivated account log in again."""
    return _account_action(
        user_id,
        lambda actor, user, now: services.set_user_active(actor, user, True, now=now),
        gettext("%(name)s can log in again."),
    )
