"""Running the same change in many threads at once, as a double-click or a retry does."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

from talent.errors import AlreadyDone
from talent.extensions import db


def at_once(app, change: Callable[[], object], times: int = 10) -> Counter:
    """Run ``change`` in ``times`` threads released together, each with its own app context,
    session and connection, committing on success; count the outcomes: "done", "already
    done", or the repr of any other error."""
    barrier = threading.Barrier(times)
    outcomes: list[str] = []

    def attempt() -> None:
        with app.app_context(), app.test_request_context(headers={"Accept-Language": "en"}):
            try:
                barrier.wait(timeout=30)
                change()
                db.session.commit()
                outcome = "done"
            except AlreadyDone:
                db.session.rollback()
                outcome = "already done"
            except Exception as error:  # noqa: BLE001 - reported by the caller's assertion
                db.session.rollback()
                outcome = repr(error)
            finally:
                db.session.remove()
            outcomes.append(outcome)

    threads = [threading.Thread(target=attempt) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    db.session.expire_all()
    return Counter(outcomes)
