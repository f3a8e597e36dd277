"""Reading the ledger: the coordinators' filtered list and the counts by state."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from talent.extensions import db
from talent.people.models import User
from talent.reminders.models import Notification, NotificationState


def ledger_query(
    *,
    state: NotificationState | None = None,
    kind: str | None = None,
    recipient: str = "",
    due_from: datetime | None = None,
    due_until: datetime | None = None,
) -> sa.Select:
    """Ledger rows with their recipients, most recently due first; ``due_until`` is exclusive."""
    query = (
        sa.select(Notification)
        .options(joinedload(Notification.recipient))
        .order_by(Notification.due_at.desc(), Notification.id.desc())
    )
    if state is not None:
        query = query.where(Notification.state == state)
    if kind:
        query = query.where(Notification.kind == kind)
    if recipient:
        pattern = f"%{recipient.lower()}%"
        matching = sa.select(User.id).where(
            sa.or_(sa.func.lower(User.name).like(pattern), User.email.like(pattern))
        )
        query = query.where(
            sa.or_(
                Notification.recipient_id.in_(matching),
                sa.func.lower(Notification.recipient_address).like(pattern),
            )
        )
    if due_from is not None:
        query = query.where(Notification.due_at >= due_from)
    if due_until is not None:
        query = query.where(Notification.due_at < due_until)
    return query


def counts_by_state() -> dict[NotificationState, int]:
    """How many rows are in each state (every state listed, zero included)."""
    counts = dict.fromkeys(NotificationState, 0)
    rows = db.session.execute(
        sa.select(Notification.state, sa.func.count()).group_by(Notification.state)
    )
    for state, count in rows:
        counts[state] = count
    return counts


def due_count(now: datetime) -> int:
    """Rows a scheduler would claim now."""
    from talent.reminders.models import CLAIMABLE_STATES_SQL

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(sa.text(CLAIMABLE_STATES_SQL), Notification.next_attempt_at <= now)
    )


def recorded_kinds() -> list[str]:
    return list(db.session.scalars(sa.select(Notification.kind).distinct().order_by("kind")))


def failed_count(*, due_from: datetime, due_until: datetime) -> int:
    """Deliveries due in [due_from, due_until) that failed for good (read through the due-time
    index, so it stays quick however long the ledger grows)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.due_at >= due_from,
            Notification.due_at < due_until,
            Notification.state == NotificationState.FAILED,
        )
    )
