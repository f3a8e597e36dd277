"""Lab sites, their slots, class visits with participants, checklists, attendance and
feedback, and teachers' visit requests.

The visits keep the rules booking and confirming enforce: a class is in one place at a time,
listed pupils are old enough for the site, the adults match the site's ratio, and a visit the
host confirmed lists no pupil under 18 without a lab-visit consent (the teacher took them off
the list). Pupils without consent are on visits still awaiting the host, where the teacher
chases the consents.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from talent.clock import local_date
from talent.consents.services import AGE_OF_CONSENT
from talent.generate.base import Context
from talent.generate.sites import TOPICS, add_request, add_sites, add_slot
from talent.schools.services import age_on
from talent.visits.models import (
    HOLDING_STATES,
    ChecklistItem,
    ChecklistKind,
    LabVisit,
    VisitFeedback,
    VisitParticipant,
    VisitState,
)
from talent.visits.services.rules import adults_needed

PAST_STATES = [VisitState.COMPLETED] * 78 + [VisitState.NO_SHOW] * 6
PAST_STATES += [VisitState.CANCELLED] * 10 + [VisitState.DECLINED] * 6
FUTURE_STATES = [VisitState.CONFIRMED] * 55 + [VisitState.REQUESTED] * 30
FUTURE_STATES += [VisitState.CANCELLED] * 15
#: States a visit reaches only through the host's confirmation, which needs the consents.
CONFIRMED_STATES = frozenset({VisitState.CONFIRMED, VisitState.COMPLETED, VisitState.NO_SHOW})
#: States recording attendance leads to.
ATTENDED_STATES = frozenset({VisitState.COMPLETED, VisitState.NO_SHOW})
SLOT_LENGTH = timedelta(hours=2, minutes=30)


def _consent_in_force(ctx: Context, pupil: int, moment: datetime) -> bool:
    consents = ctx.facts["lab_consents"]
    if pupil not in consents:
        return False
    withdrawn_at = consents[pupil]
    return withdrawn_at is None or withdrawn_at > moment


def _may_go(ctx: Context, pupils, site, starts, state) -> list[int]:
    """The pupils a teacher can list: old enough for the site on the day and, once the host
    has confirmed, of age or with a lab-visit consent in force."""
    day = local_date(starts)
    minimum_age = ctx.facts["site_rules"][site][0]
    births = ctx.facts["births"]
    needs_consent = state in CONFIRMED_STATES
    listed = []
    for pupil in pupils:
        age = age_on(births[pupil], day)
        if age < minimum_age:
            continue
        if needs_consent and age < AGE_OF_CONSENT and not _consent_in_force(ctx, pupil, starts):
            continue
        listed.append(pupil)
    return listed


def _lacks_consent(ctx: Context, going, starts) -> bool:
    day = local_date(starts)
    births = ctx.facts["births"]
    return any(
        age_on(births[pupil], day) < AGE_OF_CONSENT and not _consent_in_force(ctx, pupil, starts)
        for pupil in going
    )


def free_start(ctx: Context, class_id: int, day) -> datetime | None:
    """A morning or midday start on the day at which the class is not on another visit."""
    hours = (9, 12) if ctx.rng.random() < 0.5 else (12, 9)
    taken = ctx.facts["class_visits"].get(class_id, ())
    for hour in hours:
        starts = ctx.at(day, hour)
        if all(abs(starts - other) >= SLOT_LENGTH for other in taken):
            return starts
    return None


def weekday_from(day: date) -> date:
    """The day, or the Monday after it if it falls on a weekend: labs take classes on weekdays."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_visit(
    ctx: Context, school, class_id, pupils, site_info, starts, state, *, include=()
) -> int | None:
    """Add a slot with one class visit on it, its participants, checklist and feedback; the
    pupils in ``include`` are listed if they may go. Nothing is added when no pupil may go."""
    rng = ctx.rng
    site, organization, capacity = site_info
    may_go = _may_go(ctx, pupils, site, starts, state)
    if not may_go:
        return None
    pupils_per_adult = ctx.facts["site_rules"][site][1]
    wanted = min(len(may_go), rng.randint(12, 30))
    while wanted + adults_needed(wanted, pupils_per_adult) > capacity:
        wanted -= 1
    first = [pupil for pupil in (ctx.facts.get("anchor_pupil"), *include) if pupil in may_go]
    going = (first + [p for p in rng.sample(may_go, wanted) if p not in first])[:wanted]
    adults = adults_needed(len(going), pupils_per_adult)
    ctx.facts["class_visits"].setdefault(class_id, []).append(starts)
    persons = len(going) + adults
    booked_persons = persons if state in HOLDING_STATES else 0
    topic = rng.choice(TOPICS)
    slot = add_slot(ctx, site, organization, capacity, starts, booked_persons, topic)
    teacher = rng.choice(ctx.facts["teachers"][school])
    if ctx.anchors.teacher in ctx.facts["teachers"][school] and class_id == ctx.facts.get(
        "anchor_class"
    ):
        teacher = ctx.anchors.teacher
    host = ctx.facts["hosts"][organization][0]
    booked = ctx.moment_before(starts, days=30)
    decided = state not in (VisitState.REQUESTED, VisitState.CANCELLED)
    past = starts < ctx.now
    visit = ctx.add(
        LabVisit,
        slot_id=slot,
        school_id=school,
        school_class_id=class_id,
        teacher_id=teacher,
        booked_by_id=teacher,
        request_id=None,
        pupils_count=len(going),
        adults_count=adults,
        state=state,
        notes="",
        reason={VisitState.DECLINED: "The lab is closed for maintenance that week."}.get(
            state, "Exam moved to that day." if state is VisitState.CANCELLED else ""
        ),
        decided_by_id=host if decided else None,
        decided_at=booked + timedelta(days=1) if decided else None,
        cancelled_by_id=teacher if state is VisitState.CANCELLED else None,
        cancelled_at=booked + timedelta(days=3) if state is VisitState.CANCELLED else None,
        # A visit nobody came to is a no-show: recorded with no pupil present and no adult.
        adults_attended={VisitState.COMPLETED: adults, VisitState.NO_SHOW: 0}.get(state),
        attendance_recorded_at=starts + timedelta(hours=3) if state in ATTENDED_STATES else None,
        created_at=booked,
        updated_at=booked,
    )
    names = ctx.facts["names"]
    details = {
        "class_name": ctx.facts["class_names"][class_id],
        "school": ctx.facts["org_names"][school],
        "site": ctx.facts["site_names"][site],
        "host_org": ctx.facts["org_names"][organization],
        "address": ctx.facts["org_names"][organization],
        "topic": topic,
        "teacher": names[teacher],
        "host": names[host],
        "pupils": len(going),
        "adults": adults,
    }
    ctx.facts["visit_rows"].append((visit, state, starts, teacher, host, details))
    if state in (VisitState.CANCELLED, VisitState.DECLINED):
        return visit
    for pupil in going:
        came = None
        if state is VisitState.COMPLETED:
            came = rng.random() < 0.9
        elif state is VisitState.NO_SHOW:
            came = False
        ctx.add(VisitParticipant.__table__, visit_id=visit, student_id=pupil, attended=came)
        if came and rng.random() < 0.3:
            ctx.add(
                VisitFeedback,
                visit_id=visit,
                student_id=pupil,
                user_id=None,
                rating=rng.choice((3, 4, 4, 5, 5, 5)),
                comment="",
                created_at=starts + timedelta(days=1),
            )
    # "Consents complete" cannot be ticked while a listed pupil lacks one.
    consents_missing = not past and _lacks_consent(ctx, going, starts)
    for kind in ChecklistKind:
        done = past or rng.random() < 0.5
        if consents_missing and kind is ChecklistKind.CONSENTS:
            done = False
        ctx.add(
            ChecklistItem,
            visit_id=visit,
            kind=kind,
            due_on=(starts - timedelta(days=7)).date(),
            done_at=min(booked + timedelta(days=2), ctx.now) if done else None,
            done_by_id=teacher if done else None,
        )
    if state is VisitState.COMPLETED and rng.random() < 0.8:
        ctx.add(
            VisitFeedback,
            visit_id=visit,
            student_id=None,
            user_id=teacher,
            rating=rng.choice((3, 4, 4, 5, 5)),
            comment="The pupils talked about it for days.",
            created_at=starts + timedelta(days=1),
        )
    return visit


