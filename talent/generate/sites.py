"""Lab sites of the host members, the slots they publish and teachers' visit requests."""

from __future__ import annotations

from datetime import timedelta

from talent.generate.base import Context
from talent.visits.models import LabSite, RequestState, VisitRequest, VisitSlot

SITES = ("Cell biology lab", "Imaging lab", "Immunology lab", "Pathology lab", "Clean room")
TOPICS = (
    "How a cancer vaccine is made",
    "From biopsy to diagnosis",
    "Radiation therapy up close",
    "Working in a clean room",
    "Antibodies at work",
    "A day as a lab engineer",
    "Clinical trials explained",
)


def add_sites(ctx: Context) -> None:
    rng = ctx.rng
    sites = []
    ctx.facts["site_names"], ctx.facts["site_rules"] = {}, {}
    for index, organization in enumerate(ctx.ids["host_organizations"]):
        for number in range(1 + (index % 3 == 0)):
            capacity = rng.choice((30, 35, 40, 50, 60))
            minimum_age, pupils_per_adult = rng.choice((0, 15, 16)), rng.choice((10, 12, 15))
            site = ctx.add(
                LabSite,
                organization_id=organization,
                name=SITES[(index + number) % len(SITES)],
                address=f"Gate {rng.randint(1, 80)}, {ctx.facts['org_names'][organization]}",
                capacity=capacity,
                minimum_age=minimum_age,
                pupils_per_adult=pupils_per_adult,
                safety_rules="Lab coats and goggles are handed out at the door.",
                photo_rules="No photos inside the lab.",
                accessibility="Step-free entrance, lift to every floor.",
                is_active=True,
                created_at=ctx.now,
            )
            sites.append((site, organization, capacity))
            ctx.facts["site_names"][site] = SITES[(index + number) % len(SITES)]
            ctx.facts["site_rules"][site] = (minimum_age, pupils_per_adult)
    ctx.facts["sites"] = sites


def add_slot(ctx: Context, site, organization, capacity, starts, booked=0, topic=None) -> int:
    host = ctx.facts["hosts"][organization][0]
    return ctx.add(
        VisitSlot,
        site_id=site,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        capacity=capacity,
        persons_booked=booked,
        topic=topic or ctx.rng.choice(TOPICS),
        host_contact_id=host,
        series_key=None,
        cancelled_at=None,
        created_at=ctx.moment_before(starts, days=40),
    )


def add_request(ctx: Context, school, class_id, pupils, year, earliest=None) -> None:
    rng = ctx.rng
    earliest = earliest or ctx.day_in(year)
    future = earliest > ctx.today
    state = (
        RequestState.OPEN if future else rng.choice((RequestState.BOOKED, RequestState.WITHDRAWN))
    )
    ctx.add(
        VisitRequest,
        school_id=school,
        school_class_id=class_id,
        teacher_id=rng.choice(ctx.facts["teachers"][school]),
        topic=rng.choice(TOPICS),
        pupils_count=max(1, len(pupils) - rng.randint(0, 4)),
        adults_count=2,
        earliest_on=earliest,
        latest_on=earliest + timedelta(days=rng.randint(7, 30)),
        notes="Any weekday works for us.",
        state=state,
        created_at=ctx.moment_before(ctx.at(earliest, 9), days=30),
    )
