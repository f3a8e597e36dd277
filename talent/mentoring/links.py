"""Signed links for mentees without an account: confirming a logged session and giving
feedback. A link names the session (or pairing and stage) and its mentee; it expires after
LINK_DAYS and is harmless to reuse: a confirmed session stays confirmed, feedback is taken once.
Both go out through the delivery ledger (talent.mentoring.services.reminders), which makes the
link when it writes the e-mail.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from talent.errors import ValidationFailed
from talent.extensions import db
from talent.mentoring.models import FeedbackStage, MentoringSession, Pairing

CONFIRM = "mentoring-confirm"
FEEDBACK = "mentoring-feedback"
LINK_DAYS = 30
LINK_MAX_AGE = timedelta(days=LINK_DAYS)


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=f"talent-{purpose}")


def _load(secret_key: str, purpose: str, token: str, max_age: timedelta) -> dict:
    try:
        payload = _serializer(secret_key, purpose).loads(
            token, max_age=int(max_age.total_seconds())
        )
    except SignatureExpired as error:
        raise ValidationFailed(
            _l("This link has expired. Ask your mentor or the coordinator for a new one.")
        ) from error
    except BadSignature as error:
        raise ValidationFailed(
            _l("This link is not valid. Check that you copied all of it.")
        ) from error
    if not isinstance(payload, dict):
        raise ValidationFailed(_l("This link is not valid. Check that you copied all of it."))
    return payload


def make_confirm_token(secret_key: str, session: MentoringSession) -> str:
    return _serializer(secret_key, CONFIRM).dumps({"s": session.id, "m": session.pairing.mentee_id})


def session_from_token(
    secret_key: str, token: str, max_age: timedelta = LINK_MAX_AGE
) -> MentoringSession:
    """Return the session a confirmation link names, or raise saying what is wrong."""
    payload = _load(secret_key, CONFIRM, token, max_age)
    session = db.session.get(MentoringSession, payload.get("s"))
    if session is None or session.pairing.mentee_id != payload.get("m"):
        raise ValidationFailed(_l("This session no longer exists."))
    return session


def make_feedback_token(secret_key: str, pairing: Pairing, stage: FeedbackStage) -> str:
    return _feedback_token(secret_key, pairing.id, pairing.mentee_id, stage.value)


def _feedback_token(secret_key: str, pairing_id: int, mentee_id: int, stage: str) -> str:
    return _serializer(secret_key, FEEDBACK).dumps({"p": pairing_id, "st": stage, "m": mentee_id})


def confirm_link_target(_notification, session: MentoringSession | None) -> tuple[str, dict] | None:
    """Where a pupil without an account confirms a session: a signed link, made when the
    e-mail is written; none once the session is confirmed or gone."""
    if session is None or session.confirmed_at is not None:
        return None
    token = make_confirm_token(current_app.config["SECRET_KEY"], session)
    return "mentoring.confirm_by_link", {"token": token}


def feedback_link_target(notification) -> tuple[str, dict]:
    """Where a feedback request leads a pupil without an account: a signed link, made when the
    e-mail is written, so that it runs LINK_DAYS from then and is never stored."""
    token = _feedback_token(
        current_app.config["SECRET_KEY"],
        notification.subject_id,
        notification.context["mentee_id"],
        notification.context["stage"],
    )
    return "mentoring.feedback_by_link", {"token": token}


def feedback_from_token(
    secret_key: str, token: str, max_age: timedelta = LINK_MAX_AGE
) -> tuple[Pairing, FeedbackStage]:
    """Return the pairing and stage a feedback link names, or raise saying what is wrong."""
    payload = _load(secret_key, FEEDBACK, token, max_age)
    pairing = db.session.get(Pairing, payload.get("p"))
    try:
        stage = FeedbackStage(payload.get("st"))
    except ValueError:
        pairing = None
    if pairing is None or pairing.mentee_id != payload.get("m"):
        raise ValidationFailed(_l("This pairing no longer exists."))
    return pairing, stage
