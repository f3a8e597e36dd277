"""Publishing visit slots, single or repeating weekly, and finding open ones.

A repeating slot keeps its local wall-clock time (Tuesdays 10:00–12:00 in Oslo) on every
date, so its UTC time shifts by an hour across a daylight-saving change.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload

from talent.audit.services import record_event, snapshot
from talent.clock import at_local, platform_zone, span_to_utc, to_utc
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Organization, Role, RoleAssignment, User
from talent.text import require_single_line
from talent.visits.models import TOPIC_MAX, LabSite, VisitSlot
from talent.visits.services import capacity as places
from talent.visits.services.common import clean_text, show_day, show_span
from talent.visits.services.rules import Problem, RulesBroken

log = logging.getLogger(__name__)

MAX_WEEKS = 52
#: How far ahead a slot may be published.
MAX_DAYS_AHEAD = 550


@dataclass
class SlotPlan:
    """What a host asks for: a first day, a local time span, and how many weeks in a row."""

    first_day: date | None
    start: time | None
    end: time | None
    capacity: int | None
    topic: str
    host_contact: User | None = None
    weeks: int = 1
    skip_days: set[date] = field(default_factory=set)


def _check_plan(site: LabSite, plan: SlotPlan, *, now: datetime, zone: ZoneInfo) -> str:
    require_single_line(topic=plan.topic)
    topic = clean_text(
        plan.topic, limit=TOPIC_MAX, field="topic", required=_l("Say what the visit is about.")
    )
    if plan.first_day is None:
        raise ValidationFailed(_l("Give the date of the slot."), field="first_day")
    if plan.start is None:
        raise ValidationFailed(_l("Give the time the slot starts."), field="start")
    if plan.end is None:
        raise ValidationFailed(_l("Give the time the slot ends."), field="end")
    if plan.capacity is None or plan.capacity < 1:
        raise ValidationFailed(
            _l("A slot needs room for at least one person. Give the capacity in persons."),
            field="capacity",
        )
    if plan.capacity > site.capacity:
        raise ValidationFailed(
            _l(
                "%(site)s holds %(max)d people, so a slot cannot take more. Lower the capacity, "
                "or change the site's size first.",
                site=site.name,
                max=site.capacity,
            ),
            field="capacity",
        )
    if not 1 <= plan.weeks <= MAX_WEEKS:
        raise ValidationFailed(_l("Repeat for 1 to %(max)d weeks.", max=MAX_WEEKS), field="weeks")
    if to_utc(datetime.combine(plan.first_day, plan.start), zone, field="start") <= now:
        raise ValidationFailed(
            _l("This time lies in the past. Give a date and time from now on."),
            field="first_day",
        )
    if plan.first_day > now.astimezone(zone).date() + timedelta(days=MAX_DAYS_AHEAD):
        raise ValidationFailed(
            _l("Slots can be published up to %(days)d days ahead.", days=MAX_DAYS_AHEAD),
            field="first_day",
        )
    contact = plan.host_contact
    if contact is not None and (
        contact.organization_id != site.organization_id
        or not contact.has_role(Role.HOST)
        or not contact.is_active
    ):
        raise ValidationFailed(
            _l("The host contact must be an active host at %(org)s.", org=site.organization.name),
            field="host_contact_id",
        )
    return topic


def occurrences(
    plan: SlotPlan, zone: ZoneInfo
) -> tuple[list[tuple[datetime, datetime]], list[date]]:
    """The (start, end) in UTC of every week's slot, and the days skipped.

    Raises ValidationFailed when a week's start or end falls in the hour the clocks skip, or
    a slot would end before it starts (judged in UTC: see talent.clock for the autumn hour).
    """
    times, skipped = [], []
    for week in range(plan.weeks):
        day = plan.first_day + timedelta(weeks=week)
        if day in plan.skip_days:
            skipped.append(day)
            continue
        starts_at, ends_at = span_to_utc(
            datetime.combine(day, plan.start),
            datetime.combine(day, plan.end),
            zone,
            fields=("start", "end"),
        )
        if ends_at <= starts_at:
            raise ValidationFailed(
                _l(
                    "The slot ends before it starts. Give an end time after %(start)s.",
                    start=plan.start.strftime("%H:%M"),
                ),
                field="end",
            )
        times.append((starts_at, ends_at))
    return times, skipped


def overlapping_slots(site_id: int, spans: Iterable[tuple[datetime, datetime]], *, exclude_id=None):
    """The site's slots (not cancelled) that overlap any of the spans."""
    spans = list(spans)
    if not spans:
        return []
    overlaps = sa.or_(
        *(sa.and_(VisitSlot.starts_at < end, VisitSlot.ends_at > start) for start, end in spans)
    )
    query = sa.select(VisitSlot).where(
        VisitSlot.site_id == site_id, VisitSlot.cancelled_at.is_(None), overlaps
    )
    if exclude_id is not None:
        query = query.where(VisitSlot.id != exclude_id)
    return list(db.session.scalars(query.order_by(VisitSlot.starts_at)))


