"""Managing organisations and user accounts: invitations, roles, deactivation."""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from talent.audit.services import record_event, snapshot
from talent.auth.links import send_invitation
from talent.auth.services import normalize_email, user_by_email
from talent.errors import AlreadyDone, Conflict, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Organization, OrganizationKind, Role, RoleAssignment, User
from talent.text import require_single_line

log = logging.getLogger(__name__)

ORGANIZATION_FIELDS = ("name", "kind", "city", "website", "is_active")
USER_FIELDS = ("name", "email", "organization_id", "roles", "is_active")


def _organization_name_taken(name: str, *, except_id: int | None = None) -> bool:
    query = sa.select(Organization.id).where(sa.func.lower(Organization.name) == name.lower())
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    return db.session.scalar(query) is not None


def save_organization(
    actor: User,
    organization: Organization | None,
    *,
    name: str,
    kind: OrganizationKind,
    city: str = "",
    website: str = "",
    is_active: bool = True,
    now: datetime,
) -> Organization:
    """Create an organisation, or update the given one."""
    require_single_line(name=name, city=city, website=website)
    if organization is not None:
        lock(organization)
    name = name.strip()
    if _organization_name_taken(name, except_id=organization.id if organization else None):
        raise Conflict(_l("An organisation with this name already exists."), field="name")
    creating = organization is None
    before = None if creating else snapshot(organization, ORGANIZATION_FIELDS)
    if creating:
        organization = Organization()
        db.session.add(organization)
    organization.name, organization.kind = name, kind
    organization.city, organization.website = city.strip(), website.strip()
    organization.is_active = is_active
    db.session.flush()
    record_event(
        actor,
        "organization.create" if creating else "organization.update",
        organization,
        now=now,
        before=before,
        after=snapshot(organization, ORGANIZATION_FIELDS),
    )
    return organization


def _check_grantable(actor: User, roles: Iterable[Role]) -> None:
    if Role.ADMIN in roles and Role.ADMIN not in actor.roles:
        raise NotAllowed(
            _l("Only an administrator can grant the administrator role."), field="roles"
        )


def _set_roles(user: User, roles: Iterable[Role]) -> bool:
    wanted = set(roles)
    if wanted == set(user.roles):
        return False
    user.role_assignments = [a for a in user.role_assignments if a.role in wanted] + [
        RoleAssignment(role=role) for role in wanted - set(user.roles)
    ]
    return True


def create_account(
    actor: User | None,
    *,
    email: str,
    name: str,
    roles: Iterable[Role],
    organization: Organization | None,
    language: str = "nb",
    now: datetime,
) -> User:
    """Create an account without a password (``invite_user`` also e-mails the invitation)."""
    require_single_line(email=email, name=name)
    roles = set(roles)
    if actor is not None:
        _check_grantable(actor, roles)
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise Conflict(
            _l("Someone already has an account with this e-mail address."), field="email"
        )
    user = User(
        email=email,
        name=name.strip(),
        organization=organization,
        language=language,
        invited_at=now,
        created_at=now,
    )
    _set_roles(user, roles)
    db.session.add(user)
    db.session.flush()
    record_event(
        actor, "user.invite", user, now=now, label=email, after=snapshot(user, USER_FIELDS)
    )
    log.info("user %s invited by %s", email, actor.email if actor else "system")
    return user


def invite_user(
    actor: User,
    *,
    email: str,
    name: str,
    roles: Iterable[Role],
    organization: Organization | None,
    language: str = "nb",
    now: datetime,
) -> User:
    """Create an account and e-mail its invitation link (through the ledger)."""
    user = create_account(
        actor,
        email=email,
        name=name,
        roles=roles,
        organization=organization,
        language=language,
        now=now,
    )
    send_invitation(user, now=now)
    return user


