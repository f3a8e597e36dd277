"""Recording guest lectures, work placements and projects, and finding them again."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from talent.activities.models import (
    MAX_HOURS,
    REPORT_MAX,
    TITLE_MAX,
    Activity,
    ActivityKind,
    ActivityParticipant,
)
from talent.audit.services import record_event, snapshot
from talent.auth import policy
from talent.errors import AlreadyDone, ValidationFailed
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind, User
from talent.schools.models import Student
from talent.text import require_single_line

log = logging.getLogger(__name__)

FIELDS = ("kind", "title", "partner_id", "contact_name", "starts_on", "ends_on", "hours", "report")
#: Dates further from today than this are typing errors.
MAX_YEARS = 5


def _clean(value: str | None, *, limit: int, field: str, required=None) -> str:
    text = (value or "").strip()
    if required is not None and not text:
        raise ValidationFailed(required, field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=limit), field=field)
    return text


def load_pupils(school: Organization, student_ids: Iterable[int]) -> list[Student]:
    """The chosen pupils of the school, or raise if any id is not one of them."""
    ids = set(student_ids)
    if not ids:
        return []
    pupils = list(
        db.session.scalars(
            sa.select(Student).where(Student.id.in_(ids), Student.school_id == school.id)
        )
    )
    if len(pupils) != len(ids):
        raise ValidationFailed(
            _l(
                "Some chosen pupils are not at %(school)s. Reload the page and tick again.",
                school=school.name,
            ),
            field="pupils",
        )
    return pupils


def _check_dates(starts_on: date | None, ends_on: date | None, today: date) -> None:
    if starts_on is None:
        raise ValidationFailed(_l("Give the first day."), field="starts_on")
    if ends_on is None:
        raise ValidationFailed(_l("Give the last day (the same day for one day)."), field="ends_on")
    if ends_on < starts_on:
        raise ValidationFailed(_l("The last day comes before the first."), field="ends_on")
    limit = timedelta(days=365 * MAX_YEARS)
    if abs(starts_on - today) > limit or abs(ends_on - today) > limit:
        raise ValidationFailed(
            _l("Give dates within %(years)d years of today.", years=MAX_YEARS), field="starts_on"
        )


def save_activity(
    actor: User,
    activity: Activity | None,
    *,
    kind: ActivityKind | None,
    title: str,
    school: Organization | None,
    partner: Organization | None,
    contact_name: str,
    starts_on: date | None,
    ends_on: date | None,
    hours: float | None,
    report: str,
    pupils: Sequence[Student],
    now: datetime,
) -> Activity:
    """Create or change an activity with its pupils; a placement has exactly one pupil."""
    require_single_line(title=title, contact_name=contact_name)
    if kind is None:
        raise ValidationFailed(_l("Choose what kind of activity it is."), field="kind")
    if activity is None and (school is None or school.kind is not OrganizationKind.SCHOOL):
        raise ValidationFailed(_l("Choose the school."), field="school_id")
    title = _clean(title, limit=TITLE_MAX, field="title", required=_l("Give the activity a title."))
    if partner is None or partner.kind is OrganizationKind.SCHOOL:
        raise ValidationFailed(
            _l("Choose the partner organisation (a company, hospital, university or partner)."),
            field="partner_id",
        )
    contact_name = _clean(
        contact_name,
        limit=200,
        field="contact_name",
        required=_l("Name the supervisor at the host organisation.")
        if kind is ActivityKind.WORK_PLACEMENT
        else None,
    )
    _check_dates(starts_on, ends_on, now.date())
    if hours is None or not 0 < hours <= MAX_HOURS:
        raise ValidationFailed(
            _l("Give the hours, more than 0 and at most %(max)d.", max=MAX_HOURS), field="hours"
        )
    report = _clean(report, limit=REPORT_MAX, field="report")
    if kind is ActivityKind.WORK_PLACEMENT and len(pupils) != 1:
        raise ValidationFailed(
            _l("A work placement is for one pupil: tick exactly one."), field="pupils"
        )
    if not pupils:
        raise ValidationFailed(_l("Tick the pupils who took part."), field="pupils")
    before = snapshot(activity, FIELDS) if activity is not None else None
    if activity is None:
        activity = Activity(school_id=school.id, created_by=actor, created_at=now)
        db.session.add(activity)
    activity.kind, activity.title, activity.partner = kind, title, partner
    activity.contact_name, activity.starts_on, activity.ends_on = contact_name, starts_on, ends_on
    activity.hours, activity.report, activity.updated_at = round(float(hours), 1), report, now
    wanted = {pupil.id: pupil for pupil in pupils}
    activity.participants = [p for p in activity.participants if p.student_id in wanted]
    present = {p.student_id for p in activity.participants}
    activity.participants.extend(
        ActivityParticipant(student=pupil) for pid, pupil in wanted.items() if pid not in present
    )
    db.session.flush()
    record_event(
        actor,
        "activity.save" if before else "activity.create",
        activity,
        now=now,
        label=title,
        before=before,
        after=snapshot(activity, FIELDS),
    )
    log.info("user %s saved activity %s", actor.id, activity.id)
    return activity


def delete_activity(actor: User, activity: Activity, *, now: datetime) -> None:
    """Delete an activity recorded by mistake; a second request finds it gone."""
    # lock() cannot re-read a row that is gone, so the row is locked by reading it again here.
    found = db.session.get(Activity, activity.id, with_for_update=True, populate_existing=True)
    if found is None:
        raise AlreadyDone(_l("This activity was already deleted."))
    record_event(
        actor,
        "activity.delete",
        activity,
        now=now,
        label=activity.title,
        before=snapshot(activity, FIELDS),
    )
    db.session.delete(activity)
    db.session.flush()


def activities_query(
    user: User, *, kind: ActivityKind | None = None, school_id: int | None = None
) -> sa.Select:
    """The activities a user may see, newest first, with school, partner and pupils loaded."""
    query = (
        sa.select(Activity)
        .options(
            joinedload(Activity.school),
            joinedload(Activity.partner),
            selectinload(Activity.participants),
        )
        .order_by(Activity.starts_on.desc(), Activity.id.desc())
    )
    query = query.where(policy.scope(user, "activities.read", Activity))
    if kind is not None:
        query = query.where(Activity.kind == kind)
    if school_id is not None:
        query = query.where(Activity.school_id == school_id)
    return query


def activity_page(activity_id: int) -> Activity | None:
    return db.session.scalar(
        sa.select(Activity)
        .where(Activity.id == activity_id)
        .options(
            joinedload(Activity.school),
            joinedload(Activity.partner),
            joinedload(Activity.created_by),
            selectinload(Activity.participants).joinedload(ActivityParticipant.student),
        )
    )


def hours_by_kind(activities: Iterable[Activity]) -> dict[ActivityKind, float]:
    """Pupil-hours per kind: each activity's hours times its number of pupils."""
    totals: dict[ActivityKind, float] = {}
    for activity in activities:
        totals[activity.kind] = totals.get(activity.kind, 0) + activity.hours * len(
            activity.participants
        )
    return totals
