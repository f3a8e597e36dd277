"""Run the same change from many threads at once, as a double-click, a retry or a rush does.

Each thread works as a web worker does: its own request (and app) context, so its own
session, connection and transaction, committed at the end. All of them wait at a barrier
before their transaction starts (on SQLite even a read would take the write lock early and
queue the rest). Works on SQLite files (write transactions queue with BEGIN IMMEDIATE) and on
PostgreSQL (the row lock queues them). Every run ends with the checks of ``check-integrity``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from talent.errors import DomainError
from talent.extensions import db
from tests.support.integrity import assert_integrity_clean

THREADS = 10


def run_together(app, jobs: list[Callable[[], object]]) -> list[str]:
    """Run each job in its own thread and request context, all released at once; return each
    outcome: "ok", the name of the DomainError it raised, or "crash: …" for anything else."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(job: Callable[[], object]) -> None:
        with app.test_request_context():
            try:
                barrier.wait(timeout=30)
                job()
                db.session.commit()
                outcome = "ok"
            except DomainError as error:
                db.session.rollback()
                outcome = type(error).__name__
            except Exception as error:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                outcome = f"crash: {error!r}"
            finally:
                db.session.remove()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    # Whatever the race did, no counter drifted and no rule across records broke.
    db.session.expire_all()
    assert_integrity_clean()
    return outcomes


def repeated(app, job: Callable[[], object], times: int = THREADS) -> list[str]:
    """The same change sent ``times`` times at once; the outcomes sorted."""
    return sorted(run_together(app, [job] * times))


def once(times: int = THREADS) -> list[str]:
    """What ``repeated`` returns when the change is made once and the rest are told it was."""
    return sorted(["ok"] + ["AlreadyDone"] * (times - 1))
