"""Pairings: proposal, answer, states, the vetting rule for minors, capacity and uniqueness."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError

from talent.audit.models import AuditEvent
from talent.errors import Conflict, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.mentoring.models import Pairing, PairingState
from talent.mentoring.services import pairings as service
from talent.people.models import Role
from tests.mentoring.conftest import NOW, TODAY


@pytest.fixture
def coordinator(mk):
    return mk.user(Role.COORDINATOR)


def propose(coordinator, mentee, mentor, programme, **kwargs):
    kwargs.setdefault("starts_on", TODAY)
    kwargs.setdefault("planned_end_on", TODAY + timedelta(days=270))
    return service.propose_pairing(coordinator, mentee, mentor, programme, now=NOW, **kwargs)


def test_proposal_takes_a_place_and_sets_a_deadline(mk, coordinator):
    programme = mk.programme(proposal_days=5)
    mentor = mk.mentor(capacity=2)
    mentee = mk.pupil()
    pairing = propose(coordinator, mentee, mentor, programme)
    assert pairing.state is PairingState.PROPOSED
    assert pairing.respond_by == NOW + timedelta(days=5)
    assert pairing.cadence_days == programme.pupil_cadence_days
    assert mentor.open_pairings == 1
    assert db.session.scalar(sa.select(AuditEvent.action)) == "pairing.propose"


def test_researchers_get_the_researcher_cadence(mk, coordinator):
    programme = mk.programme(researcher_cadence_days=30)
    pairing = propose(coordinator, mk.researcher(languages=["nb"]), mk.mentor(), programme)
    assert pairing.cadence_days == 30


def test_unvetted_mentor_cannot_be_proposed_for_a_minor_and_the_message_says_why(mk, coordinator):
    programme = mk.programme()
    mentor = mk.mentor(name="Ulf Uvettet", vetted=False)
    with pytest.raises(NotAllowed) as refused, force_locale("en"):
        propose(coordinator, mk.pupil(), mentor, programme)
    with force_locale("en"):
        message = str(refused.value.message)
    assert message.startswith("Ulf Uvettet cannot be paired with a pupil under 18:")
    assert "No police certificate is recorded." in message
    assert mentor.open_pairings == 0


def test_expired_certificate_blocks_a_minor_but_not_an_adult(mk, coordinator):
    programme = mk.programme()
    mentor = mk.mentor(name="Eva")
    mentor.police_certificate_expires_on = TODAY - timedelta(days=1)
    with pytest.raises(NotAllowed):
        propose(coordinator, mk.pupil(), mentor, programme)
    mentor = mk.mentor(name="Eva 2")
    mentor.police_certificate_expires_on = TODAY - timedelta(days=1)
    assert propose(coordinator, mk.researcher(languages=["nb"]), mentor, programme)


def test_vetting_that_lapses_before_acceptance_blocks_the_acceptance(mk, coordinator):
    programme = mk.programme()
    mentor = mk.mentor()
    pairing = propose(coordinator, mk.pupil(), mentor, programme)
    mentor.police_certificate_expires_on = TODAY
    with pytest.raises(NotAllowed):
        service.accept_pairing(mentor.user, pairing, now=NOW)
    assert pairing.state is PairingState.PROPOSED


def test_one_open_pairing_per_mentee_and_programme(mk, coordinator):
    programme = mk.programme()
    mentee = mk.pupil()
    propose(coordinator, mentee, mk.mentor(), programme)
    with pytest.raises(Conflict):
        propose(coordinator, mentee, mk.mentor(), programme)
    # Another programme is fine.
    assert propose(coordinator, mentee, mk.mentor(), mk.programme())


def test_the_partial_unique_index_holds_without_the_service(mk):
    programme = mk.programme()
    mentee = mk.pupil()
    mk.pairing(mk.mentor(), mentee, programme, state=PairingState.DECLINED)
    mk.pairing(mk.mentor(), mentee, programme, state=PairingState.ACTIVE)
    with pytest.raises(IntegrityError):
        mk.pairing(mk.mentor(), mentee, programme, state=PairingState.PAUSED)


def test_capacity_holds_and_the_check_constraint_backs_it(mk, coordinator):
    programme = mk.programme()
    mentor = mk.mentor(capacity=1)
    propose(coordinator, mk.pupil(), mentor, programme)
    with pytest.raises(Conflict):
        propose(coordinator, mk.pupil(), mentor, programme)
    with pytest.raises(IntegrityError):
        db.session.execute(sa.text("UPDATE mentor_profiles SET open_pairings = capacity + 1"))


def test_accept_before_the_deadline(mk, coordinator):
    mentor = mk.mentor()
    pairing = propose(coordinator, mk.pupil(), mentor, mk.programme())
    service.accept_pairing(mentor.user, pairing, now=NOW + timedelta(days=1))
    assert pairing.state is PairingState.ACTIVE
    assert pairing.responded_at == NOW + timedelta(days=1)
    assert mentor.open_pairings == 1


def test_accept_after_the_deadline_is_refused(mk, coordinator):
    mentor = mk.mentor()
    pairing = propose(coordinator, mk.pupil(), mentor, mk.programme(proposal_days=5))
    with pytest.raises(InvalidState):
        service.accept_pairing(mentor.user, pairing, now=NOW + timedelta(days=5, seconds=1))


def test_decline_frees_the_place_and_keeps_the_reason(mk, coordinator):
    mentor = mk.mentor(capacity=1)
    mentee = mk.pupil()
    programme = mk.programme()
    pairing = propose(coordinator, mentee, mentor, programme)
    service.decline_pairing(mentor.user, pairing, reason="  Travelling all spring ", now=NOW)
    assert pairing.state is PairingState.DECLINED
    assert pairing.decline_reason == "Travelling all spring"
    assert mentor.open_pairings == 0
    # The mentee can be proposed again, to someone else.
    assert propose(coordinator, mentee, mk.mentor(), programme)


def test_allowed_and_refused_transitions(mk, coordinator):
    mentor = mk.mentor()
    pairing = mk.pairing(mentor, mk.pupil(), mk.programme())
    service.pause_pairing(coordinator, pairing, now=NOW)
    assert pairing.state is PairingState.PAUSED
    service.resume_pairing(coordinator, pairing, now=NOW)
    assert pairing.state is PairingState.ACTIVE
    assert pairing.cadence_from == TODAY
    service.complete_pairing(coordinator, pairing, now=NOW)
    assert pairing.state is PairingState.COMPLETED
    assert mentor.open_pairings == 0
    with pytest.raises(InvalidState) as refused, force_locale("en"):
        service.pause_pairing(coordinator, pairing, now=NOW)
    with force_locale("en"):
        assert str(refused.value.message) == (
            "This pairing is completed, so it cannot become paused."
        )
    with pytest.raises(InvalidState):
        service.accept_pairing(mentor.user, pairing, now=NOW)


def test_ending_early_needs_a_reason(mk, coordinator):
    mentor = mk.mentor()
    pairing = mk.pairing(mentor, mk.pupil(), mk.programme())
    with pytest.raises(ValidationFailed) as refused:
        service.end_pairing_early(coordinator, pairing, reason="   ", now=NOW)
    assert refused.value.field == "reason"
    service.end_pairing_early(coordinator, pairing, reason="Moved abroad", now=NOW)
    assert pairing.state is PairingState.ENDED_EARLY
    assert pairing.end_reason == "Moved abroad"
    assert mentor.open_pairings == 0


def test_the_database_refuses_ended_early_without_a_reason(mk):
    pairing = mk.pairing(mk.mentor(), mk.pupil(), mk.programme())
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.update(Pairing).where(Pairing.id == pairing.id).values(state="ended_early")
        )


def test_bad_dates_are_refused_with_the_field(mk, coordinator):
    programme, mentor = mk.programme(), mk.mentor()
    with pytest.raises(ValidationFailed) as refused:
        propose(coordinator, mk.pupil(), mentor, programme, planned_end_on=TODAY)
    assert refused.value.field == "planned_end_on"
    with pytest.raises(ValidationFailed) as refused:
        propose(coordinator, mk.pupil(), mentor, programme, cadence_days=400)
    assert refused.value.field == "cadence_days"
    with pytest.raises(ValidationFailed) as refused:
        propose(
            coordinator,
            mk.pupil(),
            mentor,
            programme,
            starts_on=date(2020, 1, 1),
            planned_end_on=date(2020, 6, 1),
        )
    assert refused.value.field == "starts_on"


def test_a_closed_programme_takes_no_proposals(mk, coordinator):
    with pytest.raises(InvalidState):
        propose(coordinator, mk.pupil(), mk.mentor(), mk.programme(is_active=False))


def test_overview_filters_overdue_pairings_in_sql(mk):
    programme = mk.programme()
    late = mk.pairing(mk.mentor(), mk.pupil(), programme, starts_on=TODAY - timedelta(days=30))
    mk.pairing(mk.mentor(), mk.pupil(), programme, starts_on=TODAY - timedelta(days=5))
    page = service.pairing_overview(page=1, overdue_on=TODAY)
    assert [p.id for p in page.items] == [late.id]
