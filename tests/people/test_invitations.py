"""Invitations go out by real SMTP; the link lets the person in once."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Role, User
from tests.support.smtp import deliver

PASSWORD = "a long and new password"
LINK = re.compile(r"http://localhost(/invitation/[A-Za-z0-9._-]+)")


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _links(smtp_server, recipient: str) -> list[str]:
    found = []
    for message in smtp_server.mailbox.messages:
        if message["To"] == recipient:
            text = message.get_body(preferencelist=("plain",)).get_content()
            found.extend(LINK.findall(text))
    return found


def _invite(client, email="nora@example.org") -> User:
    response = client.post(
        "/admin/users/invite",
        data={"email": email, "name": "Nora Nilsen", "roles": ["mentor"], "language": "en"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    deliver()
    return db.session.scalar(sa.select(User).where(User.email == email))


def _accept(app, path: str):
    browser = app.test_client()
    return browser, browser.post(path, data={"password": PASSWORD, "confirm": PASSWORD})


def test_invitation_arrives_and_its_link_works_once(app, client, admin, smtp_server):
    nora = _invite(client)

    [message] = smtp_server.mailbox.messages
    assert message["To"] == "nora@example.org"
    assert message["Subject"] == "Welcome to Talent: set up your account"
    [path] = _links(smtp_server, "nora@example.org")

    browser = app.test_client()
    form = browser.get(path)
    assert form.status_code == 200
    assert "Nora Nilsen" in form.get_data(as_text=True)
    accepted = browser.post(path, data={"password": PASSWORD, "confirm": PASSWORD})
    assert accepted.status_code == 302 and "/login" in accepted.headers["Location"]

    login = browser.post("/login", data={"email": "NORA@example.org", "password": PASSWORD})
    assert login.status_code == 302
    assert browser.get("/").status_code == 200
    db.session.refresh(nora)
    assert nora.has_password

    again = app.test_client().get(path)
    assert again.status_code == 400
    assert "This link has already been used or is no longer valid." in again.get_data(as_text=True)
    page = client.get(f"/admin/users/{nora.id}").get_data(as_text=True)
    assert "Send the invitation again" not in page


def test_resending_voids_the_earlier_link(app, client, admin, smtp_server):
    nora = _invite(client)
    response = client.post(f"/admin/users/{nora.id}/reinvite", follow_redirects=True)
    assert "A new invitation is on its way to Nora Nilsen" in response.get_data(as_text=True)
    deliver()

    first, second = _links(smtp_server, "nora@example.org")
    assert first != second
    assert app.test_client().get(first).status_code == 400
    _, accepted = _accept(app, second)
    assert accepted.status_code == 302
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == nora.id)
    ).all()
    assert {"user.invite", "user.reinvite", "user.password"} <= set(actions)


def test_no_resending_once_accepted_or_deactivated(client, make, admin, smtp_server):
    accepted = make.user(Role.MENTOR, name="Has Password")
    pending = make.user(Role.MENTOR, name="Pending", password_hash=None, is_active=False)
    db.session.commit()

    response = client.post(f"/admin/users/{accepted.id}/reinvite", follow_redirects=True)
    assert "This person has already accepted the invitation." in response.get_data(as_text=True)
    response = client.post(f"/admin/users/{pending.id}/reinvite", follow_redirects=True)
    assert "This account is deactivated. Reactivate it first." in response.get_data(as_text=True)
    assert smtp_server.mailbox.messages == []


def test_deactivating_an_invited_person_kills_the_link(app, client, admin, smtp_server):
    nora = _invite(client)
    [path] = _links(smtp_server, "nora@example.org")

    client.post(f"/admin/users/{nora.id}/deactivate")
    again = client.post(f"/admin/users/{nora.id}/deactivate", follow_redirects=True)

    assert app.test_client().get(path).status_code == 400
    assert "Nora Nilsen is already deactivated." in again.get_data(as_text=True)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == nora.id)
    ).all()
    assert actions.count("user.deactivate") == 1


def test_an_unreachable_mail_server_delays_the_invitation_and_loses_nothing(
    app, client, admin, smtp_server
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        app.config["SMTP_PORT"] = probe.getsockname()[1]

    response = client.post(
        "/admin/users/invite",
        data={"email": "nora@example.org", "name": "Nora Nilsen", "roles": ["mentor"]},
        follow_redirects=True,
    )
    assert "Nora Nilsen is invited; the e-mail is on its way." in response.get_data(as_text=True)
    assert deliver().retried == 1
    assert smtp_server.mailbox.messages == []

    app.config["SMTP_PORT"] = smtp_server.port  # the server is back: the retry delivers it
    assert deliver(now=utcnow() + timedelta(hours=1)).sent == 1
    assert len(_links(smtp_server, "nora@example.org")) == 1
