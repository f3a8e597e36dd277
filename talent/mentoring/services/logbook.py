"""The session log and goals as the pairing page reads them: plain rows, not entities."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from talent.extensions import db
from talent.mentoring.models import Goal, MentoringSession, Pairing, SessionMode, session_goals


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
    goals_moved: list[str]


@dataclass
class SessionLog:
    """One page of a pairing's log with the pairing's logged and confirmed minutes.

    The totals come from the query that counts the sessions for the pager. It reads like
    Flask-SQLAlchemy's pagination, which the pager macro expects.
    """

    items: list[LoggedSession]
    page: int
    per_page: int
    total: int
    logged_minutes: int
    confirmed_minutes: int

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.per_page)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None


# The log's statements are built once: building a select and its cache key again on every
# request cost more than running it.
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
            sa.func.count().over(),
            sa.func.sum(MentoringSession.duration_minutes).over(),
            sa.func.sum(_CONFIRMED_MINUTES).over(),
        )
        .where(MentoringSession.pairing_id == sa.bindparam("pairing_id"))
        .order_by(MentoringSession.held_on.desc(), MentoringSession.id.desc())
        .limit(sa.bindparam("limit"))
        .offset(sa.bindparam("offset"))
    )


_LOG_LINES = _log_lines(MentoringSession.private_note)
#: For readers not allowed private notes: the note never leaves the database.
_LOG_LINES_WITHOUT_PRIVATE_NOTES = _log_lines(sa.literal("").label("private_note"))
_GOALS_MOVED = (
    sa.select(session_goals.c.session_id, Goal.title)
    .join(Goal, Goal.id == session_goals.c.goal_id)
    .where(session_goals.c.session_id.in_(sa.bindparam("session_ids", expanding=True)))
    .order_by(Goal.id)
)


def session_log(
    pairing: Pairing, *, page: int, per_page: int = 20, with_private_notes: bool
) -> SessionLog:
    """The pairing's sessions, newest first, with the goals each moved, and its totals.

    Lines are read as plain columns (loading entities cost several times more); a private
    note is read only for those allowed to see it.
    """
    rows = db.session.execute(
        _LOG_LINES if with_private_notes else _LOG_LINES_WITHOUT_PRIVATE_NOTES,
        {"pairing_id": pairing.id, "limit": per_page, "offset": (page - 1) * per_page},
    ).all()
    if rows:
        total, logged, done = rows[0][-3:]
    elif page == 1:
        total = logged = done = 0
    else:  # past the last page: the totals alone
        total, logged, done = db.session.execute(_LOG_TOTALS, {"pairing_id": pairing.id}).one()
    items = [LoggedSession(*row[:-3], []) for row in rows]
    if items:
        _add_goals_moved(items)
    return SessionLog(
        items=items,
        page=page,
        per_page=per_page,
        total=total,
        logged_minutes=int(logged or 0),
        confirmed_minutes=int(done or 0),
    )


def _add_goals_moved(items: list[LoggedSession]) -> None:
    """Fill in the titles of the goals each session moved, in one query."""
    by_id = {item.id: item for item in items}
    for session_id, title in db.session.execute(_GOALS_MOVED, {"session_ids": list(by_id)}):
        by_id[session_id].goals_moved.append(title)


_GOAL_LINES = (
    sa.select(Goal.id, Goal.title, Goal.status)
    .where(Goal.pairing_id == sa.bindparam("pairing_id"))
    .order_by(Goal.id)
)


def goal_lines(pairing: Pairing) -> list[sa.Row]:
    """The pairing's goals as plain rows of id, title and status, oldest first."""
    return list(db.session.execute(_GOAL_LINES, {"pairing_id": pairing.id}))
