"""Several scheduler processes at once, and one killed mid-batch, on the test database
(file SQLite, or PostgreSQL with TALENT_TEST_DATABASE_URL)."""

from __future__ import annotations

import signal
import time
from datetime import UTC, datetime, timedelta

import pytest

from talent.reminders.models import NotificationState
from tests.reminders.processes import add_due_rows, environment, ledger_summary, start_run_once

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)
ROWS = 2000


@pytest.mark.parametrize("processes", [2, 3])
def test_concurrent_schedulers_deliver_every_row_exactly_once(
    app, database_url, smtp, mailbox, processes
):
    mailbox.keep = False
    add_due_rows(ROWS, now=NOW)
    env = environment(
        database_url, smtp.environment(), REMINDER_BATCH_SIZE=50, REMINDER_RECORD_EVERY=20
    )
    runs = [start_run_once(env, NOW + timedelta(seconds=1)) for _ in range(processes)]
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err

    states, workers, message_ids = ledger_summary()
    assert states == {NotificationState.SENT: ROWS}  # none left behind, none failed
    assert len(workers) == processes, workers  # every process took a share
    assert mailbox.count == ROWS
    assert max(mailbox.message_ids.values()) == 1  # nothing arrived twice
    assert set(mailbox.message_ids) == message_ids


def test_a_scheduler_killed_mid_batch_loses_nothing(app, database_url, smtp, mailbox):
    """SIGKILL between sending and recording: the rows it held are sent again after the lease.

    The guarantee is at-least-once: a crash can repeat at most the e-mails sent since the
    last record (TALENT_REMINDER_RECORD_EVERY, here 20), each with the Message-ID of the
    first copy; nothing is lost.
    """
    mailbox.keep = False
    mailbox.delay = 0.002  # a slowish server, so the kill lands in the middle of a batch
    rows, record_every = 1500, 20
    add_due_rows(rows, now=NOW)
    env = environment(
        database_url,
        smtp.environment(),
        REMINDER_BATCH_SIZE=100,
        REMINDER_RECORD_EVERY=record_every,
        REMINDER_LEASE_SECONDS=60,
    )
    victim = start_run_once(env, NOW)
    deadline = time.monotonic() + 60
    while mailbox.count < 437 and time.monotonic() < deadline:
        time.sleep(0.005)
    victim.send_signal(signal.SIGKILL)
    victim.communicate(timeout=30)
    before_restart = mailbox.count
    states, _, _ = ledger_summary()
    assert 0 < before_restart < rows
    assert states.get(NotificationState.CLAIMED, 0) > 0  # it died holding a claim

    # Within the lease the dead scheduler's rows wait; after it, a new one takes them.
    mailbox.delay = 0
    survivor = start_run_once(env, NOW + timedelta(minutes=5))
    out, err = survivor.communicate(timeout=300)
    assert survivor.returncode == 0, err

    states, _, message_ids = ledger_summary()
    assert states == {NotificationState.SENT: rows}
    assert set(mailbox.message_ids) == message_ids  # every row arrived
    duplicates = mailbox.count - rows
    print(f"SIGKILL after {before_restart} e-mails: {duplicates} duplicate(s)")
    assert 0 <= duplicates <= record_every
    assert all(count <= 2 for count in mailbox.message_ids.values())