def _lock_site(site: LabSite) -> None:
    """Serialise publishing at one site on PostgreSQL (SQLite writers are serial anyway)."""
    db.session.execute(sa.select(LabSite.id).where(LabSite.id == site.id).with_for_update())


def publish_slots(
    actor: User, site: LabSite, plan: SlotPlan, *, now: datetime, zone: ZoneInfo | None = None
) -> tuple[list[VisitSlot], list[date]]:
    """Publish one slot, or one a week for ``plan.weeks`` weeks; return them and the days
    skipped. Nothing is published when any of them would overlap another slot at the site."""
    zone = zone or platform_zone()
    if not site.is_active:
        raise ValidationFailed(_l("This site takes no visits. Make it active first."))
    topic = _check_plan(site, plan, now=now, zone=zone)
    spans, skipped = occurrences(plan, zone)
    if not spans:
        raise ValidationFailed(
            _l("Every date is skipped, so there is nothing to publish. Remove a date to skip."),
            field="skip_days",
        )
    _lock_site(site)
    clashes = overlapping_slots(site.id, spans)
    if clashes:
        raise RulesBroken(
            [
                Problem(
                    _l(
                        "Overlaps the slot on %(when)s at this site. Change the time, or add "
                        "%(day)s to the dates to skip.",
                        when=show_span(other.starts_at, other.ends_at),
                        day=show_day(other.starts_at.astimezone(zone).date()),
                    ),
                    "first_day",
                )
                for other in clashes
            ]
        )
    series_key = uuid.uuid4().hex if len(spans) > 1 else None
    created = []
    for starts_at, ends_at in spans:
        slot = VisitSlot(
            site=site,
            starts_at=starts_at,
            ends_at=ends_at,
            capacity=plan.capacity,
            persons_booked=0,
            topic=topic,
            host_contact=plan.host_contact,
            series_key=series_key,
            created_at=now,
        )
        db.session.add(slot)
        created.append(slot)
    db.session.flush()
    for slot in created:
        record_event(
            actor,
            "visit_slot.publish",
            slot,
            now=now,
            label=f"{site.name}: {topic}",
            after=snapshot(slot, ("starts_at", "ends_at", "capacity", "topic")),
        )
    log.info("user %s published %d slot(s) at site %s", actor.id, len(created), site.id)
    return created, skipped


def update_slot(
    actor: User,
    slot: VisitSlot,
    *,
    topic: str,
    capacity: int | None,
    host_contact: User | None,
    now: datetime,
) -> VisitSlot:
    """Change a slot's topic, capacity or contact; its time stays (move the visits instead)."""
    require_single_line(topic=topic)
    lock(slot)
    if slot.is_cancelled:
        raise ValidationFailed(_l("This slot is cancelled and cannot be changed."))
    before = snapshot(slot, ("topic", "capacity", "host_contact_id"))
    topic = clean_text(
        topic, limit=TOPIC_MAX, field="topic", required=_l("Say what the visit is about.")
    )
    if capacity is None or capacity < 1:
        raise ValidationFailed(
            _l("A slot needs room for at least one person. Give the capacity in persons."),
            field="capacity",
        )
    if capacity > slot.site.capacity:
        raise ValidationFailed(
            _l(
                "%(site)s holds %(max)d people, so a slot cannot take more.",
                site=slot.site.name,
                max=slot.site.capacity,
            ),
            field="capacity",
        )
    if host_contact is not None and (
        host_contact.organization_id != slot.site.organization_id
        or not host_contact.has_role(Role.HOST)
    ):
        raise ValidationFailed(
            _l("The host contact must be a host at %(org)s.", org=slot.site.organization.name),
            field="host_contact_id",
        )
    if (topic, capacity, host_contact) == (slot.topic, slot.capacity, slot.host_contact):
        raise AlreadyDone(_l("The slot already reads like this."))
    if capacity != slot.capacity and not places.set_capacity(slot, capacity):
        raise ValidationFailed(
            _l(
                "%(booked)d persons are already booked on this slot, so the capacity cannot be "
                "lower than that.",
                booked=slot.persons_booked,
            ),
            field="capacity",
        )
    slot.topic = topic
    slot.host_contact = host_contact
    db.session.flush()
    record_event(
        actor,
        "visit_slot.save",
        slot,
        now=now,
        label=f"{slot.site.name}: {topic}",
        before=before,
        after=snapshot(slot, ("topic", "capacity", "host_contact_id")),
    )
    return slot


