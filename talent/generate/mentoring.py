"""Mentoring: two programmes, vetted mentors, pupil and researcher mentees, pairings with
goals, the session log (some sessions still unconfirmed), planned sessions and feedback."""

from __future__ import annotations

from datetime import date, timedelta

from talent.generate.base import EMAIL_DOMAIN, Context
from talent.mentoring.models import (
    OPEN_STATES,
    Concern,
    ConcernStatus,
    FeedbackSide,
    FeedbackStage,
    Goal,
    GoalStatus,
    MenteeKind,
    MenteeProfile,
    MentoringProgramme,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingFeedback,
    PairingState,
    PlannedSession,
    SessionMode,
)

P = PairingState
EXPERTISE = ("immunology", "oncology", "clinical trials", "bioinformatics", "start-ups", "ip")
GOALS = ("Choose a study programme", "Visit a research lab", "Write a project plan")
PAST = [P.COMPLETED] * 15 + [P.ENDED_EARLY] * 3 + [P.DECLINED, P.LAPSED]
CURRENT = [P.ACTIVE] * 14 + [P.PAUSED] * 2 + [P.PROPOSED] * 2 + [P.ENDED_EARLY, P.DECLINED]


def _programmes(ctx: Context) -> dict[MenteeKind, int]:
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


def _plan(ctx: Context) -> list[dict]:
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


def _assign_mentors(ctx: Context, plans: list[dict]) -> dict[int, int]:
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


def _session_days(ctx: Context, plan: dict, start: date, end: date, cadence: int) -> list:
    rng = ctx.rng
    held, day = [], start + timedelta(days=rng.randint(3, 10))
    # An overdue pairing went quiet more than two cycles ago.
    stop = end - timedelta(days=2 * cadence + 10) if plan["overdue"] else end
    while day <= stop:
        held.append(day)
        day += timedelta(days=cadence + rng.randint(-5, 5))
    return held


def _sessions(ctx: Context, pairing: int, plan: dict, held: list) -> None:
    rng = ctx.rng
    for number, when in enumerate(held, start=1):
        last = number == len(held)
        logged = ctx.at(when, 18)
        confirmed = not (last and plan["unconfirmed"]) and rng.random() < 0.95
        session = ctx.add(
            MentoringSession,
            pairing_id=pairing,
            held_on=when,
            duration_minutes=rng.choice((30, 45, 60, 60, 90)),
            mode=rng.choice(tuple(SessionMode)),
            topics="Study choices and what a day in research looks like.",
            next_steps="Read the article we talked about.",
            shared_note="",
            private_note="",
            logged_by_id=plan["mentor"],
            logged_at=logged,
            confirmed_at=min(logged + timedelta(days=2), ctx.now) if confirmed else None,
            disputed_at=None,
            dispute_comment="",
        )
        if not confirmed and last:
            plan["unconfirmed_session"] = session


