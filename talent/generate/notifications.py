"""The notification ledger as the platform would have written it: notices sent (most of them
read), a few failed deliveries, and reminders still pending for what lies ahead."""

from __future__ import annotations

from datetime import datetime, timedelta

from talent.courses.models import EnrollmentState as Seat
from talent.generate.base import Context
from talent.mentoring.models import PairingState
from talent.reminders.models import Notification, NotificationState
from talent.visits.models import VisitState

ERROR = "SMTP 451 4.3.0: mailbox temporarily unavailable"


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _notify(ctx: Context, kind, subject, recipient, due, context, discriminator="") -> None:
    """One ledger row: sent (or failed) when due lies behind us, pending when ahead."""
    rng = ctx.rng
    subject_type, subject_id = subject
    key = f"{kind}:{subject_type}:{subject_id}:{recipient}"
    if discriminator:
        key += f":{discriminator}"
    if due > ctx.now:
        state, attempts, sent, inbox = NotificationState.PENDING, 0, None, None
    elif rng.random() < 0.02:
        state, attempts, sent, inbox = NotificationState.FAILED, 5, None, due
    else:
        state, attempts, sent, inbox = NotificationState.SENT, 1, due, due
    read = inbox + timedelta(hours=rng.randint(1, 48)) if inbox and rng.random() < 0.7 else None
    ctx.add(
        Notification,
        recipient_id=recipient,
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        due_at=due,
        relevant_until=None,
        lead_minutes=None,
        context=context,
        state=state,
        attempts=attempts,
        next_attempt_at=due,
        claimed_by=None,
        claimed_at=None,
        sent_at=sent,
        message_id=f"<{key.replace(':', '.')}@generated.talent.test>" if sent else None,
        last_error=ERROR if state is NotificationState.FAILED else "",
        inbox_at=inbox,
        read_at=read if read is None or read < ctx.now else None,
        idempotency_key=key,
        created_at=min(due, ctx.now),
    )


def _visits(ctx: Context) -> None:
    for visit, state, starts, teacher, host, details in ctx.facts["visit_rows"]:
        subject = ("LabVisit", visit)
        context = {"visit_id": visit, "starts_at": _iso(starts), **details}
        booked = min(starts - timedelta(days=21), ctx.now - timedelta(hours=1))
        _notify(ctx, "visits.booked", subject, host, booked, context)
        if state is VisitState.CANCELLED:
            reason = {"actor": details["teacher"], "reason": "Exam moved to that day."}
            _notify(
                ctx, "visits.cancelled", subject, host, booked + timedelta(days=3), context | reason
            )
            continue
        if state is VisitState.DECLINED:
            continue
        if state is not VisitState.REQUESTED:
            _notify(ctx, "visits.confirmed", subject, teacher, booked + timedelta(days=1), context)
        for recipient in (teacher, host):
            _notify(
                ctx, "visits.soon", subject, recipient, starts - timedelta(hours=48), context, "48h"
            )
        if state in (VisitState.COMPLETED, VisitState.CONFIRMED):
            _notify(
                ctx,
                "visits.feedback",
                subject,
                teacher,
                starts + timedelta(hours=20),
                {**context, "user_id": teacher},
            )


def _courses(ctx: Context) -> None:
    titles = ctx.facts["course_titles"]
    for enrollment, person, state, course, applied in ctx.facts["course_rows"]:
        subject = ("CourseEnrollment", enrollment)
        context = {"course_id": course, "course": titles[course]}
        if state in (Seat.CONFIRMED, Seat.COMPLETED, Seat.WAITLISTED, Seat.REJECTED):
            decided = min(applied + timedelta(days=3), ctx.now - timedelta(minutes=5))
            shown = "confirmed" if state is Seat.COMPLETED else state.value
            _notify(
                ctx, "courses.decision", subject, person, decided, context | {"state": shown}, shown
            )
        elif state is Seat.OFFERED:
            expires = ctx.now + timedelta(hours=42)
            offer = context | {"expires_at": _iso(expires)}
            _notify(ctx, "courses.offer", subject, person, ctx.now - timedelta(hours=6), offer)
            _notify(
                ctx, "courses.offer_deadline", subject, person, expires - timedelta(hours=12), offer
            )


def _mentoring(ctx: Context) -> None:
    names = ctx.facts["names"]
    pupil_names = ctx.facts["pupil_names"]
    for plan in ctx.facts["pairing_plans"]:
        mentor = plan["mentor"]
        mentee = names.get(plan.get("user")) or pupil_names.get(plan.get("pupil"), "")
        subject = ("Pairing", plan["pairing"])
        context = {"pairing_id": plan["pairing"], "mentee": mentee, "mentor": names[mentor]}
        proposed = ctx.at(plan["starts"] - timedelta(days=7), 10)
        if plan["state"] is PairingState.PROPOSED:
            proposed = ctx.now - timedelta(days=1)
        respond = proposed + timedelta(days=5)
        _notify(
            ctx,
            "mentoring.proposal",
            subject,
            mentor,
            proposed,
            context | {"programme": "Mentoring", "respond_by_at": _iso(respond)},
        )
        if plan["overdue"]:
            _notify(
                ctx,
                "mentoring.overdue",
                subject,
                mentor,
                ctx.now - timedelta(days=4),
                context | {"since_on": plan["since"].isoformat(), "cadence": plan["cadence"]},
                "1",
            )
        session = plan.get("unconfirmed_session")
        account = plan.get("user") or ctx.facts["pupil_accounts"].get(plan.get("pupil"))
        if session and account:
            _notify(
                ctx,
                "mentoring.session_logged",
                ("MentoringSession", session),
                account,
                ctx.now - timedelta(days=2),
                context | {"held_on": ctx.today.isoformat(), "minutes": 60},
            )


def generate_notifications(ctx: Context):
    """Ledger rows for the visits, course enrollments and pairings made before."""
    _visits(ctx)
    yield 1
    _courses(ctx)
    yield 1
    _mentoring(ctx)
    yield 1


def notifications_steps(ctx: Context) -> int:
    return 3
