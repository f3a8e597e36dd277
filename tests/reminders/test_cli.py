"""`talent reminders run-once` and `talent reminders status`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talent.extensions import db
from talent.people.models import Role
from talent.reminders.services import notify

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)


def test_status_counts_by_state_and_run_once_delivers(app, runner, make):
    user = make.user(Role.TEACHER)
    notify(user, "test.account_notice", None, now=NOW)
    notify(user, "test.account_notice", None, now=NOW + timedelta(days=365), discriminator="later")
    db.session.commit()

    status = runner.invoke(args=["reminders", "status"])
    assert status.exit_code == 0
    assert "pending    2" in status.output and "sent       0" in status.output
    assert "due now    1" in status.output

    result = runner.invoke(args=["reminders", "run-once", "--now", "2026-10-13T06:00:00"])
    assert result.exit_code == 0, result.output
    assert "1 claimed: 1 sent, 0 to retry, 0 failed, 0 skipped (1 e-mails)." in result.output

    status = runner.invoke(args=["reminders", "status"])
    assert "pending    1" in status.output and "sent       1" in status.output


def test_run_once_refuses_a_bad_time(app, runner):
    result = runner.invoke(args=["reminders", "run-once", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "give an ISO time" in result.output