def generate_mentoring(ctx: Context):
    """Programmes, profiles and pairings, then each pairing's goals and sessions."""
    rng = ctx.rng
    programmes = _programmes(ctx)
    plans = _plan(ctx)
    profiles = _assign_mentors(ctx, plans)
    yield 1
    ctx.facts["pairing_plans"] = plans
    coordinator = ctx.ids["coordinators"][0]
    for count, plan in enumerate(plans, start=1):
        kind, state = plan["kind"], plan["state"]
        pupil = kind is MenteeKind.PUPIL
        mentee = ctx.add(
            MenteeProfile,
            kind=kind,
            student_id=plan.get("pupil"),
            user_id=plan.get("user"),
            interests=rng.sample(EXPERTISE, 2),
            languages=["nb"],
            goals="Find out what studying medicine is like.",
            contact_email=f"mentee{plan.get('pupil')}@{EMAIL_DOMAIN}" if pupil else "",
            created_at=ctx.at(plan["starts"] - timedelta(days=14), 10),
        )
        cadence = 21 if pupil else 30
        start = plan["starts"]
        planned_end = start + timedelta(days=rng.choice((180, 240, 270)))
        proposed = ctx.at(start - timedelta(days=7), 10)
        if state is P.PROPOSED:
            proposed = ctx.now - timedelta(days=1)
        ended_on = None
        if state in (P.COMPLETED, P.ENDED_EARLY):
            ended_on = (
                min(planned_end, ctx.today) if state is P.COMPLETED else start + timedelta(days=90)
            )
        running = state in (P.ACTIVE, P.PAUSED, P.COMPLETED, P.ENDED_EARLY)
        pairing = ctx.writer.new_id(Pairing)
        held = _session_days(ctx, plan, start, ended_on or ctx.today, cadence) if running else []
        last = held[-1] if held else None
        plan.update(pairing=pairing, mentee=mentee, mentor_profile=profiles[plan["mentor"]])
        ctx.add(
            Pairing,
            id=pairing,
            programme_id=programmes[kind],
            mentor_id=profiles[plan["mentor"]],
            mentee_id=mentee,
            state=state,
            starts_on=start,
            planned_end_on=planned_end,
            cadence_days=cadence,
            proposed_at=proposed,
            proposed_by_id=coordinator,
            respond_by=proposed + timedelta(days=5),
            responded_at=None if state in (P.PROPOSED, P.LAPSED) else proposed + timedelta(days=2),
            decline_reason="No time this term." if state is P.DECLINED else "",
            ended_at=ctx.at(ended_on, 12) if ended_on else None,
            end_reason="The mentee moved away." if state is P.ENDED_EARLY else "",
            last_session_on=last,
            cadence_from=last or start,
            nudged_cycles=1 if plan["overdue"] else 0,
            escalated_at=None,
            closing_warned_at=None,
            mid_feedback_requested_at=None,
            end_feedback_requested_at=None,
            created_at=proposed,
        )
        _sessions(ctx, pairing, plan, held)
        if running:
            for title in rng.sample(GOALS, rng.randint(1, 3)):
                done = state is P.COMPLETED or rng.random() < 0.2
                ctx.add(
                    Goal,
                    pairing_id=pairing,
                    title=title,
                    status=GoalStatus.ACHIEVED if done else GoalStatus.OPEN,
                    created_by_id=plan["mentor"],
                    created_at=ctx.at(start, 12),
                    closed_at=ctx.at(last or start, 19) if done else None,
                )
        if state is P.ACTIVE and rng.random() < 0.4:
            moment = ctx.at(ctx.today + timedelta(days=rng.randint(3, 20)), 16)
            ctx.add(
                PlannedSession,
                pairing_id=pairing,
                starts_at=moment,
                duration_minutes=60,
                mode=SessionMode.VIDEO,
                place="Teams",
                created_by_id=plan["mentor"],
                created_at=ctx.now - timedelta(days=2),
                cancelled_at=None,
            )
        if state is P.COMPLETED:
            for side in FeedbackSide:
                if rng.random() < 0.7:
                    ctx.add(
                        PairingFeedback,
                        pairing_id=pairing,
                        stage=FeedbackStage.END,
                        side=side,
                        rating=rng.choice((3, 4, 4, 5, 5)),
                        comment="",
                        given_by_id=plan["mentor"] if side is FeedbackSide.MENTOR else None,
                        given_at=ctx.at(ended_on, 20),
                    )
        if pupil and running and rng.random() < 0.02:
            ctx.add(
                Concern,
                pairing_id=pairing,
                raised_by_id=plan["mentor"],
                raised_at=ctx.at(start + timedelta(days=30), 12),
                lead_id=coordinator,
                summary="The mentee seemed worried about home.",
                details="",
                status=ConcernStatus.OPEN,
                closed_at=None,
                closed_by_id=None,
                outcome="",
            )
        if count % 500 == 0:
            yield 1
    yield 1


def mentoring_steps(ctx: Context) -> int:
    return 2 + ctx.sizes.pairings // 500
