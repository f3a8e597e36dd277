"""Pairings from plan to log: each pairing's row, goals, held sessions (some still
unconfirmed), the next planned session, feedback at the end and the rare concern."""

from __future__ import annotations

from datetime import date, timedelta

from talent.generate.base import EMAIL_DOMAIN, Context
from talent.generate.mentoring import (
    EXPERTISE,
    GOALS,
    P,
    assign_mentors,
    make_programmes,
    plan_pairings,
)
from talent.mentoring.models import (
    Concern,
    ConcernStatus,
    FeedbackSide,
    FeedbackStage,
    Goal,
    GoalStatus,
    MenteeKind,
    MenteeProfile,
    MentoringSession,
    Pairing,
    PairingFeedback,
    PlannedSession,
    SessionMode,
)


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
    programmes = make_programmes(ctx)
    plans = plan_pairings(ctx)
    profiles = assign_mentors(ctx, plans)
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
        cadence = plan["cadence"] = 21 if pupil else 30
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
        plan["since"] = last or start
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
