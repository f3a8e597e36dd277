"""A scheduler tick against a real SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Role
from talent.reminders.delivery import deliver_due
from talent.reminders.models import Category, Channel, Notification, NotificationState
from talent.reminders.preferences import set_preferences
from talent.reminders.services import notify, schedule

# Tuesday 13 October 2026; the meeting is on Thursday the 15th at 09:30 in Oslo (07:30 UTC).
NOW = datetime(2026, 10, 13, 6, 0, tzinfo=UTC)
EVENT = datetime(2026, 10, 15, 7, 30, tzinfo=UTC)
DAY = timedelta(days=1)


def _meeting(make, user, org=None, **extra):
    row = schedule(
        user,
        "test.meeting",
        org or make.organization(),
        now=NOW,
        event_at=EVENT,
        lead=DAY,
        context={"place": "Oslo Cancer Cluster Innovation Park", "starts_at": EVENT},
        **extra,
    )
    db.session.commit()
    return row.id


def _state(row_id):
    db.session.expire_all()
    return db.session.get(Notification, row_id)


def test_a_reminder_arrives_once_in_the_recipients_language_and_time(app, make, smtp, mailbox):
    app.config.update(smtp.settings())
    norwegian = make.user(Role.TEACHER, email="kari@example.org", name="Kari", language="nb")
    english = make.user(
        Role.HOST, email="sam@example.org", name="Sam", language="en", timezone="Europe/London"
    )
    org = make.organization()
    rows = [_meeting(make, norwegian, org), _meeting(make, english, org)]

    assert deliver_due(now=EVENT - DAY - timedelta(minutes=1)).claimed == 0
    report = deliver_due(now=EVENT - DAY)
    assert (report.claimed, report.sent, report.emails) == (2, 2, 2)
    assert deliver_due(now=EVENT - DAY + timedelta(hours=1)).claimed == 0

    mailbox.wait_for(2)
    assert mailbox.count == 2
    by_recipient = {message["To"]: message for message in mailbox.messages}
    assert set(by_recipient) == {"kari@example.org", "sam@example.org"}  # one each, no BCC

    kari = by_recipient["kari@example.org"]
    assert kari["Subject"].startswith("Meeting at Oslo Cancer Cluster Innovation Park")
    assert "torsdag 15. oktober 2026" in kari["Subject"] and "09:30" in kari["Subject"]
    text = kari.get_body(("plain",)).get_content()
    assert "Kari," in text and "09:30" in text and "Bring your lab coat." in text
    assert "http://localhost/admin/organisations" in text
    assert "torsdag" in kari.get_body(("html",)).get_content()

    sam = by_recipient["sam@example.org"]
    assert "Thursday, October 15, 2026" in sam["Subject"]
    assert "8:30" in sam["Subject"]  # London is an hour behind Oslo

    for row_id in rows:
        stored = _state(row_id)
        assert stored.state is NotificationState.SENT
        assert stored.sent_at is not None and stored.attempts == 1
        assert stored.message_id == by_recipient[stored.recipient.email]["Message-ID"]
        assert stored.inbox_at is not None and stored.read_at is None


def test_without_smtp_settings_mail_is_logged_and_the_inbox_still_works(app, make, caplog):
    app.config["SMTP_HOST"] = None
    row = _meeting(make, make.user(Role.TEACHER, email="kari@example.org"))
    with caplog.at_level("INFO", logger="talent.reminders.mailer"):
        report = deliver_due(now=EVENT - DAY)
    assert report.sent == 1
    assert "SMTP not configured; e-mail to kari@example.org not sent" in caplog.text
    stored = _state(row)
    assert stored.state is NotificationState.SENT and stored.inbox_at is not None


def test_preferences_choose_the_channels_but_account_messages_always_go(app, make, smtp, mailbox):
    app.config.update(smtp.settings())
    user = make.user(Role.TEACHER, email="kari@example.org")
    set_preferences(
        user,
        {(Category.ACCOUNT, c) for c in Channel}
        | {(Category.SAFETY, c) for c in Channel}
        | {(Category.VISITS, Channel.IN_APP)},
        now=NOW,
    )
    visit = _meeting(make, user)
    account = notify(user, "test.account_notice", None, now=NOW).id
    other = make.user(Role.TEACHER)
    set_preferences(
        other, {(c, ch) for c in (Category.ACCOUNT, Category.SAFETY) for ch in Channel}, now=NOW
    )
    silenced = _meeting(make, other)
    db.session.commit()

    deliver_due(now=EVENT - DAY)
    mailbox.wait_for(1)
    assert [m["Subject"] for m in mailbox.messages] == ["Your account changed"]
    visit, account, silenced = _state(visit), _state(account), _state(silenced)
    assert (visit.state, visit.message_id, visit.inbox_at is not None) == (
        NotificationState.SENT,
        None,
        True,
    )
    assert account.state is NotificationState.SENT and account.message_id
    assert silenced.state is NotificationState.SKIPPED
    assert "switched off visits" in silenced.last_error


def test_bad_input_gives_a_log_line_and_a_visible_state(app, make, smtp, mailbox, caplog):
    app.config.update(smtp.settings())
    good = _meeting(make, make.user(Role.TEACHER, email="good@example.org"))
    deactivated_user = make.user(Role.TEACHER, is_active=False)
    deactivated = _meeting(make, deactivated_user)
    no_address = _meeting(make, make.user(Role.TEACHER, email="not an address"))
    gone_org = make.organization()
    deleted = _meeting(make, make.user(Role.TEACHER), gone_org)
    closed_org = make.organization(is_active=False)
    not_relevant = _meeting(make, make.user(Role.TEACHER), closed_org)
    unknown = _meeting(make, make.user(Role.TEACHER))
    db.session.execute(
        sa.update(Notification).where(Notification.id == unknown).values(kind="gone.kind")
    )
    db.session.delete(gone_org)
    db.session.commit()

    with caplog.at_level("INFO"):
        report = deliver_due(now=EVENT - DAY)
    assert report.claimed == 6
    mailbox.wait_for(1)
    assert [m["To"] for m in mailbox.messages] == ["good@example.org"]

    expected = {
        good: (NotificationState.SENT, ""),
        deactivated: (NotificationState.SKIPPED, "The recipient is deactivated."),
        no_address: (NotificationState.SENT, "No usable e-mail address: shown in the inbox only."),
        deleted: (NotificationState.SKIPPED, "What it is about was deleted."),
        not_relevant: (NotificationState.SKIPPED, "It no longer applies."),
        unknown: (
            NotificationState.FAILED,
            "Unknown kind 'gone.kind': no feature registers it, so it cannot be written.",
        ),
    }
    for row_id, (state, error) in expected.items():
        stored = _state(row_id)
        assert (stored.state, stored.last_error) == (state, error), row_id
    assert _state(no_address).inbox_at is not None
    assert "has unknown kind 'gone.kind'" in caplog.text
    assert "is deactivated" in caplog.text
    assert "was deleted" in caplog.text


def test_a_reminder_whose_event_started_is_skipped(app, make, smtp, mailbox):
    app.config.update(smtp.settings())
    row = _meeting(make, make.user(Role.TEACHER))
    deliver_due(now=EVENT + timedelta(minutes=5))  # the scheduler was down all day
    stored = _state(row)
    assert stored.state is NotificationState.SKIPPED
    assert stored.last_error == "The event had already started."
    assert mailbox.count == 0


def test_cancelled_rows_are_never_sent(app, make, smtp, mailbox):
    from talent.reminders.services import cancel_for

    app.config.update(smtp.settings())
    org = make.organization()
    row = _meeting(make, make.user(Role.TEACHER), org)
    cancel_for(org, now=NOW)
    db.session.commit()
    assert deliver_due(now=EVENT - DAY).claimed == 0
    assert _state(row).state is NotificationState.CANCELLED
    assert mailbox.count == 0


def test_an_expired_lease_makes_a_claimed_row_claimable_again(app, make, smtp, mailbox):
    from talent.reminders.ledger import claim_batch

    app.config.update(smtp.settings())
    row = _meeting(make, make.user(Role.TEACHER))
    due = EVENT - DAY
    assert claim_batch(now=due, worker="dead", limit=10, lease=timedelta(minutes=10)) == [row]
    # The worker "dead" never reports back. Within its lease nobody else takes the row…
    assert deliver_due(now=due + timedelta(minutes=9)).claimed == 0
    # …after it, another scheduler does, and its outcome counts.
    report = deliver_due(now=due + timedelta(minutes=10), worker="alive")
    assert report.sent == 1
    stored = _state(row)
    assert (stored.state, stored.claimed_by, stored.attempts) == (
        NotificationState.SENT,
        "alive",
        2,
    )
    assert mailbox.count == 1
