"""`talent check-integrity`: recompute every derived counter from its rows and check every rule
that spans records, and set drifted counters right.

Each feature owns its checks in ``talent/<feature>/integrity.py`` as a tuple ``CHECKS``; this
module lists those modules explicitly and runs their checks, one set-based query each.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from talent.db import utcnow
from talent.extensions import db
from talent.integrity.checks import Check, Counter, Drift

log = logging.getLogger(__name__)

__all__ = ["Drift", "all_checks", "find_drift", "repair_counters"]


def all_checks() -> tuple[Check, ...]:
    """Every feature's checks, in a fixed order."""
    from talent.courses import integrity as courses
    from talent.mentoring import integrity as mentoring
    from talent.programmes import integrity as programmes
    from talent.visits import integrity as visits

    return (*visits.CHECKS, *mentoring.CHECKS, *courses.CHECKS, *programmes.CHECKS)


def find_drift(*, now: datetime | None = None) -> list[Drift]:
    """Run every check against the current session's database; empty when all is well."""
    now = now or utcnow()
    return [drift for check in all_checks() for drift in check(db.session, now)]


def repair_counters(drifts: Sequence[Drift]) -> list[Drift]:
    """Set each repairable drifted counter to the value its rows give; flush, not commit.

    The rows of each counter are locked together, in id order (as ``lock_all`` would, so that
    two repairs cannot deadlock), read again and recounted under the lock: a booking that
    committed since the check is counted, and one still running waits for the repair. Returns
    the repairs made, with the value stored before and the value stored now.
    """
    counters = {check.check: check for check in all_checks() if isinstance(check, Counter)}
    by_counter: dict[str, list[int]] = {}
    for drift in drifts:
        if drift.repairable:
            by_counter.setdefault(drift.check, []).append(drift.row_id)
    repaired = []
    for name, row_ids in by_counter.items():
        counter = counters[name]
        records = _lock_rows(counter.model, row_ids)
        values = counter.recount(db.session, [record.id for record in records])
        for record in records:
            repair = _repair(counter, record, values.get(record.id, counter.default))
            if repair is not None:
                repaired.append(repair)
    db.session.flush()
    return repaired


def _lock_rows(model, row_ids: list[int]) -> list:
    query = (
        sa.select(model)
        .where(model.id.in_(row_ids))
        .order_by(model.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(query))


def _repair(counter: Counter, record, computed) -> Drift | None:
    stored = getattr(record, counter.column)
    bound = getattr(record, counter.limit) if counter.limit else None
    if not counter.drifted(stored, computed) or not counter.fits(computed, bound):
        return None
    setattr(record, counter.column, computed)
    log.info(
        "repaired %s of %s %s: %s → %s", counter.column, counter.label, record.id, stored, computed
    )
    return Drift(
        counter.check,
        f"{counter.label} {record.id}",
        f"{counter.column} = {stored}",
        computed,
        repairable=True,
        row_id=record.id,
    )
