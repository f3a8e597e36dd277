"""The scheduled jobs: lapsing proposals, overdue nudges and escalations, 90-day silence,
expiring vetting and feedback requests. Each is idempotent."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from talent.extensions import db
from talent.mentoring import jobs
from talent.mentoring.models import PairingState, SessionMode
from talent.mentoring.services import reminders
from talent.mentoring.services.sessions import SessionEntry, log_session
from talent.people.models import Role
from talent.reminders.delivery import deliver_due
from talent.reminders.models import Notification
from tests.mentoring.conftest import NOW, TODAY


def sent(kind):
    """(recipient id, discriminator part of the key) of each ledger row of a kind."""
    rows = db.session.scalars(sa.select(Notification).where(Notification.kind == kind)).all()
    return sorted(n.recipient_id for n in rows)


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=UTC).replace(hour=8)


def test_lapse_proposals_after_the_deadline_and_tell_the_coordinator(mk):
    coordinator = mk.user(Role.COORDINATOR)
    programme = mk.programme()
    mentee = mk.pupil(interests=["ai"])
    slow = mk.mentor(name="Slow", expertise=["ai"])
    mk.mentor(name="Next one")
    pairing = mk.pairing(slow, mentee, programme, state=PairingState.PROPOSED)
    pairing.proposed_by = coordinator
    pairing.respond_by = NOW + timedelta(days=1)
    db.session.commit()

    assert jobs.lapse_proposals(NOW) == 0
    assert jobs.lapse_proposals(NOW + timedelta(days=1, minutes=1)) == 1
    assert pairing.state is PairingState.LAPSED
    assert slow.open_pairings == 0
    answered = db.session.scalars(
        sa.select(Notification).where(Notification.kind == reminders.PROPOSAL_ANSWERED)
    ).one()
    assert answered.recipient_id == coordinator.id
    assert answered.context["next_mentor"] == "Next one"
    assert jobs.lapse_proposals(NOW + timedelta(days=2)) == 0


def test_nudge_once_per_missed_cycle_and_escalate_after_two(mk):
    lead = mk.user(Role.COORDINATOR)
    programme = mk.programme(lead=lead)
    pairing = mk.pairing(mk.mentor(), mk.pupil(), programme, starts_on=TODAY, cadence_days=21)
    db.session.commit()
    mentor_id = pairing.mentor.user_id

    assert jobs.nudge_overdue_pairings(at(TODAY + timedelta(days=21))) == (0, 0)
    assert jobs.nudge_overdue_pairings(at(TODAY + timedelta(days=22))) == (1, 0)
    assert jobs.nudge_overdue_pairings(at(TODAY + timedelta(days=30))) == (0, 0)
    assert sent(reminders.OVERDUE) == [mentor_id]
    assert jobs.nudge_overdue_pairings(at(TODAY + timedelta(days=42))) == (1, 1)
    assert sent(reminders.OVERDUE) == [mentor_id, mentor_id]
    assert sent(reminders.ESCALATION) == [lead.id]
    assert jobs.nudge_overdue_pairings(at(TODAY + timedelta(days=43))) == (0, 0)


def test_paused_pairings_are_not_nudged(mk):
    mk.pairing(mk.mentor(), mk.pupil(), mk.programme(), state=PairingState.PAUSED, starts_on=TODAY)
    db.session.commit()
    assert jobs.nudge_overdue_pairings(at(TODAY + timedelta(days=100))) == (0, 0)


def test_silence_warns_at_90_days_and_closes_7_days_later(mk):
    mentor = mk.mentor()
    pairing = mk.pairing(mentor, mk.pupil(), mk.programme(), starts_on=TODAY)
    db.session.commit()

    assert jobs.close_silent_pairings(at(TODAY + timedelta(days=89))) == (0, 0)
    warned_at = at(TODAY + timedelta(days=90))
    assert jobs.close_silent_pairings(warned_at) == (1, 0)
    assert len(sent(reminders.CLOSING)) == 2  # the mentor and the coordinator
    assert jobs.close_silent_pairings(warned_at + timedelta(days=6)) == (0, 0)
    assert jobs.close_silent_pairings(warned_at + timedelta(days=7)) == (0, 1)
    assert pairing.state is PairingState.ENDED_EARLY
    assert "90" in pairing.end_reason
    assert mentor.open_pairings == 0


def test_a_session_after_the_warning_keeps_the_pairing(mk):
    pairing = mk.pairing(mk.mentor(), mk.pupil(), mk.programme(), starts_on=TODAY)
    db.session.commit()
    warned_at = at(TODAY + timedelta(days=90))
    jobs.close_silent_pairings(warned_at)
    log_session(
        pairing.mentor.user,
        pairing,
        SessionEntry(
            held_on=TODAY + timedelta(days=91), duration_minutes=30, mode=SessionMode.PHONE
        ),
        now=warned_at + timedelta(days=1),
    )
    db.session.commit()
    assert jobs.close_silent_pairings(warned_at + timedelta(days=8)) == (0, 0)
    assert pairing.state is PairingState.ACTIVE


def test_vetting_expiring_within_30_days_warns_once_per_expiry(mk):
    coordinator = mk.user(Role.COORDINATOR)
    soon = mk.mentor()
    soon.police_certificate_expires_on = TODAY + timedelta(days=30)
    soon.vetting_recorded_by_id = coordinator.id
    later = mk.mentor()
    later.police_certificate_expires_on = TODAY + timedelta(days=31)
    db.session.commit()

    assert jobs.warn_expiring_vetting(at(TODAY)) == 1
    assert jobs.warn_expiring_vetting(at(TODAY)) == 0
    assert sent(reminders.VETTING) == sorted([soon.user_id, coordinator.id])
    # A renewed certificate that again runs out is warned about again.
    soon.police_certificate_expires_on = TODAY + timedelta(days=20)
    db.session.commit()
    assert jobs.warn_expiring_vetting(at(TODAY)) == 1


def test_feedback_is_asked_at_the_mid_point_and_the_end(mk, app):
    mentee = mk.researcher(languages=["nb"])
    pairing = mk.pairing(mk.mentor(), mentee, mk.programme(), starts_on=TODAY)
    pairing.planned_end_on = TODAY + timedelta(days=100)
    db.session.commit()

    assert jobs.request_feedback(at(TODAY + timedelta(days=49))) == 0
    assert jobs.request_feedback(at(TODAY + timedelta(days=50))) == 1
    assert pairing.mid_feedback_requested_at is not None
    assert jobs.request_feedback(at(TODAY + timedelta(days=60))) == 0
    assert jobs.request_feedback(at(TODAY + timedelta(days=93))) == 1
    assert sent(reminders.FEEDBACK) == sorted([pairing.mentor.user_id, mentee.user_id] * 2)
    assert jobs.request_feedback(at(TODAY + timedelta(days=99))) == 0


def test_a_pupil_without_an_account_gets_the_feedback_link_through_the_ledger(
    mk, app, client, login, smtp_server
):
    """The request is a ledger row, once per pairing and stage; its link is made when the
    scheduler writes the e-mail, and the feedback page takes it."""
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_SECURITY="none")
    mentee = mk.pupil(contact_email="pupil@example.org")
    pairing = mk.pairing(mk.mentor(), mentee, mk.programme(), starts_on=TODAY)
    pairing.state = PairingState.COMPLETED
    db.session.commit()
    asked_at = at(TODAY + timedelta(days=5))
    assert jobs.request_feedback(asked_at) == 1
    assert jobs.request_feedback(asked_at) == 0
    request = db.session.scalars(
        sa.select(Notification).where(Notification.kind == reminders.FEEDBACK_BY_LINK)
    ).one()
    assert request.recipient_id is None and request.recipient_address == "pupil@example.org"
    assert "token" not in str(request.context)  # made at delivery, never stored
    assert sent(reminders.FEEDBACK) == [pairing.mentor.user_id]
    mentor_email = pairing.mentor.user.email

    assert deliver_due(now=asked_at).sent == 2  # the pupil's e-mail and the mentor's notice
    received = {m["To"]: m for m in smtp_server.mailbox.messages}
    assert set(received) == {"pupil@example.org", mentor_email}
    text = received["pupil@example.org"].get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/mentoring/feedback/\S+)", text).group(1)
    assert "Choose which messages you get" not in text  # no account, no preferences
    assert client.post(link, data={"rating": "4"}).status_code == 302
    assert "data-feedback-given" in client.get(link).get_data(as_text=True)

    login(mk.user(Role.COORDINATOR))
    ledger = client.get("/ledger/?recipient=PUPIL@").get_data(as_text=True)
    assert "pupil@example.org" in ledger and "no account" in ledger
