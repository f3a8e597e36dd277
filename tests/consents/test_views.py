"""The consent pages: guardians, recording and withdrawing, and the guardian's signed link."""

from __future__ import annotations

import re
import time
from datetime import date

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from talent.consents import links, services
from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian
from talent.extensions import db
from talent.people.models import Role
from tests.programmes import factories as pf
from tests.support.smtp import deliver


@pytest.fixture
def world(make):
    school = make.school("Ullern videregående skole")
    teacher = make.user(Role.TEACHER, organization=school, name="Tove Lærer", language="en")
    pupil = make.student(make.school_class(school, "2STA"), "Emma Hansen")
    parent = pf.guardian(pupil, "Kari Hansen", email="kari@example.org")
    other_teacher = make.user(Role.TEACHER, organization=make.school(), language="en")
    db.session.commit()
    return school, teacher, pupil, parent, other_teacher


@pytest.fixture
def app_settings(mail_settings):
    return mail_settings


@pytest.fixture
def outbox(smtp_server):
    """What the real SMTP server received."""
    return smtp_server.mailbox.messages


def test_the_pupil_page_shows_guardians_and_what_is_missing(client, login, world):
    _, teacher, pupil, _, _ = world
    login(teacher)
    page = client.get(f"/pupils/{pupil.id}/consents").get_data(as_text=True)
    assert "Kari Hansen" in page
    assert "no consent for programme participation from a guardian is recorded" in page


def test_a_teacher_of_another_school_is_refused(client, login, world):
    *_, pupil, parent, other_teacher = world
    login(other_teacher)
    assert client.get(f"/pupils/{pupil.id}/consents").status_code == 403
    assert client.post(f"/guardians/{parent.id}/send-link").status_code == 403


def test_recording_a_paper_consent(client, login, world):
    _, teacher, pupil, parent, _ = world
    login(teacher)
    response = client.post(
        f"/pupils/{pupil.id}/consents/new",
        data={
            "kind": "lab_visits",
            "guardian_id": str(parent.id),
            "given_by": "",
            "method": "paper",
            "given_on": "2026-09-01",
            "expires_on": "2027-07-31",
            "note": "Signed form in the class binder",
        },
    )
    assert response.status_code == 302
    consent = db.session.scalars(sa.select(Consent)).one()
    assert (consent.kind, consent.given_by, consent.guardian_id) == (
        ConsentKind.LAB_VISITS,
        "Kari Hansen",
        parent.id,
    )
    assert consent.recorded_by_id == teacher.id


def test_a_bad_consent_form_keeps_what_was_typed(client, login, world):
    _, teacher, pupil, _, _ = world
    login(teacher)
    response = client.post(
        f"/pupils/{pupil.id}/consents/new",
        data={
            "kind": "lab_visits",
            "guardian_id": "",
            "given_by": "",
            "method": "paper",
            "given_on": "2026-13-45",
            "note": "kept text",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a guardian or write who gave the consent." in page or "like 2027-07-31" in page
    assert "kept text" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 0


def test_withdrawing_through_the_page(client, login, world):
    _, teacher, pupil, _, _ = world
    consent = pf.consent(pupil)
    db.session.commit()
    login(teacher)
    response = client.post(
        f"/consents/{consent.id}/withdraw", data={"withdrawn_by": "Kari Hansen by phone"}
    )
    assert response.status_code == 302
    again = client.post(  # a double-click
        f"/consents/{consent.id}/withdraw",
        data={"withdrawn_by": "Kari Hansen by phone"},
        follow_redirects=True,
    )
    assert "This consent was already withdrawn." in again.get_data(as_text=True)
    db.session.refresh(consent)
    assert consent.withdrawn_by == "Kari Hansen by phone"


def test_sending_a_link_and_answering_it_without_an_account(client, login, world, outbox):
    _, teacher, pupil, parent, _ = world
    login(teacher)
    assert client.post(f"/guardians/{parent.id}/send-link").status_code == 302
    assert outbox == []  # the web process sends nothing: the scheduler does
    deliver()
    [message] = outbox
    assert message["To"] == "kari@example.org"
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/consent/\S+)", text).group(1)

    client.post("/logout")
    page = client.get(link).get_data(as_text=True)
    assert "Emma Hansen" in page
    response = client.post(link, data={"programme": "y", "lab_visits": "y", "confirm": "y"})
    assert response.status_code == 200
    assert "Your answer is saved" in response.get_data(as_text=True)
    given = db.session.scalars(sa.select(Consent).where(Consent.student_id == pupil.id)).all()
    assert {c.kind for c in given} == {ConsentKind.PROGRAMME, ConsentKind.LAB_VISITS}
    assert all(c.method is ConsentMethod.DIGITAL and c.recorded_by_id == teacher.id for c in given)

    # The same link withdraws again, as long as it works.
    client.post(link, data={"programme": "y", "confirm": "y"})
    lab = services.current_consent(pupil, ConsentKind.LAB_VISITS)
    assert lab is None


def test_the_answer_needs_the_guardians_confirmation(client, world):
    *_, parent, _ = world
    link = f"/consent/{links.make_token(parent, None)}"
    response = client.post(link, data={"programme": "y"})
    assert "Confirm that you are a guardian" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Consent)) == 0