def _featured(ctx: Context) -> None:
    """The demo teacher's and host's visits: the demo class's soon, awaiting the host and with
    consents to chase; another class's confirmed; another school's awaiting the host."""
    anchors = ctx.anchors
    if not (anchors.teacher and anchors.host and ctx.facts.get("anchor_class")):
        return
    school = ctx.ids["schools"][0]
    year = ctx.current_year
    classes = ctx.facts["classes"][(school, year)]
    by_id = {class_id: pupils for class_id, pupils, _grade in classes}
    anchor_class = ctx.facts["anchor_class"]
    site = next(s for s in ctx.facts["sites"] if s[1] == ctx.ids["host_organizations"][0])
    soon = ctx.at(weekday_from(ctx.today + timedelta(days=9)), 9)
    add_visit(
        ctx,
        school,
        anchor_class,
        by_id[anchor_class],
        site,
        soon,
        VisitState.REQUESTED,
        include=ctx.facts["consent_gaps"],
    )
    other = next((c for c in by_id if c != anchor_class), anchor_class)
    later = ctx.at(weekday_from(ctx.today + timedelta(days=20)), 12, 30)
    add_visit(ctx, school, other, by_id[other], site, later, VisitState.CONFIRMED)
    others = [s for s in ctx.ids["schools"][1:] if (s, year) in ctx.facts["classes"]]
    if others:
        class_id, pupils, _grade = ctx.facts["classes"][(others[0], year)][0]
        starts = ctx.at(weekday_from(ctx.today + timedelta(days=13)), 9)
        add_visit(ctx, others[0], class_id, pupils, site, starts, VisitState.REQUESTED)
    ahead = ctx.today + timedelta(days=30)
    add_request(ctx, school, anchor_class, by_id[anchor_class], year, earliest=ahead)


