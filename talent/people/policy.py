"""Who may manage people and organisations (registered with talent.auth.policy)."""

from __future__ import annotations

from talent.auth.policy import Role, Rules
from talent.people.models import Organization, User

rules = Rules()


@rules.object("users.manage", User)
def manage_user(user: User, other: User) -> bool:
    # Only an admin may change an admin; the admin shortcut in can() covers admins.
    return Role.ADMIN not in other.roles


@rules.object("organizations.manage", Organization)
def manage_organization(user: User, organization: Organization) -> bool:
    return True
