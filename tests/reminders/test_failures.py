"""SMTP servers that refuse or time out: backoff, then failed with a readable error, while the
scheduler goes on and other rows still go out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from talent.extensions import db
from talent.people.models import Role
from talent.reminders.delivery import deliver_due
from talent.reminders.models import Notification, NotificationState
from talent.reminders.services import notify
from tests.reminders.support import SilentServer, free_port

NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)


@pytest.fixture
def app_settings():
    # Attempts 1..4 with waits of 60, 120, 240 seconds between them.
    return {"REMINDER_MAX_ATTEMPTS": 4, "REMINDER_RETRY_SECONDS": 60}


def _notice(make, email):
    row_id = notify(make.user(Role.TEACHER, email=email), "test.account_notice", None, now=NOW).id
    db.session.commit()
    return row_id


def _row(row_id) -> Notification:
    db.session.expire_all()
    return db.session.get(Notification, row_id)


def _run_until_settled(start: datetime, row_id: int) -> list[datetime]:
    """Run ticks at each next attempt time; return when each attempt was made."""
    attempts, moment = [], start
    for _ in range(10):
        deliver_due(now=moment)
        attempts.append(moment)
        row = _row(row_id)
        if row.state is not NotificationState.PENDING:
            return attempts
        moment = row.next_attempt_at
    raise AssertionError("never settled")


def test_a_refused_recipient_backs_off_then_fails_while_others_go_out(app, make, smtp, mailbox):
    app.config.update(smtp.settings())
    mailbox.refuse.add("nobody@example.org")
    refused = _notice(make, "nobody@example.org")
    fine = _notice(make, "kari@example.org")

    attempts = _run_until_settled(NOW, refused)
    gaps = [
        round((later - earlier).total_seconds())
        for earlier, later in zip(attempts, attempts[1:], strict=False)
    ]
    assert gaps == [60, 120, 240]  # exponential backoff

    row = _row(refused)
    assert row.state is NotificationState.FAILED
    assert row.attempts == 4
    assert row.last_error == (
        f"Gave up after 4 attempts. The SMTP server 127.0.0.1:{smtp.port} refused the recipient"
        " (nobody@example.org: 550 5.1.1 No such mailbox here)."
    )
    assert row.inbox_at is not None  # the inbox got it at the first attempt
    assert _row(fine).state is NotificationState.SENT
    assert [m["To"] for m in mailbox.messages] == ["kari@example.org"]


def test_a_server_that_never_answers_times_out_and_the_tick_goes_on(app, make):
    with SilentServer() as silent:
        app.config.update(
            SMTP_HOST="127.0.0.1", SMTP_PORT=silent.port, SMTP_SECURITY="none", SMTP_TIMEOUT=1
        )
        rows = [_notice(make, f"user{n}@example.org") for n in range(3)]
        started = datetime.now(UTC)
        report = deliver_due(now=NOW)
        elapsed = datetime.now(UTC) - started
    # One timeout for the tick, not one per e-mail.
    assert elapsed < timedelta(seconds=3)
    assert (report.claimed, report.retried) == (3, 3)
    for row_id in rows:
        row = _row(row_id)
        assert row.state is NotificationState.PENDING
        assert round((row.next_attempt_at - NOW).total_seconds()) in (60, 61, 62)
        assert "did not answer within 1 seconds" in row.last_error
        assert row.last_error.startswith("Attempt 1 failed; retrying at")


def test_a_closed_port_fails_readably(app, make):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none")
    row_id = _notice(make, "kari@example.org")
    _run_until_settled(NOW, row_id)
    row = _row(row_id)
    assert row.state is NotificationState.FAILED
    assert "refused the connection (nothing listens there)" in row.last_error


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SMTP_SECURITY": "tls"}, "TALENT_SMTP_SECURITY 'tls' is not one of starttls, ssl, none"),
        ({"SMTP_PORT": 70000}, "TALENT_SMTP_PORT 70000 is not a port number"),
        ({"SMTP_HOST": "smtp example.org"}, "TALENT_SMTP_HOST 'smtp example.org' is not a host"),
        ({"MAIL_SENDER": "Talent"}, "TALENT_MAIL_SENDER 'Talent' is not an e-mail address"),
    ],
    ids=["security", "port", "host", "sender"],
)
def test_malformed_smtp_settings_are_named_in_the_ledger(app, make, caplog, settings, message):
    app.config.update({"SMTP_HOST": "smtp.example.org", "SMTP_PORT": 587, **settings})
    row_id = _notice(make, "kari@example.org")
    with caplog.at_level("ERROR"):
        report = deliver_due(now=NOW)
    assert report.retried == 1
    row = _row(row_id)
    assert message in row.last_error and "The SMTP settings are invalid" in row.last_error
    assert message in caplog.text
    assert row.inbox_at is not None


def test_the_server_coming_back_delivers_the_retries(app, make, smtp, mailbox):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_SECURITY="none")
    row_id = _notice(make, "kari@example.org")
    deliver_due(now=NOW)
    assert _row(row_id).state is NotificationState.PENDING
    app.config.update(smtp.settings())
    deliver_due(now=NOW + timedelta(seconds=61))
    row = _row(row_id)
    assert (row.state, row.attempts, row.last_error) == (NotificationState.SENT, 2, "")
    mailbox.wait_for(1)
    assert mailbox.count == 1
