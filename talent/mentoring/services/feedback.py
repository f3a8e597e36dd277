"""Mid-point and end-of-pairing feedback from both sides: a rating of 1 to 5 and a comment."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from talent.audit.services import record_event
from talent.clock import today_for
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.mentoring.models import FeedbackSide, FeedbackStage, Pairing, PairingFeedback
from talent.mentoring.services.cadence import feedback_stage_due
from talent.people.models import User


def stages_open(pairing: Pairing, *, now: datetime) -> list[FeedbackStage]:
    """The stages feedback can be given for now: those asked for or due."""
    stages = []
    due = feedback_stage_due(pairing, today_for(None, now))
    if pairing.mid_feedback_requested_at is not None or due is not None:
        stages.append(FeedbackStage.MID)
    if pairing.end_feedback_requested_at is not None or due is FeedbackStage.END:
        stages.append(FeedbackStage.END)
    return stages


def give_feedback(
    pairing: Pairing,
    *,
    stage: FeedbackStage,
    side: FeedbackSide,
    rating: int | None,
    comment: str = "",
    by: User | None,
    now: datetime,
) -> PairingFeedback:
    """Record one side's feedback for a stage; each side answers each stage once."""
    if stage not in stages_open(pairing, now=now):
        raise InvalidState(_l("It is not yet time for this feedback."))
    if rating is None or not 1 <= rating <= 5:
        raise ValidationFailed(_l("Choose a rating from 1 to 5."), field="rating")
    comment = (comment or "").strip()
    if len(comment) > 1000:
        raise ValidationFailed(_l("Keep this under 1000 characters."), field="comment")
    lock(pairing)
    if given(pairing, stage, side) is not None:
        raise AlreadyDone(_l("This feedback has already been given. Thank you!"))
    feedback = PairingFeedback(
        pairing_id=pairing.id,
        stage=stage,
        side=side,
        rating=rating,
        comment=comment,
        given_by_id=by.id if by is not None else None,
        given_at=now,
    )
    db.session.add(feedback)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise AlreadyDone(_l("This feedback has already been given. Thank you!")) from error
    record_event(by, "feedback.give", feedback, now=now, label=pairing.label)
    return feedback


def given(pairing: Pairing, stage: FeedbackStage, side: FeedbackSide) -> PairingFeedback | None:
    return db.session.scalar(
        sa.select(PairingFeedback).where(
            PairingFeedback.pairing_id == pairing.id,
            PairingFeedback.stage == stage,
            PairingFeedback.side == side,
        )
    )


def feedback_of(pairing: Pairing) -> list[PairingFeedback]:
    return list(
        db.session.scalars(
            sa.select(PairingFeedback)
            .where(PairingFeedback.pairing_id == pairing.id)
            .order_by(PairingFeedback.stage, PairingFeedback.side)
        )
    )
