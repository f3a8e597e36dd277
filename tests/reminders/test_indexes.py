"""The scheduler's claim and the navigation's unread count read small indexes, not the table."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from talent.extensions import db
from talent.reminders.models import CLAIMABLE_STATES_SQL, Notification

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)


def _plan(query) -> str:
    sql = str(query.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        rows = db.session.execute(sa.text(f"EXPLAIN {sql}"))
    else:
        rows = db.session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}"))
    plan = "\n".join(str(row[-1]) for row in rows)
    db.session.rollback()
    return plan


def test_the_claim_reads_the_partial_index_of_claimable_rows(app):
    c = Notification.__table__.c
    due = (
        sa.select(c.id)
        .where(sa.text(CLAIMABLE_STATES_SQL), c.next_attempt_at <= NOW)
        .order_by(c.next_attempt_at, c.id)
        .limit(200)
    )
    assert "ix_notifications_claimable" in _plan(due)


def test_the_unread_count_reads_an_index(app):
    count = (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(
            Notification.recipient_id == 1,
            Notification.inbox_at.is_not(None),
            Notification.read_at.is_(None),
        )
    )
    assert "ix_notifications_unread" in _plan(count) or "ix_notifications_inbox" in _plan(count)
