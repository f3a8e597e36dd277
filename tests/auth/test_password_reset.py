"""Resetting a forgotten password through an e-mailed link, against a real SMTP server."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from itsdangerous.timed import TimestampSigner

from talent.auth import links, tokens
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role
from talent.reminders.models import Notification, NotificationState
from tests.factories import PASSWORD
from tests.security.support import (
    alerts,
    field_error,
    is_logged_in,
    links_in,
    log_in,
    page_of,
    submit,
)
from tests.support.smtp import deliver

NEW_PASSWORD = "a brand new passphrase"
SENT = (
    "If the address has an account, a reset link is on its way. It works once and for 60 minutes."
)


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def ask_for_link(client, email: str):
    """Ask for a reset link; the scheduler then delivers it (the web process sends nothing)."""
    page = client.get("/password/forgot")
    assert page.status_code == 200
    response = submit(client, page, {"email": email})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    deliver()
    return alerts(client.get("/login"))


def reset_path(mailbox, recipient: str) -> str:
    [message] = [m for m in mailbox if m["To"] == recipient]
    [link] = links_in(message)
    assert link.startswith("http://localhost/password/reset/")
    return urlsplit(link).path


def choose_password(client, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    page = client.get(path)
    assert page.status_code == 200
    return submit(client, page, {"password": password, "confirm": confirm or password})


def test_the_link_arrives_and_works_once(app, client, kari, mailbox):
    elsewhere = app.test_client()
    log_in(elsewhere, kari.email)

    assert ask_for_link(client, "Kari@Example.org") == [SENT]
    [message] = mailbox
    assert message["To"] == "kari@example.org"
    assert message["Subject"] == "Reset your Talent password"
    path = reset_path(mailbox, "kari@example.org")

    response = choose_password(client, path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert alerts(client.get("/login")) == ["Your password is changed. Log in with the new one."]
    assert not is_logged_in(elsewhere)  # a reset ends every session

    assert log_in(client, kari.email, PASSWORD).status_code == 200
    assert log_in(client, kari.email, NEW_PASSWORD).status_code == 302
    client.post("/logout")

    # The same link a second time: a clear message on a 400 page, in the site's look.
    again = client.get(path)
    assert again.status_code == 400
    page = page_of(again)
    assert "This link has already been used or is no longer valid." in page.text()
    assert page.find("nav") is not None
    response = client.post(path, data={"password": "yet another passphrase", "confirm": "x"})
    assert response.status_code == 400
    assert log_in(client, kari.email, NEW_PASSWORD).status_code == 302


def test_the_new_password_must_follow_the_rules(client, kari, mailbox):
    ask_for_link(client, kari.email)
    path = reset_path(mailbox, kari.email)

    response = choose_password(client, path, "short")
    assert response.status_code == 200
    assert field_error(response, "password") == "Field must be between 10 and 200 characters long."
    response = choose_password(client, path, NEW_PASSWORD, "something else entirely")
    assert field_error(response, "confirm") == "The passwords differ."
    # The link still works after a mistake.
    assert choose_password(client, path).status_code == 302


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, make, mailbox):
    make.user(Role.MENTOR, email="gone@example.org", is_active=False)
    db.session.commit()
    for email in ("nobody@example.org", "gone@example.org"):
        assert ask_for_link(client, email) == [SENT], email
    assert list(mailbox) == []
    # Each request is in the ledger all the same, skipped, with the reason for the help desk.
    rows = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
    assert [(row.kind, row.state) for row in rows] == [
        (links.PASSWORD_RESET, NotificationState.SKIPPED)
    ] * 2
    assert all("does not exist" in row.last_error for row in rows)


def test_someone_who_lost_their_invitation_can_choose_a_password(client, make, mailbox):
    invited = make.user(Role.MENTOR, email="invited@example.org", password_hash=None)
    db.session.commit()
    assert ask_for_link(client, invited.email) == [SENT]
    assert choose_password(client, reset_path(mailbox, invited.email)).status_code == 302
    assert log_in(client, invited.email, NEW_PASSWORD).status_code == 302


def test_a_malformed_address_gets_a_message_beside_the_field(client, mailbox):
    page = client.get("/password/forgot")
    response = submit(client, page, {"email": "not an address"})
    assert response.status_code == 200
    assert field_error(response, "email")
    assert list(mailbox) == []


def expect_invalid(client, path: str, message: str) -> None:
    response = client.get(path)
    assert response.status_code == 400, path
    assert message in page_of(response).text()
    response = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 400, path


def test_forged_links_get_a_clear_message(app, client, kari, mailbox):
    ask_for_link(client, kari.email)
    path = reset_path(mailbox, kari.email)
    token = path.rsplit("/", 1)[1]
    tampered = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    not_valid = "This link is not valid. Check that you copied all of it."

    expect_invalid(client, f"/password/reset/{tampered}", not_valid)
    expect_invalid(client, "/password/reset/not-a-token", not_valid)
    expect_invalid(client, "/password/reset/" + "x" * 3000, not_valid)
    other_key = tokens.make_link_token("another-secret-" * 4, tokens.PASSWORD_RESET, kari)
    expect_invalid(client, f"/password/reset/{other_key}", not_valid)
    # An invitation link is no reset link, even for the same person.
    invitation = tokens.make_link_token(app.config["SECRET_KEY"], tokens.INVITATION, kari)
    expect_invalid(client, f"/password/reset/{invitation}", not_valid)

    assert log_in(client, kari.email, PASSWORD).status_code == 302


def test_an_expired_link_gets_a_clear_message(app, client, kari, monkeypatch):
    issued = int(time.time()) - 61 * 60  # PASSWORD_RESET_MINUTES is 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: issued)
        token = tokens.make_link_token(app.config["SECRET_KEY"], tokens.PASSWORD_RESET, kari)
    expect_invalid(client, f"/password/reset/{token}", "This link has expired. Ask for a new one.")
    assert log_in(client, kari.email, PASSWORD).status_code == 302


def test_a_link_dies_when_the_account_is_deactivated(client, kari, mailbox):
    ask_for_link(client, kari.email)
    path = reset_path(mailbox, kari.email)
    kari.is_active = False
    kari.end_sessions()
    db.session.commit()
    expect_invalid(client, path, "This link has already been used or is no longer valid.")


def test_a_newer_password_makes_older_links_void(client, kari, mailbox):
    ask_for_link(client, kari.email)
    first = reset_path(mailbox, kari.email)
    mailbox.clear()
    later = utcnow() + timedelta(minutes=links.RESET_WINDOW_MINUTES)
    links.send_password_reset(kari.email, now=later)
    db.session.commit()
    deliver(now=later)
    second = reset_path(mailbox, kari.email)
    assert choose_password(client, second).status_code == 302
    expect_invalid(client, first, "This link has already been used or is no longer valid.")


def test_asking_again_at_once_sends_one_link(kari, mailbox):
    """A second click (or an attacker filling a mailbox) within the window adds no e-mail."""
    start = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    for minutes in (0, 3, 9, links.RESET_WINDOW_MINUTES):
        links.send_password_reset(kari.email, now=start + timedelta(minutes=minutes))
    db.session.commit()
    deliver(now=start + timedelta(hours=1))
    assert len(mailbox) == 2
