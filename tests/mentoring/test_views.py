"""The mentoring pages through real requests: who may do what, and bad input never a 500."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from talent.extensions import db
from talent.mentoring import links
from talent.mentoring.models import (
    Concern,
    FeedbackStage,
    Goal,
    MenteeProfile,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
)
from talent.people.models import Role
from tests import factories
from tests.support.clock import platform_today
from tests.support.smtp import deliver


@pytest.fixture
def app_settings():
    """English pages: the test client shares one app context, so the first request's locale
    sticks; make that English so that messages can be compared."""
    return {"BABEL_DEFAULT_LOCALE": "en"}


def today() -> date:
    return datetime.now(UTC).date()


@pytest.fixture
def world(mk):
    lead = mk.user(Role.COORDINATOR, name="Kari Koordinator")
    programme = mk.programme(lead=lead, name="Ullern mentoring")
    mentor = mk.mentor(name="Magnus Mentor", expertise=["immunology"])
    other_mentor = mk.mentor(name="Olga Other")
    account = mk.user(Role.STUDENT, name="Sara Elev")
    mentee = mk.pupil(name="Sara Elev", interests=["immunology"])
    mentee.student.user = account
    pairing = mk.pairing(mentor, mentee, programme, starts_on=today() - timedelta(days=30))
    other = mk.pairing(other_mentor, mk.pupil(), programme, starts_on=today() - timedelta(days=30))
    session = mk.session(
        pairing,
        held_on=today() - timedelta(days=2),
        minutes=90,
        private="PRIVATE-WORRY",
        shared="SHARED-READING",
    )
    db.session.commit()
    return SimpleNamespace(
        lead=lead,
        programme=programme,
        mentor=mentor,
        other_mentor=other_mentor,
        account=account,
        mentee=mentee,
        pairing=pairing,
        other=other,
        session=session,
    )


def page(response) -> str:
    return response.get_data(as_text=True)


def session_form(**fields):
    data = {
        "held_on": (today() - timedelta(days=1)).isoformat(),
        "duration_minutes": "45",
        "mode": "video",
        "topics": "Study choices",
        "shared_note": "Look at the medicine programme",
        "private_note": "Keep an eye on stress",
    }
    data.update(fields)
    return data


# --- the mentor ----------------------------------------------------------------------------


def test_mentor_logs_a_session(client, login, world):
    login(world.mentor.user)
    response = client.post(
        f"/mentoring/pairings/{world.pairing.id}/sessions/new", data=session_form()
    )
    assert response.status_code == 302
    logged = db.session.scalars(
        sa.select(MentoringSession).where(MentoringSession.duration_minutes == 45)
    ).one()
    assert logged.private_note == "Keep an eye on stress"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"held_on": (platform_today() + timedelta(days=3)).isoformat()}, "in the future"),
        ({"duration_minutes": "-20"}, "between 5 and 480 minutes"),
        ({"duration_minutes": "100000"}, "between 5 and 480 minutes"),
        ({"duration_minutes": "an hour"}, "Not a valid integer"),
        ({"held_on": "31.02.2026"}, "Not a valid date"),
        ({"mode": "telepathy"}, "Not a valid choice"),
        ({"held_on": "1999-01-01"}, "cannot be earlier"),
    ],
)
def test_bad_session_input_is_explained_and_kept(client, login, world, fields, message):
    login(world.mentor.user)
    response = client.post(
        f"/mentoring/pairings/{world.pairing.id}/sessions/new",
        data=session_form(topics="Kept topics", **fields),
    )
    assert response.status_code == 400
    assert message in page(response)
    assert "Kept topics" in page(response)
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 1


def test_a_mentor_cannot_log_or_read_someone_elses_pairing(client, login, world):
    login(world.mentor.user)
    assert client.get(f"/mentoring/pairings/{world.other.id}").status_code == 403
    response = client.post(
        f"/mentoring/pairings/{world.other.id}/sessions/new", data=session_form()
    )
    assert response.status_code == 403
    assert client.get("/mentoring/pairings/999999").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(MentoringSession.id))) == 1


def test_the_mentors_page_lists_only_their_own_pairings(client, login, world):
    login(world.mentor.user)
    text = page(client.get("/mentoring/"))
    assert f'data-pairing="{world.pairing.id}"' in text
    assert f'data-pairing="{world.other.id}"' not in text
    assert 'data-section="overview"' not in text


def test_mentor_accepts_a_proposal_and_cannot_answer_twice(client, login, world, mk):
    proposal = mk.pairing(world.mentor, mk.pupil(), world.programme, state=PairingState.PROPOSED)
    proposal.respond_by = datetime.now(UTC) + timedelta(days=3)
    db.session.commit()
    login(world.mentor.user)
    assert client.post(f"/mentoring/pairings/{proposal.id}/accept").status_code == 302
    assert db.session.get(Pairing, proposal.id).state is PairingState.ACTIVE
    response = client.post(f"/mentoring/pairings/{proposal.id}/accept", follow_redirects=True)
    assert response.status_code == 200
    assert "already active" in page(response)


def test_another_mentor_cannot_answer_a_proposal(client, login, world, mk):
    proposal = mk.pairing(world.mentor, mk.pupil(), world.programme, state=PairingState.PROPOSED)
    db.session.commit()
    login(world.other_mentor.user)
    assert client.post(f"/mentoring/pairings/{proposal.id}/accept").status_code == 403
    assert client.post(f"/mentoring/pairings/{proposal.id}/decline").status_code == 403


def test_the_pairing_page_pages_its_log_with_each_lines_buttons(client, login, world, mk):
    for day in range(3, 23):
        mk.session(world.pairing, held_on=today() - timedelta(days=day), minutes=45)
    goal = Goal(pairing=world.pairing, title="Visit a lab")
    db.session.add(goal)
    world.session.goals_moved = [goal]
    db.session.commit()
    login(world.mentor.user)
    first = page(client.get(f"/mentoring/pairings/{world.pairing.id}"))
    assert "Page 1 of 2" in first
    assert first.count("data-session=") == 20
    assert f"/mentoring/sessions/{world.session.id}/edit" in first
    assert "1 h 30 min · Video" in first and "45 min · Video" in first
    assert "of 16 h 30 min logged" in first
    assert "<strong>Goals it moved:</strong> Visit a lab</p>" in first
    assert first.count("Visit a lab") == 2  # in the goals list too
    second = page(client.get(f"/mentoring/pairings/{world.pairing.id}?page=2"))
    assert second.count("data-session=") == 1 and "Page 2 of 2" in second


# --- the mentee ----------------------------------------------------------------------------


def test_a_mentee_sees_the_shared_note_but_never_the_private_one(client, login, world):
    login(world.account)
    text = page(client.get(f"/mentoring/pairings/{world.pairing.id}"))
    assert "SHARED-READING" in text
    assert "PRIVATE-WORRY" not in text
    for url in (
        f"/mentoring/sessions/{world.session.id}/edit",
        f"/mentoring/pairings/{world.other.id}",
        f"/mentoring/pairings/{world.pairing.id}/sessions/new",
        "/mentoring/concerns",
        f"/mentoring/mentees/{world.mentee.id}",
    ):
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "PRIVATE-WORRY" not in page(response)


def test_a_mentee_with_an_account_confirms_in_the_app(client, login, world):
    login(world.account)
    response = client.post(f"/mentoring/sessions/{world.session.id}/confirm")
    assert response.status_code == 302
    assert db.session.get(MentoringSession, world.session.id).confirmed_at is not None


def test_a_mentor_cannot_confirm_their_own_session(client, login, world):
    login(world.mentor.user)
    assert client.post(f"/mentoring/sessions/{world.session.id}/confirm").status_code == 403


def test_a_pupil_confirms_by_link_and_never_sees_the_private_note(client, app, world):
    token = links.make_confirm_token(app.config["SECRET_KEY"], world.session)
    text = page(client.get(f"/mentoring/confirm/{token}"))
    assert "SHARED-READING" in text and "PRIVATE-WORRY" not in text
    response = client.post(f"/mentoring/confirm/{token}", data={"answer": "confirm"})
    assert response.status_code == 302
    assert db.session.get(MentoringSession, world.session.id).confirmed_at is not None
    assert "data-confirmed" in page(client.get(f"/mentoring/confirm/{token}"))


def test_a_pupil_can_say_a_session_is_wrong(client, app, world):
    token = links.make_confirm_token(app.config["SECRET_KEY"], world.session)
    response = client.post(f"/mentoring/confirm/{token}", data={"answer": "dispute"})
    assert response.status_code == 200  # the comment is missing: asked again
    response = client.post(
        f"/mentoring/confirm/{token}", data={"answer": "dispute", "comment": "We met 30 min"}
    )
    assert response.status_code == 302
    assert db.session.get(MentoringSession, world.session.id).dispute_comment == "We met 30 min"


@pytest.mark.parametrize("token", ["not-a-token", "x" * 500, "eyJzIjoxfQ.abc.def"])
def test_bad_confirmation_links_get_a_clear_page(client, token):
    response = client.get(f"/mentoring/confirm/{token}")
    assert response.status_code == 400
    assert "link" in page(response).lower()


def test_a_link_for_another_mentee_does_not_confirm(client, app, world, mk):
    forged = links._serializer(app.config["SECRET_KEY"], links.CONFIRM).dumps(
        {"s": world.session.id, "m": world.mentee.id + 1000}
    )
    assert (
        client.post(f"/mentoring/confirm/{forged}", data={"answer": "confirm"}).status_code == 400
    )


# --- the coordinator -----------------------------------------------------------------------


def test_coordinator_sees_private_notes_and_confirmed_hours(client, login, world):
    world.session.confirmed_at = datetime.now(UTC)
    db.session.commit()
    login(world.lead)
    text = page(client.get(f"/mentoring/pairings/{world.pairing.id}"))
    assert "PRIVATE-WORRY" in text
    assert 'data-confirmed-minutes="90"' in text
    overview = page(client.get("/mentoring/"))
    assert 'data-confirmed-minutes="90"' in overview


def test_coordinator_cannot_pair_an_unvetted_mentor_with_a_minor(client, login, world, mk):
    unvetted = mk.mentor(name="Ulf Uvettet", vetted=False)
    mentee = mk.pupil(name="Mia Mindreårig")
    db.session.commit()
    login(world.lead)
    text = page(client.get(f"/mentoring/mentees/{mentee.id}/match"))
    assert "No police certificate is recorded." in text
    assert f'value="{unvetted.id}"' not in text  # no propose button for him
    response = client.post(
        f"/mentoring/mentees/{mentee.id}/match",
        data={
            "programme": world.programme.id,
            "starts_on": today().isoformat(),
            "planned_end_on": (today() + timedelta(days=200)).isoformat(),
            "mentor_id": unvetted.id,
        },
    )
    assert response.status_code == 400
    assert "cannot be paired with a pupil under 18" in page(response)
    assert db.session.scalar(sa.select(sa.func.count(Pairing.id))) == 2


def test_coordinator_proposes_from_the_matching_page(client, login, world, mk):
    mentee = mk.pupil(name="Nora", interests=["immunology"])
    vetted = mk.mentor(name="Vera Vetted", expertise=["immunology"])
    db.session.commit()
    login(world.lead)
    response = client.post(
        f"/mentoring/mentees/{mentee.id}/match",
        data={
            "programme": world.programme.id,
            "starts_on": today().isoformat(),
            "planned_end_on": (today() + timedelta(days=200)).isoformat(),
            "mentor_id": vetted.id,
        },
    )
    assert response.status_code == 302
    pairing = db.session.scalars(sa.select(Pairing).where(Pairing.mentee_id == mentee.id)).one()
    assert pairing.state is PairingState.PROPOSED and pairing.mentor_id == vetted.id
    assert db.session.get(MentorProfile, vetted.id).open_pairings == 1


def test_coordinator_records_vetting_with_bad_dates_explained(client, login, world):
    login(world.lead)
    user_id = world.other_mentor.user_id
    response = client.post(
        f"/mentoring/mentors/{user_id}/vetting",
        data={"police_certificate_on": "2026-01-10", "police_certificate_expires_on": "2025-01-10"},
    )
    assert response.status_code == 400
    assert "must expire after" in page(response)
    response = client.post(
        f"/mentoring/mentors/{user_id}/vetting",
        data={
            "police_certificate_on": "2025-01-10",
            "police_certificate_expires_on": "2028-01-10",
            "safeguarding_training_on": "2025-02-01",
            "code_of_conduct_accepted_on": "2025-02-01",
        },
    )
    assert response.status_code == 302


def test_mentor_edits_own_profile_but_not_vetting_or_others(client, login, world):
    login(world.mentor.user)
    own = f"/mentoring/mentors/{world.mentor.user_id}"
    assert client.get(own).status_code == 200
    response = client.post(
        own,
        data={
            "organization": "0",
            "expertise": "Immunology, AI",
            "languages": ["nb", "en"],
            "capacity": "3",
        },
    )
    assert response.status_code == 302
    assert db.session.get(MentorProfile, world.mentor.id).expertise == ["immunology", "ai"]
    assert client.post(f"{own}/vetting", data={}).status_code == 403
    assert client.get(f"/mentoring/mentors/{world.other_mentor.user_id}").status_code == 403


def test_capacity_cannot_drop_below_open_pairings(client, login, world):
    login(world.lead)
    response = client.post(
        f"/mentoring/mentors/{world.mentor.user_id}",
        data={"organization": "0", "expertise": "", "languages": ["nb"], "capacity": "0"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page(response)
    assert db.session.get(MentorProfile, world.mentor.id).capacity == 2


def test_coordinator_adds_a_mentee_from_the_search(client, login, world):
    school_class = factories.school_class(factories.school())
    pupil = factories.student(school_class, name="Henrik Søk")
    db.session.commit()
    login(world.lead)
    assert "Henrik Søk" in page(client.get("/mentoring/mentees?find=Henrik"))
    response = client.post("/mentoring/mentees/new", data={"student_id": pupil.id})
    assert response.status_code == 302
    profile = db.session.scalars(
        sa.select(MenteeProfile).where(MenteeProfile.student_id == pupil.id)
    ).one()
    response = client.post(
        f"/mentoring/mentees/{profile.id}",
        data={"interests": "Medicine", "languages": ["nb"], "contact_email": "not-an-address"},
    )
    assert response.status_code == 200 and 'aria-invalid="true"' in page(response)
    assert client.post("/mentoring/mentees/new", data={"student_id": "abc"}).status_code == 302
    assert client.post("/mentoring/mentees/new", data={"student_id": "999999"}).status_code == 404


def test_concerns_go_to_coordinators_only(client, login, world):
    login(world.mentor.user)
    response = client.post(
        f"/mentoring/pairings/{world.pairing.id}/concern",
        data={"summary": "Worried", "details": "CONCERN-DETAILS"},
    )
    assert response.status_code == 302
    concern = db.session.scalars(sa.select(Concern)).one()
    assert client.get(f"/mentoring/concerns/{concern.id}").status_code == 403
    assert client.get("/mentoring/concerns").status_code == 403
    assert "CONCERN-DETAILS" not in page(client.get(f"/mentoring/pairings/{world.pairing.id}"))
    client.post("/logout")
    login(world.lead)
    assert "CONCERN-DETAILS" in page(client.get(f"/mentoring/concerns/{concern.id}"))
    response = client.post(f"/mentoring/concerns/{concern.id}/notes", data={"body": ""})
    assert response.status_code == 400
    response = client.post(f"/mentoring/concerns/{concern.id}/close", data={"outcome": "Done"})
    assert response.status_code == 302


def test_planning_a_session_in_the_past_is_explained(client, login, world):
    login(world.mentor.user)
    response = client.post(
        f"/mentoring/pairings/{world.pairing.id}/plan",
        data={"starts_at": "2020-01-01T10:00", "duration_minutes": "60", "mode": "phone"},
    )
    assert response.status_code == 400 and "in the future" in page(response)
    soon = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    response = client.post(
        f"/mentoring/pairings/{world.pairing.id}/plan",
        data={"starts_at": soon, "duration_minutes": "60", "mode": "phone", "place": "Room 1"},
    )
    assert response.status_code == 302
    text = page(client.get(f"/mentoring/pairings/{world.pairing.id}"))
    planned_id = re.search(r'data-planned="(\d+)"', text).group(1)
    download = client.get(f"/mentoring/planned/{planned_id}.ics")
    assert download.mimetype == "text/calendar"
    assert b"Room 1" in download.data
    client.post("/logout")
    login(world.other_mentor.user)
    assert client.get(f"/mentoring/planned/{planned_id}.ics").status_code == 403
    assert client.post(f"/mentoring/planned/{planned_id}/cancel").status_code == 403


def test_the_mentor_resends_the_confirmation_link(client, app, login, world, mk, smtp_server):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none")
    pupil = mk.pupil(contact_email="pupil@example.org")
    pairing = mk.pairing(world.mentor, pupil, world.programme)
    session = mk.session(pairing)
    db.session.commit()
    login(world.mentor.user)
    resend = f"/mentoring/sessions/{session.id}/resend"
    assert "on its way again" in page(client.post(resend, follow_redirects=True))
    assert "went out a moment ago" in page(client.post(resend, follow_redirects=True))
    assert smtp_server.mailbox.messages == []  # the web process sends nothing

    deliver()
    [message] = smtp_server.mailbox.messages
    assert message["To"] == "pupil@example.org"
    text = message.get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/mentoring/confirm/\S+)", text).group(1)
    client.post("/logout")
    assert client.post(link, data={"answer": "confirm"}).status_code == 302
    assert db.session.get(MentoringSession, session.id).confirmed_at is not None

    login(world.other_mentor.user)
    assert client.post(resend).status_code == 403


def test_feedback_in_the_app_and_by_link(client, app, login, world, mk):
    world.pairing.state = PairingState.COMPLETED
    pupil = mk.pupil(contact_email="pupil@example.org")
    finished = mk.pairing(world.mentor, pupil, world.programme, state=PairingState.COMPLETED)
    db.session.commit()
    login(world.mentor.user)
    url = f"/mentoring/pairings/{world.pairing.id}/feedback"
    assert client.get(f"{url}?stage=end").status_code == 200
    response = client.post(url, data={"stage": "end", "rating": "9"})
    assert response.status_code == 200 and 'aria-invalid="true"' in page(response)
    assert client.post(url, data={"stage": "end", "rating": "4"}).status_code == 302
    assert "data-feedback-given" in page(client.get(f"{url}?stage=end"))

    token = links.make_feedback_token(app.config["SECRET_KEY"], finished, FeedbackStage.END)
    client.post("/logout")
    link = f"/mentoring/feedback/{token}"
    assert "Magnus Mentor" in page(client.get(link))
    assert client.post(link, data={"rating": "5", "comment": "Great"}).status_code == 302
    assert "data-feedback-given" in page(client.get(link))
    assert client.post(link, data={"rating": "5"}).status_code == 200  # already given
    assert client.get("/mentoring/feedback/garbage").status_code == 400


def test_coordinator_creates_a_programme_with_bad_input_explained(client, login, world):
    login(world.lead)
    data = {
        "name": "Researchers 2027",
        "safeguarding_lead": world.lead.id,
        "pupil_cadence_days": "3",
        "researcher_cadence_days": "30",
        "proposal_days": "5",
    }
    response = client.post("/mentoring/programmes/new", data=data)
    assert response.status_code == 200 and "Between 7 and 120 days." in page(response)
    data["pupil_cadence_days"] = "21"
    assert client.post("/mentoring/programmes/new", data=data).status_code == 302
    assert "Researchers 2027" in page(client.get("/mentoring/programmes"))
    response = client.post("/mentoring/programmes/new", data=data)
    assert "already exists" in page(response)
    data["safeguarding_lead"] = world.mentor.user_id
    assert "Not a valid choice" in page(client.post("/mentoring/programmes/new", data=data))


def test_decline_with_a_reason_and_end_early(client, login, world, mk):
    proposal = mk.pairing(world.mentor, mk.pupil(), world.programme, state=PairingState.PROPOSED)
    proposal.respond_by = datetime.now(UTC) + timedelta(days=3)
    db.session.commit()
    login(world.mentor.user)
    assert client.get(f"/mentoring/pairings/{proposal.id}/decline").status_code == 200
    response = client.post(
        f"/mentoring/pairings/{proposal.id}/decline", data={"reason": "Away all spring"}
    )
    assert response.status_code == 302
    assert db.session.get(Pairing, proposal.id).decline_reason == "Away all spring"
    client.post("/logout")
    login(world.lead)
    url = f"/mentoring/pairings/{world.pairing.id}/end"
    assert 'aria-invalid="true"' in page(client.post(url, data={"reason": ""}))
    assert client.post(url, data={"reason": "Moved to Bergen"}).status_code == 302
    assert db.session.get(Pairing, world.pairing.id).state is PairingState.ENDED_EARLY


def test_a_new_mentor_is_invited_to_create_a_profile(client, login, mk):
    newcomer = mk.user(Role.MENTOR)
    db.session.commit()
    login(newcomer)
    text = page(client.get("/mentoring/"))
    assert f'href="/mentoring/mentors/{newcomer.id}"' in text
    response = client.post(
        f"/mentoring/mentors/{newcomer.id}",
        data={"organization": "0", "expertise": "Oncology", "languages": ["nb"], "capacity": "1"},
    )
    assert response.status_code == 302
    assert db.session.scalar(sa.select(MentorProfile.expertise)) == ["oncology"]