def test_sending_to_a_guardian_without_email_is_explained(client, login, world, outbox):
    _, teacher, pupil, _, _ = world
    nomail = Guardian(student=pupil, name="Per Hansen", email="", phone="+47 900 00 000")
    db.session.add(nomail)
    db.session.commit()
    login(teacher)
    page = client.post(f"/guardians/{nomail.id}/send-link", follow_redirects=True)
    assert "Per Hansen has no e-mail address" in page.get_data(as_text=True)
    deliver()
    assert outbox == []


def _token_issued_days_ago(monkeypatch, guardian, days):
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: int(time.time()) - days * 86400
    )
    token = links.make_token(guardian, None)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    return token


def test_an_expired_link_says_so(client, world, monkeypatch):
    *_, parent, _ = world
    with client.application.test_request_context():
        token = _token_issued_days_ago(monkeypatch, parent, 15)
    response = client.get(f"/consent/{token}")
    assert response.status_code == 400
    assert "This consent link has expired" in response.get_data(as_text=True)


@pytest.mark.parametrize("change", ["tamper", "email", "remove"])
def test_a_link_that_no_longer_holds_is_refused(client, world, change):
    *_, pupil, parent, _ = world
    with client.application.test_request_context():
        token = links.make_token(parent, None)
    if change == "tamper":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    elif change == "email":
        services.save_guardian(
            None, pupil, parent, name=parent.name, email="new@example.org", now=pf.NOW
        )
    else:
        db.session.delete(parent)
    db.session.commit()
    response = client.get(f"/consent/{token}")
    assert response.status_code == 400
    assert "link" in response.get_data(as_text=True)


def test_guardians_are_added_and_changed_through_forms(client, login, world):
    _, teacher, pupil, parent, _ = world
    login(teacher)
    response = client.post(
        f"/pupils/{pupil.id}/guardians/new",
        data={"name": "Per Hansen", "email": "per@example.org", "phone": "+47 912 34 567"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/guardians/{parent.id}", data={"name": "Kari Hansen", "email": "not-an-address"}
    )
    assert "This is not an e-mail address" in response.get_data(as_text=True)
    assert client.post(f"/guardians/{parent.id}/delete").status_code == 302
    names = db.session.scalars(sa.select(Guardian.name)).all()
    assert names == ["Per Hansen"]


def test_default_dates_on_the_consent_form(client, login, world):
    _, teacher, pupil, _, _ = world
    login(teacher)
    page = client.get(f"/pupils/{pupil.id}/consents/new").get_data(as_text=True)
    end = services.school_year_end(services.local_date(pf.NOW.now(tz=pf.NOW.tzinfo)))
    assert end.isoformat() in page
    assert isinstance(end, date)
