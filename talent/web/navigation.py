"""The navigation bar: the links a user's roles give access to."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from talent.auth import policy


@dataclass(frozen=True)
class NavItem:
    label: object
    endpoint: str
    permission: str


#: In display order; a link shows when the user holds its permission.
NAV_ITEMS = (
    NavItem(_l("Home"), "home.index", "home"),
    NavItem(_l("Classes"), "schools.classes", "classes.manage"),
    NavItem(_l("Roster"), "rosters.index", "rosters.import"),
    NavItem(_l("Programmes"), "programmes.index", "programmes.view"),
    NavItem(_l("Mentoring"), "mentoring.index", "mentoring.view"),
    NavItem(_l("Courses"), "courses.index", "home"),
    NavItem(_l("Lab visits"), "visits.index", "visits.read"),
    NavItem(_l("Activities"), "activities.index", "activities.read"),
    NavItem(_l("Reports"), "reports.index", "reports.view"),
    NavItem(_l("Organisations"), "people.organizations", "organizations.manage"),
    NavItem(_l("Users"), "people.users", "users.manage"),
    NavItem(_l("Privacy"), "privacy.index", "privacy.manage"),
    NavItem(_l("Deliveries"), "ledger.index", "ledger.manage"),
    NavItem(_l("Audit log"), "audit.events", "audit.read"),
)


def navigation_for(user) -> list[NavItem]:
    return [item for item in NAV_ITEMS if policy.has_permission(user, item.permission)]
