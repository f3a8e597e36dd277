"""Guest lectures, work placements and projects of each school with member organisations."""

from __future__ import annotations

from datetime import timedelta

from talent.activities.models import Activity, ActivityKind, ActivityParticipant
from talent.generate.base import Context

TITLES = {
    ActivityKind.GUEST_LECTURE: ("What is immunotherapy?", "Life as a cancer researcher"),
    ActivityKind.WORK_PLACEMENT: ("Placement in the lab", "A week at the hospital"),
    ActivityKind.SCIENCE_PROJECT: ("Measuring cell growth", "DNA from strawberries"),
    ActivityKind.MEDIA_PROJECT: ("A podcast about clinical trials", "Film: a day in the lab"),
    ActivityKind.ENTREPRENEURSHIP_PROJECT: ("A start-up for home tests", "Pitch: better pills"),
}
KINDS = [ActivityKind.GUEST_LECTURE] * 5 + [ActivityKind.WORK_PLACEMENT] * 2
KINDS += [ActivityKind.SCIENCE_PROJECT, ActivityKind.MEDIA_PROJECT]
KINDS += [ActivityKind.ENTREPRENEURSHIP_PROJECT]


def _activity(ctx: Context, school: int, year: int, classes) -> None:
    rng = ctx.rng
    kind = rng.choice(KINDS)
    starts = ctx.day_in(year)
    class_id, pupils, _grade = rng.choice(classes)
    if kind is ActivityKind.GUEST_LECTURE:
        ends, hours, taking_part = starts, 1.5, pupils
    elif kind is ActivityKind.WORK_PLACEMENT:
        ends, hours = starts + timedelta(days=4), 30.0
        taking_part = rng.sample(pupils, min(len(pupils), rng.randint(1, 3)))
    else:
        ends, hours = starts + timedelta(weeks=rng.randint(3, 10)), float(rng.randint(10, 40))
        taking_part = rng.sample(pupils, min(len(pupils), rng.randint(3, 8)))
    partner = rng.choice(ctx.ids["host_organizations"] + ctx.ids["partners"])
    teacher = rng.choice(ctx.facts["teachers"][school])
    created = ctx.moment_before(ctx.at(starts, 8), days=20)
    activity = ctx.add(
        Activity,
        kind=kind,
        title=rng.choice(TITLES[kind]),
        school_id=school,
        partner_id=partner,
        contact_name=ctx.name(),
        starts_on=starts,
        ends_on=ends,
        hours=hours,
        report="The pupils asked good questions and want to come back." if ends < ctx.today else "",
        created_by_id=teacher,
        created_at=created,
        updated_at=created,
    )
    for pupil in taking_part:
        ctx.add(ActivityParticipant.__table__, activity_id=activity, student_id=pupil)


def generate_activities(ctx: Context):
    """Each year's activities, spread over the schools taking part that year."""
    rng = ctx.rng
    school_years = list(ctx.facts["classes"])
    per_school_year = ctx.sizes.activities / len(school_years)
    for year in ctx.years:
        for school, class_year in school_years:
            if class_year != year:
                continue
            count = int(per_school_year) + (rng.random() < per_school_year % 1)
            for _ in range(count):
                _activity(ctx, school, year, ctx.facts["classes"][(school, year)])
        yield 1


def activities_steps(ctx: Context) -> int:
    return len(ctx.years)