def generate_visits(ctx: Context):
    """Sites first; then each year's visits, spread over the schools taking part that year."""
    rng = ctx.rng
    ctx.facts["visit_rows"], ctx.facts["class_visits"] = [], {}
    add_sites(ctx)
    _featured(ctx)
    school_years = [key for key in ctx.facts["classes"]]
    per_school_year = ctx.sizes.visits / len(school_years)
    for year in ctx.years:
        for school, class_year in school_years:
            if class_year != year:
                continue
            classes = ctx.facts["classes"][(school, year)]
            count = int(per_school_year) + (rng.random() < per_school_year % 1)
            for _ in range(count):
                class_id, pupils, _grade = rng.choice(classes)
                starts = free_start(ctx, class_id, ctx.day_in(year))
                if starts is None:
                    continue
                states = PAST_STATES if starts < ctx.now else FUTURE_STATES
                site = rng.choice(ctx.facts["sites"])
                add_visit(ctx, school, class_id, pupils, site, starts, rng.choice(states))
            # Now and then no published slot fits and the teacher asks instead.
            for _ in range(count // 8 + (rng.random() < 0.4)):
                class_id, pupils, _grade = rng.choice(classes)
                add_request(ctx, school, class_id, pupils, year)
        yield 1
    # Free slots ahead, so the calendar has room to book.
    for site, organization, capacity in ctx.facts["sites"]:
        for _ in range(3):
            day = weekday_from(ctx.today + timedelta(days=rng.randint(3, 60)))
            add_slot(ctx, site, organization, capacity, ctx.at(day, rng.choice((9, 12))))
    yield 1


def visits_steps(ctx: Context) -> int:
    return len(ctx.years) + 1
