"""Goals, the session log, the mentee's confirmation, and planned sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event
from talent.clock import today_for
from talent.errors import AlreadyDone, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.mentoring.models import (
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    Goal,
    GoalStatus,
    MentoringSession,
    Pairing,
    PairingState,
    PlannedSession,
    SessionMode,
)
from talent.mentoring.services import reminders
from talent.people.models import User
from talent.text import require_single_line

log = logging.getLogger(__name__)

MAX_GOALS = 20
#: A session cannot be planned further ahead than this.
MAX_PLANNING_DAYS = 366
#: A second request within this time is the same click again, not a request for a new e-mail.
RESEND_PAUSE = timedelta(minutes=1)
TEXT_LIMITS = {"topics": 1000, "next_steps": 1000, "shared_note": 10_000, "private_note": 10_000}


@dataclass
class SessionEntry:
    """What a mentor writes about a held session."""

    held_on: date | None
    duration_minutes: int | None
    mode: SessionMode | None
    topics: str = ""
    next_steps: str = ""
    shared_note: str = ""
    private_note: str = ""
    goal_ids: Iterable[int] = ()


# --- goals ---------------------------------------------------------------------------------


def add_goal(actor: User, pairing: Pairing, *, title: str, now: datetime) -> Goal:
    """Add a goal to an open pairing."""
    require_single_line(title=title)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationFailed(_l("Write the goal."), field="title")
    if len(title) > 200:
        raise ValidationFailed(_l("Keep the goal under 200 characters."), field="title")
    lock(pairing)
    if any(goal.title.casefold() == title.casefold() for goal in pairing.goals):
        raise AlreadyDone(_l("This goal is already on the list."))
    if pairing.state not in (PairingState.ACTIVE, PairingState.PAUSED):
        raise InvalidState(_l("Goals can be added to active pairings only."))
    if len(pairing.goals) >= MAX_GOALS:
        raise ValidationFailed(
            _l("A pairing can have at most %(count)d goals.", count=MAX_GOALS), field="title"
        )
    goal = Goal(pairing=pairing, title=title, created_by_id=actor.id, created_at=now)
    db.session.add(goal)
    db.session.flush()
    record_event(actor, "goal.create", goal, now=now, label=title)
    return goal


def set_goal_status(actor: User, goal: Goal, status: GoalStatus, *, now: datetime) -> None:
    """Mark a goal achieved, dropped, or open again."""
    lock(goal)
    if goal.status is status:
        return
    before = goal.status
    goal.status = status
    goal.closed_at = None if status is GoalStatus.OPEN else now
    db.session.flush()
    record_event(
        actor,
        "goal.update",
        goal,
        now=now,
        label=goal.title,
        before={"status": before.value},
        after={"status": status.value},
    )


# --- the log -------------------------------------------------------------------------------


def _clean(entry: SessionEntry, pairing: Pairing, today: date) -> list[Goal]:
    if entry.held_on is None:
        raise ValidationFailed(_l("Give the date the session was held."), field="held_on")
    if entry.held_on > today:
        raise ValidationFailed(
            _l("The session is in the future. Log it after it is held, or plan it instead."),
            field="held_on",
        )
    if entry.held_on < pairing.starts_on:
        raise ValidationFailed(
            _l(
                "The pairing started on %(day)s; the session cannot be earlier.",
                day=pairing.starts_on.isoformat(),
            ),
            field="held_on",
        )
    minutes = entry.duration_minutes
    if minutes is None or not MIN_SESSION_MINUTES <= minutes <= MAX_SESSION_MINUTES:
        raise ValidationFailed(
            _l(
                "A session lasts between %(low)d and %(high)d minutes.",
                low=MIN_SESSION_MINUTES,
                high=MAX_SESSION_MINUTES,
            ),
            field="duration_minutes",
        )
    if entry.mode is None:
        raise ValidationFailed(_l("Choose how you met."), field="mode")
    for name, limit in TEXT_LIMITS.items():
        if len(getattr(entry, name) or "") > limit:
            raise ValidationFailed(
                _l("Keep this under %(count)d characters.", count=limit), field=name
            )
    wanted = {int(goal_id) for goal_id in entry.goal_ids}
    goals = [goal for goal in pairing.goals if goal.id in wanted]
    if len(goals) != len(wanted):
        raise ValidationFailed(_l("Choose goals of this pairing only."), field="goal_ids")
    return goals


def _fill(session: MentoringSession, entry: SessionEntry, goals: list[Goal]) -> None:
    session.held_on = entry.held_on
    session.duration_minutes = entry.duration_minutes
    session.mode = entry.mode
    session.topics = (entry.topics or "").strip()
    session.next_steps = (entry.next_steps or "").strip()
    session.shared_note = (entry.shared_note or "").strip()
    session.private_note = (entry.private_note or "").strip()
    session.goals_moved = goals


def log_session(
    actor: User, pairing: Pairing, entry: SessionEntry, *, now: datetime
) -> MentoringSession:
    """Log a held session of an active pairing; cadence counts afresh from it."""
    lock(pairing)
    if pairing.state is not PairingState.ACTIVE:
        raise InvalidState(
            _l(
                "This pairing is %(state)s; sessions can be logged on active pairings only.",
                state=pairing.state.label,
            )
        )
    goals = _clean(entry, pairing, today_for(actor, now))
    session = MentoringSession(pairing=pairing, logged_by_id=actor.id, logged_at=now)
    _fill(session, entry, goals)
    if _already_logged(session):
        raise AlreadyDone(_l("This session is already in the log."))
    db.session.add(session)
    if pairing.last_session_on is None or session.held_on >= pairing.last_session_on:
        pairing.last_session_on = session.held_on
    if session.held_on >= pairing.cadence_from:
        pairing.cadence_from = session.held_on
        pairing.nudged_cycles = 0
        pairing.escalated_at = None
        pairing.closing_warned_at = None
    db.session.flush()
    record_event(actor, "session.log", session, now=now, label=pairing.label)
    reminders.session_logged(session, now=now)
    log.info("session %s logged on pairing %s by %s", session.id, pairing.id, actor.id)
    return session


def _already_logged(new: MentoringSession) -> bool:
    """Whether the same person already logged this very session (the same form sent twice)."""
    same = sa.select(MentoringSession.id).where(
        MentoringSession.pairing_id == new.pairing.id,
        MentoringSession.logged_by_id == new.logged_by_id,
        MentoringSession.held_on == new.held_on,
        MentoringSession.duration_minutes == new.duration_minutes,
        MentoringSession.topics == new.topics,
    )
    return db.session.scalar(same.limit(1)) is not None


def _written(session: MentoringSession) -> tuple:
    """What the mentor wrote about a session, to tell an edit from the same form sent again."""
    return (
        session.held_on,
        session.duration_minutes,
        session.mode,
        session.topics,
        session.next_steps,
        session.shared_note,
        session.private_note,
        frozenset(goal.id for goal in session.goals_moved),
    )


def update_session(
    actor: User, session: MentoringSession, entry: SessionEntry, *, now: datetime
) -> None:
    """Correct a logged session the mentee has not confirmed yet."""
    lock(session)
    if session.confirmed_at is not None:
        raise InvalidState(_l("The mentee has confirmed this session; it can no longer change."))
    pairing = session.pairing
    goals = _clean(entry, pairing, today_for(actor, now))
    before = _written(session)
    _fill(session, entry, goals)
    if _written(session) == before:
        raise AlreadyDone(_l("The session already reads like this."))
    session.disputed_at = None
    session.dispute_comment = ""
    db.session.flush()
    latest = db.session.scalar(
        sa.select(sa.func.max(MentoringSession.held_on)).where(
            MentoringSession.pairing_id == pairing.id
        )
    )
    pairing.last_session_on = latest
    record_event(actor, "session.update", session, now=now, label=pairing.label)


def ask_again_to_confirm(actor: User, session: MentoringSession, *, now: datetime) -> None:
    """E-mail a mentee without an account the confirmation link again."""
    lock(session)
    if session.confirmed_at is not None:
        raise AlreadyDone(_l("This session is already confirmed."))
    last = reminders.last_confirmation_request(session)
    if last is not None and now - last < RESEND_PAUSE:
        raise AlreadyDone(_l("The confirmation link went out a moment ago."))
    if not reminders.session_logged(session, now=now, again=True):
        raise InvalidState(_l("The mentee has no e-mail address. Ask the coordinator to add one."))
    record_event(actor, "session.ask_again", session, now=now, label=session.pairing.label)


def _refuse_mentor(session: MentoringSession, by: User | None) -> None:
    if by is not None and by.id == session.pairing.mentor.user_id:
        raise NotAllowed(_l("Only the mentee can confirm a session, not the mentor."))


def confirm_session(session: MentoringSession, *, by: User | None, now: datetime) -> bool:
    """The mentee confirms a logged session; returns False if it was confirmed already."""
    _refuse_mentor(session, by)
    lock(session)
    if session.confirmed_at is not None:
        return False
    session.confirmed_at = now
    session.disputed_at = None
    db.session.flush()
    reminders.session_confirmed(session, now=now)
    record_event(by, "session.confirm", session, now=now, label=session.pairing.label)
    return True


def dispute_session(
    session: MentoringSession, *, comment: str, by: User | None, now: datetime
) -> None:
    """The mentee says a logged session is wrong; the mentor and coordinator can see why."""
    _refuse_mentor(session, by)
    lock(session)
    if session.confirmed_at is not None:
        raise InvalidState(_l("This session is already confirmed."))
    comment = (comment or "").strip()
    if not comment:
        raise ValidationFailed(_l("Say what is wrong."), field="comment")
    if len(comment) > 500:
        raise ValidationFailed(_l("Keep this under 500 characters."), field="comment")
    if session.disputed_at is not None and session.dispute_comment == comment:
        raise AlreadyDone(_l("You have already said what is wrong; the mentor can see it."))
    session.disputed_at = now
    session.dispute_comment = comment
    db.session.flush()
    record_event(by, "session.dispute", session, now=now, label=session.pairing.label)


# --- planning ------------------------------------------------------------------------------


def plan_session(
    actor: User,
    pairing: Pairing,
    *,
    starts_at: datetime | None,
    duration_minutes: int | None,
    mode: SessionMode | None,
    place: str = "",
    now: datetime,
) -> PlannedSession:
    """Plan the next session; both calendars show it and both sides get a reminder."""
    require_single_line(place=place)
    lock(pairing)
    if pairing.state is not PairingState.ACTIVE:
        raise InvalidState(_l("Sessions can be planned on active pairings only."))
    if starts_at is None:
        raise ValidationFailed(_l("Give the date and time."), field="starts_at")
    if starts_at <= now:
        raise ValidationFailed(_l("Choose a time in the future."), field="starts_at")
    if starts_at > now + timedelta(days=MAX_PLANNING_DAYS):
        raise ValidationFailed(_l("Plan at most a year ahead."), field="starts_at")
    if duration_minutes is None or not (
        MIN_SESSION_MINUTES <= duration_minutes <= MAX_SESSION_MINUTES
    ):
        raise ValidationFailed(
            _l(
                "A session lasts between %(low)d and %(high)d minutes.",
                low=MIN_SESSION_MINUTES,
                high=MAX_SESSION_MINUTES,
            ),
            field="duration_minutes",
        )
    if mode is None:
        raise ValidationFailed(_l("Choose how you will meet."), field="mode")
    place = (place or "").strip()
    if len(place) > 300:
        raise ValidationFailed(_l("Keep this under 300 characters."), field="place")
    already = sa.select(PlannedSession.id).where(
        PlannedSession.pairing_id == pairing.id,
        PlannedSession.starts_at == starts_at,
        PlannedSession.cancelled_at.is_(None),
    )
    if db.session.scalar(already.limit(1)) is not None:
        raise AlreadyDone(_l("A session is already planned at this time."))
    planned = PlannedSession(
        pairing=pairing,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        place=place,
        created_by_id=actor.id,
        created_at=now,
    )
    db.session.add(planned)
    db.session.flush()
    record_event(actor, "planned_session.create", planned, now=now, label=pairing.label)
    reminders.session_planned(planned, now=now)
    return planned


def cancel_planned_session(actor: User, planned: PlannedSession, *, now: datetime) -> None:
    lock(planned)
    if planned.cancelled_at is not None:
        raise AlreadyDone(_l("This session was already cancelled."))
    if planned.starts_at <= now:
        raise InvalidState(_l("This session has already started."))
    planned.cancelled_at = now
    db.session.flush()
    record_event(actor, "planned_session.cancel", planned, now=now, label=planned.pairing.label)
    reminders.planned_session_cancelled(planned, now=now)


_UPCOMING_PLANNED = (
    sa.select(PlannedSession)
    .where(
        PlannedSession.pairing_id == sa.bindparam("pairing_id"),
        PlannedSession.cancelled_at.is_(None),
        PlannedSession.starts_at > sa.bindparam("now"),
    )
    .order_by(PlannedSession.starts_at)
    .limit(sa.bindparam("limit"))
)


def upcoming_planned(pairing: Pairing, *, now: datetime, limit: int = 5) -> list[PlannedSession]:
    return list(
        db.session.scalars(
            _UPCOMING_PLANNED, {"pairing_id": pairing.id, "now": now, "limit": limit}
        )
    )
