"""Inviting a pupil to an account: a real e-mail over SMTP, the link, and the refusals."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.auth import tokens
from talent.extensions import db
from talent.people.models import Role, User
from tests.support.smtp import deliver


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_teacher_invites_a_pupil_who_gets_an_e_mail(app, client, schools, teacher, smtp_server):
    pupil = schools.ullern_pupil
    page = client.get(f"/pupils/{pupil.id}").get_data(as_text=True)
    assert 'name="email"' in page and '<label class="form-label" for="email">' in page

    response = client.post(
        f"/pupils/{pupil.id}/invite", data={"email": "Emma.Hansen@Example.org", "language": "en"}
    )

    assert response.status_code == 302
    db.session.refresh(pupil)
    user = db.session.get(User, pupil.user_id)
    assert user.email == "emma.hansen@example.org"
    assert user.name == "Emma Hansen"
    assert user.roles == {Role.STUDENT}
    assert user.organization_id == schools.ullern.id
    assert not user.has_password

    deliver()
    [message] = smtp_server.mailbox.messages
    assert message["To"] == "emma.hansen@example.org"
    body = message.get_body(preferencelist=("plain",)).get_content()
    token = re.search(r"/invitation/([\w.\-]+)", body).group(1)
    max_age = timedelta(hours=app.config["INVITATION_HOURS"])
    secret = app.config["SECRET_KEY"]
    assert tokens.user_from_link_token(secret, tokens.INVITATION, token, max_age).id == user.id

    again = client.post(  # a double-click sends no second invitation
        f"/pupils/{pupil.id}/invite",
        data={"email": "emma.hansen@example.org", "language": "nb"},
        follow_redirects=True,
    )
    assert "Emma Hansen already has an account." in again.get_data(as_text=True)
    deliver()
    assert len(smtp_server.mailbox.messages) == 1

    [event] = _events("student.invite")
    assert event.actor_id == teacher.id and event.object_id == pupil.id
    assert event.before == {"user_id": None} and event.after == {"user_id": user.id}
    assert len(_events("user.invite")) == 1

    page = client.get(f"/pupils/{pupil.id}").get_data(as_text=True)
    assert "emma.hansen@example.org" in page and 'name="email"' not in page
    assert "<td>Yes</td>" in client.get(f"/classes/{schools.ullern_class.id}").get_data(
        as_text=True
    )


def test_a_pupil_with_an_account_cannot_be_invited_again(client, schools, teacher, smtp_server):
    pupil = schools.ullern_pupil
    client.post(f"/pupils/{pupil.id}/invite", data={"email": "emma@example.org", "language": "nb"})

    response = client.post(
        f"/pupils/{pupil.id}/invite", data={"email": "emma2@example.org", "language": "nb"}
    )

    assert response.status_code == 400
    assert "This pupil already has an account." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "emma2@example.org")) is None
    deliver()
    assert len(smtp_server.mailbox.messages) == 1
    assert len(_events("student.invite")) == 1


def test_an_e_mail_address_in_use_is_refused_by_the_field(
    client, make, schools, teacher, smtp_server
):
    make.user(Role.HOST, email="taken@example.org")
    db.session.commit()
    pupil = schools.ullern_pupil

    response = client.post(
        f"/pupils/{pupil.id}/invite", data={"email": "TAKEN@example.org", "language": "nb"}
    )

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="email-error"' in page
    assert "Someone already has an account with this e-mail address." in page
    assert 'value="TAKEN@example.org"' in page
    db.session.refresh(pupil)
    assert pupil.user_id is None
    assert smtp_server.mailbox.messages == []
    assert _events("student.invite") == []


@pytest.mark.parametrize("email", ["", "not-an-address", "a@" + "b" * 260 + ".no"])
def test_a_bad_e_mail_address_is_refused_by_the_field(client, schools, teacher, email):
    response = client.post(
        f"/pupils/{schools.ullern_pupil.id}/invite", data={"email": email, "language": "nb"}
    )

    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    db.session.refresh(schools.ullern_pupil)
    assert schools.ullern_pupil.user_id is None
