"""Who may read and manage activities (registered with talent.auth.policy).

A teacher reaches their own school's activities, a host those their organisation is partner
in; coordinators all of them.
"""

from __future__ import annotations

import sqlalchemy as sa

from talent.activities.models import Activity
from talent.auth.policy import Role, Rules, hosts_at, is_coordinator, teaches_at
from talent.people.models import Organization, User

rules = Rules()


@rules.object("activities.read", Activity)
def read_activity(user: User, activity: Activity) -> bool:
    return (
        is_coordinator(user)
        or teaches_at(user, activity.school_id)
        or (activity.partner_id is not None and hosts_at(user, activity.partner_id))
    )


@rules.scope("activities.read", Activity)
def activities_seen(user: User) -> sa.ColumnElement[bool]:
    if is_coordinator(user):
        return sa.true()
    own = user.organization_id if user.organization_id is not None else -1
    conditions = [sa.false()]
    if Role.TEACHER in user.roles:
        conditions.append(Activity.school_id == own)
    if Role.HOST in user.roles:
        conditions.append(Activity.partner_id == own)
    return sa.or_(*conditions)


@rules.object("activities.manage", Activity)
def manage_activity(user: User, activity: Activity) -> bool:
    return is_coordinator(user) or teaches_at(user, activity.school_id)


@rules.object("activities.manage", Organization)
def activities_of_school(user: User, school: Organization) -> bool:
    return is_coordinator(user) or teaches_at(user, school.id)
