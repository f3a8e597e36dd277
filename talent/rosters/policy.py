"""Who may import a school's roster and read its imports (registered with talent.auth.policy)."""

from __future__ import annotations

from talent.auth.policy import Rules, school_staff_for
from talent.people.models import Organization, User
from talent.rosters.models import RosterImport

rules = Rules()


@rules.object("rosters.import", Organization)
def import_roster(user: User, school: Organization) -> bool:
    return school_staff_for(user, school.id)


@rules.object("rosters.import", RosterImport)
def see_roster_import(user: User, roster_import: RosterImport) -> bool:
    return school_staff_for(user, roster_import.school_id)
