"""Who may read and manage activities (registered with talent.auth.policy).

A teacher reaches their own school's activities, a host those their organisation is partner
in; coordinators all of them.
"""

from __future__ import annotations

from talent.activities.models import Activity
from talent.auth.policy import Rules, hosts_at, is_coordinator, teaches_at
from talent.people.models import Organization, User

rules = Rules()


@rules.object("activities.read", Activity)
def read_activity(user: User, activity: Activity) -> bool:
    return (
        is_coordinator(user)
        or teaches_at(user, activity.school_id)
        or (activity.partner_id is not None and hosts_at(user, activity.partner_id))
    )


@rules.object("activities.manage", Activity)
def manage_activity(user: User, activity: Activity) -> bool:
    return is_coordinator(user) or teaches_at(user, activity.school_id)


@rules.object("activities.manage", Organization)
def activities_of_school(user: User, school: Organization) -> bool:
    return is_coordinator(user) or teaches_at(user, school.id)
