"""What makes a periodic job safe with any number of scheduler processes.

Every scheduler runs every job, so two or three runs of one job may start at the same moment.
A job therefore either works through its due rows one claimed row at a time
(``each_claimed``: a transaction per row, the row locked with ``FOR UPDATE SKIP LOCKED`` and
its due conditions read again under the lock), or runs as a whole under a lease
(``job_lease``) that a second run at the same moment does not get. Either way the effect is
idempotent: a run that comes after another finds the work done and does nothing.

On SQLite every write transaction of the scheduler begins IMMEDIATE (talent/db.py) and so runs
alone: the lock and the lease are that transaction, and the re-read under it sees what the
run before committed.

The web app imports feature jobs (the privacy page runs retention), so this module lives
outside talent.scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa

from talent.errors import DomainError
from talent.extensions import db

log = logging.getLogger(__name__)

Row = TypeVar("Row")


def claim(query: sa.Select) -> Any | None:
    """The first row of ``query``, locked for this transaction and read afresh; None when
    another transaction holds it or it no longer meets the query's conditions.

    Give a query without eager joins: PostgreSQL cannot lock across an outer join.
    """
    return db.session.scalars(
        query.limit(1).with_for_update(skip_locked=True).execution_options(populate_existing=True)
    ).first()


@dataclass
class Tally:
    """What one run did with its due rows."""

    #: What the job's action returned for each row it acted on.
    done: list[Any] = field(default_factory=list)
    #: Taken by another run, or no longer due when read under the lock.
    passed: int = 0
    failed: int = 0


def each_claimed(
    job: str,
    ids: Iterable[int],
    claim_row: Callable[[int], Row | None],
    act: Callable[[Row], Any],
) -> Tally:
    """Claim and act on each row in a transaction of its own, committed before the next.

    ``claim_row(id)`` returns the locked row while it is still due (see ``claim``), else None.
    A row whose change another run already made (``AlreadyDone``, or a state that moved on:
    another ``DomainError``) is passed over; a row that fails otherwise is logged and rolled
    back alone. What ``act`` returns is kept in ``done``; None means nothing was left to do.
    """
    tally = Tally()
    for row_id in ids:
        try:
            row = claim_row(row_id)
            if row is None:
                db.session.rollback()
                tally.passed += 1
                continue
            acted = act(row)
            db.session.commit()
        except DomainError as answer:
            db.session.rollback()
            log.info("%s: row %s passed over: %s", job, row_id, answer.message)
            tally.passed += 1
            continue
        except Exception:
            db.session.rollback()
            log.exception("%s: row %s failed; the other rows go on", job, row_id)
            tally.failed += 1
            continue
        if acted is None:
            tally.passed += 1
        else:
            tally.done.append(acted)
    if tally.passed or tally.failed:
        log.info(
            "%s: %d done, %d passed over, %d failed",
            job, len(tally.done), tally.passed, tally.failed,
        )  # fmt: skip
    return tally


def job_lease(name: str) -> bool:
    """Take the lease of a job run for the current transaction; False when another run holds it.

    PostgreSQL: a transaction-level advisory lock, released by the commit or rollback (also
    when the process dies). SQLite: the scheduler's IMMEDIATE write transaction, begun here,
    already runs alone.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        db.session.execute(sa.text("SELECT 1"))
        return True
    return bool(
        db.session.scalar(
            sa.select(sa.func.pg_try_advisory_xact_lock(sa.func.hashtext(f"talent-job:{name}")))
        )
    )
