"""Concerns go to the safeguarding lead at once; feedback is taken once per side and stage."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.mentoring.models import ConcernStatus, FeedbackSide, FeedbackStage, PairingState
from talent.mentoring.services import feedback, reminders, safeguarding
from talent.people.models import Role
from talent.reminders.kinds import get_kind
from talent.reminders.models import Category, Notification
from tests.mentoring.conftest import NOW, TODAY


def test_a_concern_alerts_the_safeguarding_lead_without_its_details(mk):
    lead = mk.user(Role.COORDINATOR)
    pairing = mk.pairing(mk.mentor(), mk.pupil(), mk.programme(lead=lead, name="Ullern 2026"))
    concern = safeguarding.raise_concern(
        pairing.mentor.user,
        pairing,
        summary="Pupil mentioned trouble at home",
        details="Details only coordinators read",
        now=NOW,
    )
    assert concern.lead_id == lead.id and concern.status is ConcernStatus.OPEN
    alert = db.session.scalars(
        sa.select(Notification).where(Notification.kind == reminders.CONCERN)
    ).one()
    assert alert.recipient_id == lead.id and alert.due_at == NOW
    assert alert.context == {"programme": "Ullern 2026"}
    assert get_kind(reminders.CONCERN).category is Category.SAFETY


def test_concern_follow_up_log_and_closing(mk):
    coordinator = mk.user(Role.COORDINATOR)
    pairing = mk.pairing(mk.mentor(), mk.pupil(), mk.programme())
    concern = safeguarding.raise_concern(None, pairing, summary="Worry", now=NOW)
    with pytest.raises(ValidationFailed):
        safeguarding.raise_concern(None, pairing, summary="  ", now=NOW)
    safeguarding.add_concern_note(coordinator, concern, body="Called the school", now=NOW)
    with pytest.raises(ValidationFailed):
        safeguarding.close_concern(coordinator, concern, outcome="", now=NOW)
    safeguarding.close_concern(coordinator, concern, outcome="Resolved with the school", now=NOW)
    assert [note.body for note in concern.notes] == ["Called the school"]
    assert concern.status is ConcernStatus.CLOSED
    with pytest.raises(AlreadyDone):
        safeguarding.close_concern(coordinator, concern, outcome="again", now=NOW)
    safeguarding.reopen_concern(coordinator, concern, now=NOW)
    assert concern.status is ConcernStatus.OPEN


def test_feedback_once_per_side_and_stage(mk):
    mentee = mk.researcher(languages=["nb"])
    pairing = mk.pairing(mk.mentor(), mentee, mk.programme(), starts_on=TODAY)
    pairing.planned_end_on = TODAY + timedelta(days=100)
    with pytest.raises(InvalidState):
        feedback.give_feedback(
            pairing,
            stage=FeedbackStage.MID,
            side=FeedbackSide.MENTEE,
            rating=4,
            by=mentee.user,
            now=NOW,
        )
    later = NOW + timedelta(days=50)
    for rating in (0, 6, None):
        with pytest.raises(ValidationFailed):
            feedback.give_feedback(
                pairing,
                stage=FeedbackStage.MID,
                side=FeedbackSide.MENTEE,
                rating=rating,
                by=mentee.user,
                now=later,
            )
    feedback.give_feedback(
        pairing,
        stage=FeedbackStage.MID,
        side=FeedbackSide.MENTEE,
        rating=4,
        comment="Useful",
        by=mentee.user,
        now=later,
    )
    with pytest.raises(AlreadyDone):
        feedback.give_feedback(
            pairing,
            stage=FeedbackStage.MID,
            side=FeedbackSide.MENTEE,
            rating=5,
            by=mentee.user,
            now=later,
        )
    feedback.give_feedback(
        pairing,
        stage=FeedbackStage.MID,
        side=FeedbackSide.MENTOR,
        rating=5,
        by=pairing.mentor.user,
        now=later,
    )
    assert [(f.side, f.rating) for f in feedback.feedback_of(pairing)] == [
        (FeedbackSide.MENTEE, 4),
        (FeedbackSide.MENTOR, 5),
    ]


def test_end_feedback_opens_when_a_pairing_ends(mk):
    pairing = mk.pairing(mk.mentor(), mk.pupil(), mk.programme(), state=PairingState.COMPLETED)
    assert feedback.stages_open(pairing, now=NOW) == [FeedbackStage.MID, FeedbackStage.END]