# Finding slots -------------------------------------------------------------------------------


@dataclass
class SlotFilter:
    start_on: date | None = None
    end_on: date | None = None
    topic: str = ""
    organization_id: int | None = None
    min_free: int | None = None
    site_id: int | None = None


def slots_query(criteria: SlotFilter, *, now: datetime, zone: ZoneInfo | None = None) -> sa.Select:
    """Open slots from now (or the start day) on, soonest first, site and host loaded."""
    query = (
        sa.select(VisitSlot)
        .join(VisitSlot.site)
        .join(LabSite.organization)
        .options(
            contains_eager(VisitSlot.site).contains_eager(LabSite.organization),
            joinedload(VisitSlot.host_contact),
        )
    )
    return open_slots(query, criteria, now=now, zone=zone).order_by(
        VisitSlot.starts_at, VisitSlot.id
    )


def open_slots(
    query: sa.Select, criteria: SlotFilter, *, now: datetime, zone: ZoneInfo | None = None
) -> sa.Select:
    """Limit a select that joins slots to their site to the open slots matching the criteria:
    not cancelled, at an active site, from now (or the start day) on."""
    zone = zone or platform_zone()
    start = now
    if criteria.start_on is not None:
        start = max(now, at_local(criteria.start_on, time(0), zone))
    query = query.where(
        VisitSlot.cancelled_at.is_(None),
        LabSite.is_active.is_(True),
        VisitSlot.starts_at >= start,
    )
    if criteria.end_on is not None:
        query = query.where(
            VisitSlot.starts_at < at_local(criteria.end_on + timedelta(days=1), time(0), zone)
        )
    if criteria.topic:
        pattern = "%" + criteria.topic.lower().replace("%", "").replace("_", "") + "%"
        query = query.where(
            sa.or_(
                sa.func.lower(VisitSlot.topic).like(pattern),
                sa.func.lower(LabSite.name).like(pattern),
            )
        )
    if criteria.organization_id is not None:
        query = query.where(LabSite.organization_id == criteria.organization_id)
    if criteria.site_id is not None:
        query = query.where(VisitSlot.site_id == criteria.site_id)
    if criteria.min_free is not None:
        query = query.where(VisitSlot.capacity - VisitSlot.persons_booked >= criteria.min_free)
    return query


def host_organizations() -> list[tuple[int, str]]:
    """(id, name) of the organisations that have an active site, by name."""
    query = (
        sa.select(Organization.id, Organization.name)
        .where(
            Organization.id.in_(
                sa.select(LabSite.organization_id).where(LabSite.is_active.is_(True))
            )
        )
        .order_by(sa.func.lower(Organization.name))
    )
    # Rows are (id, name) tuples already: reading them by name cost as much as the query.
    return db.session.execute(query).all()


def host_contacts(organization_id: int) -> list[User]:
    """Active hosts at an organisation, by name."""
    query = (
        sa.select(User)
        .join(RoleAssignment)
        .where(
            RoleAssignment.role == Role.HOST,
            User.organization_id == organization_id,
            User.is_active.is_(True),
        )
        .order_by(sa.func.lower(User.name), User.id)
    )
    return list(db.session.scalars(query))
