"""Who may do what with lab visits (registered with talent.auth.policy).

Hosts manage their own organisation's sites and slots and answer bookings on them; teachers
book for their own school's classes and change their school's visits; coordinators do all.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from talent.auth.policy import Role, Rules, hosts_at, is_coordinator, teaches_at
from talent.clock import local_date
from talent.db import utcnow
from talent.people.models import Organization, User
from talent.schools.models import SchoolClass
from talent.visits.models import (
    LabSite,
    LabVisit,
    RequestState,
    SchoolBlackout,
    VisitRequest,
    VisitSlot,
)

rules = Rules()


def _own(user: User) -> int:
    """The user's organisation in a SQL condition; -1 (no row) when they have none."""
    return user.organization_id if user.organization_id is not None else -1


def _today() -> date:
    return local_date(utcnow())


@rules.object("visits.host", Organization)
def host_for_organization(user: User, organization: Organization) -> bool:
    return is_coordinator(user) or hosts_at(user, organization.id)


@rules.object("visits.host", LabSite)
def host_site(user: User, site: LabSite) -> bool:
    return is_coordinator(user) or hosts_at(user, site.organization_id)


@rules.object("visits.host", VisitSlot)
def host_slot(user: User, slot: VisitSlot) -> bool:
    return host_site(user, slot.site)


@rules.object("visits.book", SchoolClass)
def book_for_class(user: User, school_class: SchoolClass) -> bool:
    return is_coordinator(user) or teaches_at(user, school_class.school_id)


@rules.object("visits.read", LabVisit)
def read_visit(user: User, visit: LabVisit) -> bool:
    return (
        is_coordinator(user)
        or teaches_at(user, visit.school_id)
        or hosts_at(user, visit.slot.site.organization_id)
    )


@rules.scope("visits.read", LabVisit)
def visits_seen(user: User) -> sa.ColumnElement[bool]:
    if is_coordinator(user):
        return sa.true()
    conditions = [sa.false()]
    if Role.TEACHER in user.roles:
        conditions.append(LabVisit.school_id == _own(user))
    if Role.HOST in user.roles:
        hosted = sa.select(VisitSlot.id).join(VisitSlot.site)
        conditions.append(LabVisit.slot_id.in_(hosted.where(LabSite.organization_id == _own(user))))
    return sa.or_(*conditions)


@rules.object("visits.manage", LabVisit)
def manage_visit(user: User, visit: LabVisit) -> bool:
    return is_coordinator(user) or teaches_at(user, visit.school_id)


@rules.object("visits.confirm", LabVisit)
def confirm_visit(user: User, visit: LabVisit) -> bool:
    return is_coordinator(user) or hosts_at(user, visit.slot.site.organization_id)


@rules.object("visits.cancel", LabVisit)
def cancel_visit(user: User, visit: LabVisit) -> bool:
    return manage_visit(user, visit) or confirm_visit(user, visit)


# A host sees the open requests a slot could still be proposed for: once the last day a class
# could come has passed, nothing is left for a host to do, and the school's details are none of
# their business any more. The list and the request's page agree on that.


@rules.object("visits.requests", VisitRequest)
def read_request(user: User, request: VisitRequest) -> bool:
    return (
        is_coordinator(user)
        or teaches_at(user, request.school_id)
        or (
            Role.HOST in user.roles
            and request.state is RequestState.OPEN
            and request.latest_on >= _today()
        )
    )


@rules.scope("visits.requests", VisitRequest)
def requests_seen(user: User) -> sa.ColumnElement[bool]:
    if is_coordinator(user):
        return sa.true()
    conditions = [sa.false()]
    if Role.TEACHER in user.roles:
        conditions.append(VisitRequest.school_id == _own(user))
    if Role.HOST in user.roles:
        still_open = sa.and_(
            VisitRequest.state == RequestState.OPEN, VisitRequest.latest_on >= _today()
        )
        conditions.append(still_open)
    return sa.or_(*conditions)


@rules.object("visits.manage", VisitRequest)
def manage_request(user: User, request: VisitRequest) -> bool:
    return is_coordinator(user) or teaches_at(user, request.school_id)


@rules.object("visits.blackouts", Organization)
def blackouts_of_school(user: User, school: Organization) -> bool:
    return is_coordinator(user) or teaches_at(user, school.id)


@rules.object("visits.blackouts", SchoolBlackout)
def blackout(user: User, blackout: SchoolBlackout) -> bool:
    return is_coordinator(user) or teaches_at(user, blackout.school_id)
