"""Lab visits in each participant's calendar feed (talent.calendar) and on each pupil's
timeline (talent.timeline)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from talent.activities.models import Activity, ActivityParticipant
from talent.auth import policy
from talent.calendar.registry import CalendarEvent
from talent.clock import platform_zone
from talent.extensions import db
from talent.people.models import Organization, Role, User
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, read_rows
from talent.visits.models import (
    LabSite,
    LabVisit,
    VisitParticipant,
    VisitSlot,
    VisitState,
)
from talent.visits.reminders import SOON_LEADS

#: Visits shown in calendars; a cancelled or declined one is sent as cancelled, so that
#: calendar applications take it away.
SHOWN_STATES = (
    VisitState.REQUESTED,
    VisitState.CONFIRMED,
    VisitState.COMPLETED,
    VisitState.CANCELLED,
    VisitState.DECLINED,
)


def _link(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def calendar_event(visit: LabVisit) -> CalendarEvent:
    slot = visit.slot
    site = slot.site
    state = "" if visit.state is VisitState.CONFIRMED else f" ({visit.state.label})"
    return CalendarEvent(
        uid=f"lab-visit-{visit.id}",
        title=f"{visit.school_class.name} → {site.name}: {slot.topic}{state}",
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        zone=platform_zone().key,
        location=", ".join(
            part for part in (site.name, site.organization.name, site.address) if part
        ),
        description=str(
            _l(
                "%(pupils)d pupils and %(adults)d adults from %(school)s. Safety rules: %(rules)s",
                pupils=visit.pupils_count,
                adults=visit.adults_count,
                school=visit.school.name,
                rules=site.safety_rules or "—",
            )
        ),
        url=_link("visits.visit", visit_id=visit.id),
        alarms=tuple(SOON_LEADS.values()),
        cancelled=visit.state in (VisitState.CANCELLED, VisitState.DECLINED),
    )


def _involving(user: User) -> sa.ColumnElement[bool]:
    """Visits the user takes part in: as teacher or booker, as host, or as a pupil."""
    conditions = [
        LabVisit.teacher_id == user.id,
        LabVisit.booked_by_id == user.id,
        VisitSlot.host_contact_id == user.id,
        LabVisit.id.in_(
            sa.select(VisitParticipant.visit_id)
            .join(Student, Student.id == VisitParticipant.student_id)
            .where(Student.user_id == user.id)
        ),
    ]
    if user.has_role(Role.HOST) and user.organization_id is not None:
        conditions.append(LabSite.organization_id == user.organization_id)
    return sa.or_(*conditions)


def lab_visits(user: User, *, start: datetime, end: datetime) -> list[CalendarEvent]:
    """The visits the user takes part in, in one query."""
    query = (
        sa.select(LabVisit)
        .join(LabVisit.slot)
        .join(VisitSlot.site)
        .options(
            contains_eager(LabVisit.slot)
            .contains_eager(VisitSlot.site)
            .joinedload(LabSite.organization),
            joinedload(LabVisit.school_class),
            joinedload(LabVisit.school),
        )
        .where(
            _involving(user),
            LabVisit.state.in_(SHOWN_STATES),
            VisitSlot.starts_at >= start,
            VisitSlot.starts_at < end,
        )
        .order_by(VisitSlot.starts_at)
    )
    return [calendar_event(visit) for visit in db.session.scalars(query)]


#: Visits on a pupil's timeline: those that happen or happened, not those called off.
TIMELINE_STATES = (VisitState.REQUESTED, VisitState.CONFIRMED, VisitState.COMPLETED)

#: The pupil's visits as plain rows of what an entry shows and what the read rule looks at.
#: Equalities rather than IN: an IN list is expanded into the SQL again on every run.
_PUPIL_VISITS = (
    sa.select(
        LabVisit.id,
        LabVisit.school_id,
        LabVisit.state,
        VisitParticipant.attended,
        VisitSlot.starts_at,
        VisitSlot.topic,
        LabSite.name.label("site_name"),
        LabSite.organization_id,
        Organization.name.label("host_name"),
    )
    .select_from(VisitParticipant)
    .join(LabVisit, LabVisit.id == VisitParticipant.visit_id)
    .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
    .join(LabSite, LabSite.id == VisitSlot.site_id)
    .join(Organization, Organization.id == LabSite.organization_id)
    .where(
        VisitParticipant.student_id == sa.bindparam("student_id"),
        sa.or_(*(LabVisit.state == state for state in TIMELINE_STATES)),
    )
)
#: The pupil's activities as plain rows, without the other participants.
_PUPIL_ACTIVITIES = (
    sa.select(
        Activity.id,
        Activity.kind,
        Activity.title,
        Activity.starts_on,
        Activity.hours,
        Activity.school_id,
        Activity.partner_id,
        Organization.name.label("partner_name"),
    )
    .join(ActivityParticipant, ActivityParticipant.activity_id == Activity.id)
    .outerjoin(Organization, Organization.id == Activity.partner_id)
    .where(ActivityParticipant.student_id == sa.bindparam("student_id"))
)


# The policy judges objects. The entries are read as rows, so the objects it judges are
# built, unsaved, from the columns its rules look at: building them costs a fraction of
# loading each visit with its slot and site (tests/visits/test_followup.py holds the
# links to what the policy says of the loaded objects).
def _visit_to_judge(row: sa.Row) -> LabVisit:
    site = LabSite(organization_id=row.organization_id)
    return LabVisit(id=row.id, school_id=row.school_id, state=row.state, slot=VisitSlot(site=site))


def _activity_to_judge(row: sa.Row) -> Activity:
    return Activity(id=row.id, school_id=row.school_id, partner_id=row.partner_id)


def visits_and_activities(student: Student, viewer: User) -> list[TimelineEntry]:
    """The pupil's lab visits and collaboration activities, in two queries."""
    entries = []
    may_read_visits = policy.has_permission(viewer, "visits.read")
    for visit in read_rows(_PUPIL_VISITS, student_id=student.id):
        badge = gettext("no-show") if visit.attended is False else str(visit.state.label)
        readable = may_read_visits and policy.can(viewer, "visits.read", _visit_to_judge(visit))
        entries.append(
            TimelineEntry(
                when=visit.starts_at,
                kind="visit",
                title=gettext("Lab visit: %(site)s", site=visit.site_name),
                detail=f"{visit.topic} · {visit.host_name}",
                url=url_for("visits.visit", visit_id=visit.id) if readable else None,
                badge=badge,
            )
        )
    may_read_activities = policy.has_permission(viewer, "activities.read")
    for activity in read_rows(_PUPIL_ACTIVITIES, student_id=student.id):
        readable = may_read_activities and policy.can(
            viewer, "activities.read", _activity_to_judge(activity)
        )
        entries.append(
            TimelineEntry(
                when=activity.starts_on,
                kind="activity",
                title=f"{activity.kind.label}: {activity.title}",
                detail=activity.partner_name or "",
                url=url_for("activities.show", activity_id=activity.id) if readable else None,
                badge=gettext("%(hours)s h", hours=f"{activity.hours:g}"),
            )
        )
    return entries
