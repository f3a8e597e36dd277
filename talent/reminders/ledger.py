"""The scheduler's writes to the ledger: claiming due rows and recording what happened.

Both are short transactions of their own, so no lock is held while e-mails go out.
PostgreSQL claims with ``FOR UPDATE SKIP LOCKED`` (concurrent schedulers take disjoint rows);
SQLite serialises the claim by its ``BEGIN IMMEDIATE`` write transaction (talent/db.py).

A claim holds until its lease ends; a scheduler that stalls longer (paused, swapped out, stuck
on a slow SMTP server) loses its rows to the next scheduler that claims. So before each chunk
of e-mails the holder confirms, in the transaction that records the chunk before, that the rows
are still its own, which also extends their lease; a row it lost is not sent, and its outcome
is not written over the new holder's.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from talent.extensions import db
from talent.reminders.models import CLAIMABLE_STATES_SQL, Notification, NotificationState

log = logging.getLogger(__name__)

_table = Notification.__table__
_c = _table.c


def claim_batch(*, now: datetime, worker: str, limit: int, lease: timedelta) -> list[int]:
    """Claim up to ``limit`` due rows for ``worker`` until ``now + lease``; commit; return ids.

    A row is due when pending and its next attempt has come, or when claimed by a scheduler
    whose lease ran out (it died or stalled).
    """
    due = (
        sa.select(_c.id)
        .where(sa.text(CLAIMABLE_STATES_SQL), _c.next_attempt_at <= now)
        .order_by(_c.next_attempt_at, _c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    claim = (
        sa.update(_table)
        .where(_c.id.in_(due.scalar_subquery()))
        .values(
            state=NotificationState.CLAIMED,
            claimed_by=worker,
            claimed_at=now,
            next_attempt_at=now + lease,
            attempts=_c.attempts + 1,
        )
        .returning(_c.id)
    )
    try:
        ids = sorted(db.session.execute(claim).scalars())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return ids


@dataclass
class Outcome:
    """What happened to one claimed row, to be written back."""

    id: int
    state: NotificationState
    last_error: str = ""
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    message_id: str | None = None
    inbox_at: datetime | None = None


_record = (
    sa.update(_table)
    .where(
        _c.id == sa.bindparam("row_id"),
        _c.state == NotificationState.CLAIMED,
        _c.claimed_by == sa.bindparam("worker"),
    )
    .values(
        state=sa.bindparam("new_state", type_=_c.state.type),
        last_error=sa.bindparam("new_error", type_=_c.last_error.type),
        next_attempt_at=sa.func.coalesce(
            sa.bindparam("retry_at", type_=_c.next_attempt_at.type), _c.next_attempt_at
        ),
        sent_at=sa.bindparam("new_sent_at", type_=_c.sent_at.type),
        message_id=sa.func.coalesce(
            sa.bindparam("new_message_id", type_=_c.message_id.type), _c.message_id
        ),
        inbox_at=sa.func.coalesce(
            _c.inbox_at, sa.bindparam("new_inbox_at", type_=_c.inbox_at.type)
        ),
    )
)


def _still_held(claim: str, ids: list[int], *, now: datetime, lease: timedelta) -> set[int]:
    """Extend the lease of the rows this claim still holds; return their ids."""
    if not ids:
        return set()
    held = (
        sa.update(_table)
        .where(
            _c.id.in_(ids),
            _c.state == NotificationState.CLAIMED,
            _c.claimed_by == claim,
        )
        .values(next_attempt_at=now + lease)
        .returning(_c.id)
    )
    return set(db.session.execute(held).scalars())


@dataclass
class Recorder:
    """Collects outcomes and writes them in one short transaction per chunk, in which it also
    confirms that the next chunk's rows are still this claim's."""

    claim: str
    lease: timedelta
    pending: list[Outcome] = field(default_factory=list)
    written: int = 0
    #: Rows another scheduler took over while this one held them.
    lost: int = 0

    def add(self, outcome: Outcome) -> None:
        self.pending.append(outcome)

    def flush(self, now: datetime, confirm: Iterable[int] = ()) -> set[int]:
        """Write the outcomes of the rows still held; return which of ``confirm`` are still held
        (their lease now runs from ``now``)."""
        confirm = list(confirm)
        if not self.pending and not confirm:
            return set()
        written = [outcome.id for outcome in self.pending]
        try:
            held = _still_held(self.claim, written + confirm, now=now, lease=self.lease)
            rows = [
                {
                    "row_id": outcome.id,
                    "worker": self.claim,
                    "new_state": outcome.state,
                    "new_error": outcome.last_error[:1000],
                    "retry_at": outcome.next_attempt_at,
                    "new_sent_at": outcome.sent_at,
                    "new_message_id": outcome.message_id,
                    "new_inbox_at": outcome.inbox_at,
                }
                for outcome in self.pending
                if outcome.id in held
            ]
            if rows:
                db.session.execute(_record, rows)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        unrecorded = [row_id for row_id in written if row_id not in held]
        unsent = [row_id for row_id in confirm if row_id not in held]
        if unrecorded or unsent:
            log.warning(
                "claim %s lost %d row(s) to another scheduler after its lease ran out: "
                "%d outcome(s) not recorded (ids %s), %d e-mail(s) not sent (ids %s)",
                self.claim, len(unrecorded) + len(unsent), len(unrecorded),
                _ids(unrecorded), len(unsent), _ids(unsent),
            )  # fmt: skip
        self.written += len(rows)
        self.lost += len(unrecorded) + len(unsent)
        self.pending.clear()
        return {row_id for row_id in confirm if row_id in held}


def _ids(ids: list[int]) -> str:
    shown = ", ".join(map(str, ids[:10]))
    return f"{shown}, …" if len(ids) > 10 else shown or "-"
