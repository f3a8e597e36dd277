"""Lab sites, their slots, class visits with participants, checklists, attendance and
feedback, and teachers' visit requests."""

from __future__ import annotations

import math
from datetime import timedelta

from talent.generate.base import Context
from talent.generate.sites import TOPICS, add_request, add_sites, add_slot
from talent.visits.models import (
    HOLDING_STATES,
    ChecklistItem,
    ChecklistKind,
    LabVisit,
    VisitFeedback,
    VisitParticipant,
    VisitState,
)

PAST_STATES = [VisitState.COMPLETED] * 78 + [VisitState.NO_SHOW] * 6
PAST_STATES += [VisitState.CANCELLED] * 10 + [VisitState.DECLINED] * 6
FUTURE_STATES = [VisitState.CONFIRMED] * 55 + [VisitState.REQUESTED] * 30
FUTURE_STATES += [VisitState.CANCELLED] * 15


def add_visit(
    ctx: Context, school, class_id, pupils, site_info, starts, state, *, consent_gap=False
) -> int:
    """Add a slot with one class visit on it, its participants, checklist and feedback."""
    rng = ctx.rng
    site, organization, capacity = site_info
    adults = max(1, math.ceil(len(pupils) / 12))
    going = rng.sample(pupils, min(len(pupils), capacity - adults, rng.randint(12, 30)))
    if ctx.facts.get("anchor_pupil") in pupils and ctx.facts["anchor_pupil"] not in going:
        going[0] = ctx.facts["anchor_pupil"]
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
        adults_attended=adults if state is VisitState.COMPLETED else None,
        attendance_recorded_at=starts + timedelta(hours=3) if past and decided else None,
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
    for kind in ChecklistKind:
        done = past or rng.random() < 0.5
        if consent_gap and kind is ChecklistKind.CONSENTS:
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
    """The demo teacher's and host's visits: one confirmed soon, others awaiting the host."""
    anchors = ctx.anchors
    if not (anchors.teacher and anchors.host and ctx.facts.get("anchor_class")):
        return
    school = ctx.ids["schools"][0]
    year = ctx.current_year
    classes = ctx.facts["classes"][(school, year)]
    by_id = {class_id: pupils for class_id, pupils, _grade in classes}
    anchor_class = ctx.facts["anchor_class"]
    site = next(s for s in ctx.facts["sites"] if s[1] == ctx.ids["host_organizations"][0])
    soon = ctx.at(ctx.today + timedelta(days=9), 9)
    add_visit(
        ctx,
        school,
        anchor_class,
        by_id[anchor_class],
        site,
        soon,
        VisitState.CONFIRMED,
        consent_gap=True,
    )
    other = next((c for c in by_id if c != anchor_class), anchor_class)
    later = ctx.at(ctx.today + timedelta(days=20), 12, 30)
    add_visit(ctx, school, other, by_id[other], site, later, VisitState.REQUESTED)
    others = [s for s in ctx.ids["schools"][1:] if (s, year) in ctx.facts["classes"]]
    if others:
        class_id, pupils, _grade = ctx.facts["classes"][(others[0], year)][0]
        starts = ctx.at(ctx.today + timedelta(days=13), 9)
        add_visit(ctx, others[0], class_id, pupils, site, starts, VisitState.REQUESTED)
    ahead = ctx.today + timedelta(days=30)
    add_request(ctx, school, anchor_class, by_id[anchor_class], year, earliest=ahead)


def generate_visits(ctx: Context):
    """Sites first; then each year's visits, spread over the schools taking part that year."""
    rng = ctx.rng
    ctx.facts["visit_rows"] = []
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
                day = ctx.day_in(year)
                starts = ctx.at(day, rng.choice((9, 12)))
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
            day = ctx.today + timedelta(days=rng.randint(3, 60))
            while day.weekday() >= 5:
                day += timedelta(days=1)
            add_slot(ctx, site, organization, capacity, ctx.at(day, rng.choice((9, 12))))
    yield 1


def visits_steps(ctx: Context) -> int:
    return len(ctx.years) + 1
