"""The session log and goals as the pairing page reads them: plain rows, not entities."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from talent.extensions import db
from talent.mentoring.models import (
    Goal,
    GoalStatus,
    MentoringSession,
    Pairing,
    SessionMode,
    session_goals,
)
from talent.paging import PageNumbers


@dataclass(slots=True)
class LoggedSession:
    """One line of the session log: what the pairing page shows of a session."""

    id: int
    held_on: date
    duration_minutes: int
    mode: SessionMode
    topics: str
    next_steps: str
    shared_note: str
    private_note: str
    confirmed_at: datetime | None
    disputed_at: datetime | None
    dispute_comment: str
    #: Titles of the goals the session moved, oldest goal first.
    goals_moved: list[str] = field(default_factory=list)


@dataclass(slots=True)
class GoalLine:
    id: int
    title: str
    status: GoalStatus


@dataclass
class SessionLog(PageNumbers):
    """One page of a pairing's log, the pairing's goals, and its logged and confirmed minutes.

    It reads like Flask-SQLAlchemy's pagination, which the pager macro expects.
    """

    items: list[LoggedSession]
    goals: list[GoalLine]
    page: int
    per_page: int
    total: int
    logged_minutes: int
    confirmed_minutes: int


# The statements are built once: building a select and its cache key again on every request
# cost more than running it.
_CONFIRMED_MINUTES = sa.case(
    (MentoringSession.confirmed_at.is_not(None), MentoringSession.duration_minutes), else_=0
)
_LOG_TOTALS = sa.select(
    sa.func.count(),
    sa.func.sum(MentoringSession.duration_minutes),
    sa.func.sum(_CONFIRMED_MINUTES),
).where(MentoringSession.pairing_id == sa.bindparam("pairing_id"))


def _log_lines(private_note) -> sa.Select:
    """A page of lines; each carries the pairing's totals too, as window sums, which count
    every session of the pairing before the limit applies: no query of their own."""
    return (
        sa.select(
            MentoringSession.id,
            MentoringSession.held_on,
            MentoringSession.duration_minutes,
            MentoringSession.mode,
            MentoringSession.topics,
            MentoringSession.next_steps,
            MentoringSession.shared_note,
            private_note,
            MentoringSession.confirmed_at,
            MentoringSession.disputed_at,
            MentoringSession.dispute_comment,
            sa.func.count().over().label("total"),
            sa.func.sum(MentoringSession.duration_minutes).over().label("logged_minutes"),
            sa.func.sum(_CONFIRMED_MINUTES).over().label("confirmed_minutes"),
        )
        .where(MentoringSession.pairing_id == sa.bindparam("pairing_id"))
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )


_LOG_LINES = _log_lines(MentoringSession.private_note)
#: For readers not allowed private notes: the note never leaves the database.
_LOG_LINES_WITHOUT_PRIVATE_NOTES = _log_lines(sa.literal("").label("private_note"))
#: The pairing's goals, each once per session of the page it moved (once with none when it
#: moved none of them): the goals list and the lines' goals in one query. A session only ever
#: moves goals of its own pairing.
_GOALS_AND_SESSIONS_MOVED = (
    sa.select(Goal.id, Goal.title, Goal.status, session_goals.c.session_id)
    .outerjoin(
        session_goals,
        sa.and_(
            session_goals.c.goal_id == Goal.id,
            session_goals.c.session_id.in_(sa.bindparam("session_ids", expanding=True)),
        ),
    )
    .where(Goal.pairing_id == sa.bindparam("pairing_id"))
    .order_by(Goal.id)
)


def session_log(
    pairing: Pairing, *, page: int, per_page: int = 20, with_private_notes: bool
) -> SessionLog:
    """The pairing's sessions, newest first, with the goals each moved; its goals; its totals.

    Lines are read as plain columns (loading entities cost several times more); a private
    note is read only for those allowed to see it.
    """
    rows = db.session.execute(
        _LOG_LINES if with_private_notes else _LOG_LINES_WITHOUT_PRIVATE_NOTES,
        {"pairing_id": pairing.id, "limit": per_page, "offset": (page - 1) * per_page},
    ).all()
    if rows:
        total, logged, done = rows[0].total, rows[0].logged_minutes, rows[0].confirmed_minutes
    elif page == 1:
        total = logged = done = 0
    else:  # past the last page: the totals alone
        total, logged, done = db.session.execute(_LOG_TOTALS, {"pairing_id": pairing.id}).one()
    items = [_logged_session(row) for row in rows]
    return SessionLog(
        items=items,
        goals=_goals_with_sessions_moved(pairing, items),
        page=page,
        per_page=per_page,
        total=total,
        logged_minutes=int(logged or 0),
        confirmed_minutes=int(done or 0),
    )


def _logged_session(row: sa.Row) -> LoggedSession:
    return LoggedSession(
        id=row.id,
        held_on=row.held_on,
        duration_minutes=row.duration_minutes,
        mode=row.mode,
        topics=row.topics,
        next_steps=row.next_steps,
        shared_note=row.shared_note,
        private_note=row.private_note,
        confirmed_at=row.confirmed_at,
        disputed_at=row.disputed_at,
        dispute_comment=row.dispute_comment,
    )


def _goals_with_sessions_moved(pairing: Pairing, items: list[LoggedSession]) -> list[GoalLine]:
    """The pairing's goals, oldest first; fills in the goals each line moved."""
    by_id = {item.id: item for item in items}
    goals: dict[int, GoalLine] = {}
    parameters = {"pairing_id": pairing.id, "session_ids": list(by_id)}
    for goal_id, title, status, session_id in db.session.execute(
        _GOALS_AND_SESSIONS_MOVED, parameters
    ):
        if goal_id not in goals:
            goals[goal_id] = GoalLine(goal_id, title, status)
        if session_id is not None:
            by_id[session_id].goals_moved.append(title)
    return list(goals.values())
