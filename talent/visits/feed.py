"""Lab visits in each participant's calendar feed (talent.calendar) and on each pupil's
timeline (talent.timeline)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from talent.activities.models import Activity, ActivityParticipant
from talent.auth import policy
from talent.calendar.registry import CalendarEvent, register_provider
from talent.extensions import db
from talent.people.models import Role, User
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, register_timeline_provider
from talent.visits.models import (
    LabSite,
    LabVisit,
    VisitParticipant,
    VisitSlot,
    VisitState,
)
from talent.visits.reminders import SOON_LEADS
from talent.visits.services.common import platform_zone

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


@register_provider("visits")
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


@register_timeline_provider
def visits_and_activities(student: Student, viewer: User) -> list[TimelineEntry]:
    """The pupil's lab visits and collaboration activities, in two queries."""
    participations = db.session.scalars(
        sa.select(VisitParticipant)
        .join(VisitParticipant.visit)
        .where(
            VisitParticipant.student_id == student.id,
            LabVisit.state.in_((VisitState.REQUESTED, VisitState.CONFIRMED, VisitState.COMPLETED)),
        )
        .options(
            contains_eager(VisitParticipant.visit)
            .joinedload(LabVisit.slot)
            .joinedload(VisitSlot.site)
            .joinedload(LabSite.organization)
        )
    ).all()
    entries = []
    for participation in participations:
        visit = participation.visit
        badge = visit.state.label
        if participation.attended is False:
            badge = _l("no-show")
        entries.append(
            TimelineEntry(
                when=visit.slot.starts_at,
                kind="visit",
                title=str(_l("Lab visit: %(site)s", site=visit.slot.site.name)),
                detail=f"{visit.slot.topic} · {visit.slot.site.organization.name}",
                url=url_for("visits.visit", visit_id=visit.id)
                if policy.can(viewer, "visits.read", visit)
                else None,
                badge=str(badge),
            )
        )
    activities = db.session.scalars(
        sa.select(Activity)
        .join(ActivityParticipant)
        .where(ActivityParticipant.student_id == student.id)
        .options(joinedload(Activity.partner), selectinload(Activity.participants))
    ).unique()
    for activity in activities:
        entries.append(
            TimelineEntry(
                when=activity.starts_on,
                kind="activity",
                title=f"{activity.kind.label}: {activity.title}",
                detail=activity.partner.name if activity.partner else "",
                url=url_for("activities.show", activity_id=activity.id)
                if policy.can(viewer, "activities.read", activity)
                else None,
                badge=str(_l("%(hours)s h", hours=f"{activity.hours:g}")),
            )
        )
    return entries
