"""Mentoring, planned before written: two programmes, the mentors with their vetting and
places, and who is paired with whom, when and in which state (talent.generate.pairings
writes the pairings)."""

from __future__ import annotations

from datetime import date, timedelta

from talent.generate.base import Context
from talent.mentoring.models import (
    OPEN_STATES,
    MenteeKind,
    MentoringProgramme,
    MentorProfile,
    PairingState,
)

P = PairingState
EXPERTISE = ("immunology", "oncology", "clinical trials", "bioinformatics", "start-ups", "ip")
GOALS = ("Choose a study programme", "Visit a research lab", "Write a project plan")
PAST = [P.COMPLETED] * 15 + [P.ENDED_EARLY] * 3 + [P.DECLINED, P.LAPSED]
CURRENT = [P.ACTIVE] * 14 + [P.PAUSED] * 2 + [P.PROPOSED] * 2 + [P.ENDED_EARLY, P.DECLINED]


def make_programmes(ctx: Context) -> dict[MenteeKind, int]:
    lead = ctx.ids["coordinators"][0]
    made = {}
    for kind, name in ((MenteeKind.PUPIL, "pupils"), (MenteeKind.RESEARCHER, "researchers")):
        made[kind] = ctx.add(
            MentoringProgramme,
            name=f"Mentoring for {name}",
            description="Mentors from the cluster's members meet their mentee every few weeks.",
            safeguarding_lead_id=lead,
            pupil_cadence_days=21,
            researcher_cadence_days=30,
            proposal_days=5,
            is_active=True,
            created_at=ctx.at(date(ctx.years[0], 8, 1), 9),
        )
    return made


def plan_pairings(ctx: Context) -> list[dict]:
    """Who is paired with whom, when and in which state, before anything is written."""
    rng, sizes = ctx.rng, ctx.sizes
    anchors = ctx.anchors
    researchers = [r for r in ctx.ids["researchers"] if r != anchors.researcher]
    rng.shuffle(researchers)
    plans = []
    if anchors.mentor:
        day = ctx.today
        if ctx.facts.get("anchor_pupil"):
            start = day - timedelta(days=70)
            plans.append(
                dict(
                    kind=MenteeKind.PUPIL,
                    pupil=ctx.facts["anchor_pupil"],
                    state=P.ACTIVE,
                    starts=start,
                    year=ctx.current_year,
                    mentor=anchors.mentor,
                    unconfirmed=True,
                    overdue=False,
                )
            )
        plans.append(
            dict(
                kind=MenteeKind.RESEARCHER,
                user=researchers.pop(),
                state=P.ACTIVE,
                starts=day - timedelta(days=120),
                year=ctx.current_year,
                mentor=anchors.mentor,
                unconfirmed=False,
                overdue=True,
            )
        )
        plans.append(
            dict(
                kind=MenteeKind.RESEARCHER,
                user=researchers.pop(),
                state=P.PROPOSED,
                starts=day + timedelta(days=10),
                year=ctx.current_year,
                mentor=anchors.mentor,
                unconfirmed=False,
                overdue=False,
            )
        )
    taken = {plan.get("pupil") for plan in plans}
    per_year = max(1, round(sizes.pairings / len(ctx.years)))
    for year in ctx.years:
        pupils = [
            p
            for (_s, y), made in ctx.facts["classes"].items()
            if y == year
            for _c, group, grade in made
            if grade >= 2
            for p in group
        ]
        pupils = [p for p in rng.sample(pupils, min(len(pupils), per_year)) if p not in taken]
        for index in range(per_year):
            states = CURRENT if year == ctx.current_year else PAST
            state = rng.choice(states)
            starts = ctx.day_in(year, before=date(year + 1, 1, 31))
            if state is P.PROPOSED:
                starts = ctx.today + timedelta(days=rng.randint(5, 20))
            elif year == ctx.current_year:
                starts = min(starts, ctx.today - timedelta(days=rng.randint(20, 60)))
            plan = dict(
                state=state,
                starts=starts,
                year=year,
                mentor=None,
                unconfirmed=False,
                overdue=state is P.ACTIVE and rng.random() < 0.15,
            )
            if index % 10 < 7 and pupils:
                plan.update(kind=MenteeKind.PUPIL, pupil=pupils.pop())
            elif researchers:
                plan.update(kind=MenteeKind.RESEARCHER, user=researchers.pop())
            else:
                continue
            plan["unconfirmed"] = state is P.ACTIVE and rng.random() < 0.3
            plans.append(plan)
    return plans


def assign_mentors(ctx: Context, plans: list[dict]) -> dict[int, int]:
    """Give every plan a mentor; open pairings only to mentors with a free place."""
    rng = ctx.rng
    capacity = {m: rng.choice((2, 3, 3, 4)) for m in ctx.ids["mentors"]}
    if ctx.anchors.mentor:
        capacity[ctx.anchors.mentor] = 5
    load = dict.fromkeys(capacity, 0)
    mentors = list(capacity)
    # Pupils are mostly minors: only fully vetted mentors meet them.
    vetted = {m for m in mentors if m == ctx.anchors.mentor or rng.random() < 0.95}
    for plan in plans:
        if plan["mentor"] is None:
            for _ in range(50):
                candidate = rng.choice(mentors)
                if plan["kind"] is MenteeKind.PUPIL and candidate not in vetted:
                    continue
                if plan["state"] not in OPEN_STATES or load[candidate] < capacity[candidate]:
                    break
            else:
                candidate = min(vetted, key=lambda m: load[m] - capacity[m])
                plan["state"] = (
                    P.COMPLETED if load[candidate] >= capacity[candidate] else plan["state"]
                )
            plan["mentor"] = candidate
        load[plan["mentor"]] += plan["state"] in OPEN_STATES
    profiles = {}
    for mentor in mentors:
        issued = ctx.today - timedelta(days=rng.randint(30, 900))
        is_vetted = mentor in vetted
        expires = issued + timedelta(days=3 * 365)
        if expires <= ctx.today:
            expires = ctx.today + timedelta(days=rng.randint(10, 200))
        profiles[mentor] = ctx.add(
            MentorProfile,
            user_id=mentor,
            organization_id=ctx.facts["user_org"].get(mentor),
            expertise=rng.sample(EXPERTISE, 2),
            languages=["nb", "en"],
            capacity=capacity[mentor],
            open_pairings=load[mentor],
            availability="Weekday afternoons",
            bio="Works with translational cancer research.",
            is_accepting=True,
            police_certificate_on=issued if is_vetted else None,
            police_certificate_expires_on=expires if is_vetted else None,
            safeguarding_training_on=issued if is_vetted else None,
            code_of_conduct_accepted_on=issued if is_vetted else None,
            vetting_recorded_at=ctx.at(issued, 12) if is_vetted else None,
            vetting_recorded_by_id=ctx.ids["coordinators"][0] if is_vetted else None,
            expiry_warned_for=None,
            created_at=ctx.at(issued, 12),
        )
    return profiles