def reissue_invitation(actor: User, user: User, *, now: datetime) -> None:
    """Make earlier invitation links void and e-mail a fresh one."""
    lock(user)
    if user.has_password:
        raise Conflict(_l("This person has already accepted the invitation."))
    if not user.is_active:
        raise InvalidState(_l("This account is deactivated. Reactivate it first."))
    user.end_sessions()
    user.invited_at = now
    db.session.flush()
    record_event(actor, "user.reinvite", user, now=now, label=user.email)
    send_invitation(user, now=now)


def update_user(
    actor: User,
    user: User,
    *,
    name: str,
    email: str,
    organization: Organization | None,
    roles: Iterable[Role],
    now: datetime,
) -> None:
    """Change a user's details; a change of roles ends the user's sessions."""
    require_single_line(name=name, email=email)
    lock(user)
    roles = set(roles)
    if set(user.roles) ^ roles:
        _check_grantable(actor, set(user.roles) ^ roles)
    email = normalize_email(email)
    other = user_by_email(email)
    if other is not None and other.id != user.id:
        raise Conflict(
            _l("Someone already has an account with this e-mail address."), field="email"
        )
    if user.id == actor.id and Role.ADMIN in user.roles and Role.ADMIN not in roles:
        raise ValidationFailed(_l("You cannot remove your own administrator role."), field="roles")
    before = snapshot(user, USER_FIELDS)
    user.name, user.email, user.organization = name.strip(), email, organization
    if _set_roles(user, roles):
        user.end_sessions()
    db.session.flush()
    record_event(
        actor,
        "user.update",
        user,
        now=now,
        label=user.email,
        before=before,
        after=snapshot(user, USER_FIELDS),
    )


def set_user_active(actor: User, user: User, active: bool, *, now: datetime) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.id == actor.id and not active:
        raise ValidationFailed(_l("You cannot deactivate your own account."))
    lock(user)
    if user.is_active and active:
        raise AlreadyDone(_l("%(name)s can already log in.", name=user.name))
    if not user.is_active and not active:
        raise AlreadyDone(_l("%(name)s is already deactivated.", name=user.name))
    before = snapshot(user, USER_FIELDS)
    user.is_active = active
    user.end_sessions()
    db.session.flush()
    record_event(
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        now=now,
        label=user.email,
        before=before,
        after=snapshot(user, USER_FIELDS),
    )


class UserStatus(enum.StrEnum):
    """How far an account has come: invited (no password yet), active, or deactivated."""

    ACTIVE = "active"
    INVITED = "invited"
    INACTIVE = "inactive"


def _contains(column, text: str):
    """Case-insensitive substring match with LIKE wildcards in ``text`` taken literally."""
    return sa.func.lower(column).contains(text.lower(), autoescape=True)


def organizations_query(*, kind: OrganizationKind | None = None, search: str = "") -> sa.Select:
    """Organisations by name, optionally of one kind and matching part of the name."""
    query = sa.select(Organization).order_by(sa.func.lower(Organization.name), Organization.id)
    if kind is not None:
        query = query.where(Organization.kind == kind)
    if search.strip():
        query = query.where(_contains(Organization.name, search.strip()))
    return query


def users_query(
    *,
    role: Role | None = None,
    organization_id: int | None = None,
    status: UserStatus | None = None,
    search: str = "",
) -> sa.Select:
    """Users by name with their organisation and roles loaded, filtered as asked."""
    query = (
        sa.select(User)
        .options(selectinload(User.organization), selectinload(User.role_assignments))
        .order_by(sa.func.lower(User.name), User.id)
    )
    if role is not None:
        query = query.where(User.role_assignments.any(RoleAssignment.role == role))
    if organization_id is not None:
        query = query.where(User.organization_id == organization_id)
    if status is UserStatus.INACTIVE:
        query = query.where(~User.is_active)
    elif status is UserStatus.ACTIVE:
        query = query.where(User.is_active, User.password_hash.is_not(None))
    elif status is UserStatus.INVITED:
        query = query.where(User.is_active, User.password_hash.is_(None))
    if search.strip():
        text = search.strip()
        query = query.where(sa.or_(_contains(User.name, text), _contains(User.email, text)))
    return query
