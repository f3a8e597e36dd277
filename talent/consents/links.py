"""Signed consent links for guardians, who have no account.

A link carries the guardian's id and link nonce; it expires after TALENT_CONSENT_LINK_DAYS and
stops working when the guardian's e-mail changes or the guardian is removed. It may be used
more than once while valid, so a guardian can change their mind. The e-mail is a ledger row;
the scheduler signs the link when it writes the e-mail, so no link is stored and its days
count from then.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from talent.audit.services import record_event
from talent.consents.models import Guardian
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import User
from talent.reminders import services as engine
from talent.reminders.kinds import Kind
from talent.reminders.models import Category
from talent.settings import int_setting

SALT = "talent-guardian-consent"
GUARDIAN_LINK = "consents.guardian_link"
#: A second link within this time is the same click again, not a request for a new e-mail.
RESEND_PAUSE = timedelta(minutes=1)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(guardian: Guardian, sender_id: int | None) -> str:
    payload = {"g": guardian.id, "n": guardian.link_nonce, "s": sender_id}
    return _serializer().dumps(payload)


def open_token(token: str) -> tuple[Guardian, User | None]:
    """The guardian (and the staff member who sent it) of a valid link, or a clear refusal."""
    days = int_setting("CONSENT_LINK_DAYS")
    try:
        payload = _serializer().loads(token, max_age=days * 24 * 3600)
    except SignatureExpired as error:
        raise ValidationFailed(
            _l(
                "This consent link has expired (links work for %(days)d days). "
                "Ask the school to send you a new one.",
                days=days,
            )
        ) from error
    except BadSignature as error:
        raise ValidationFailed(
            _l("This link is not valid. Check that you copied all of it.")
        ) from error
    guardian = db.session.get(Guardian, payload.get("g")) if isinstance(payload, dict) else None
    if guardian is None or not hmac.compare_digest(guardian.link_nonce, str(payload.get("n"))):
        raise ValidationFailed(
            _l("This link is no longer valid. Ask the school to send you a new one.")
        )
    if guardian.student.erased_at is not None:
        raise ValidationFailed(_l("This link is no longer valid."))
    sender = db.session.get(User, payload["s"]) if payload.get("s") else None
    return guardian, sender


def _signed_link(notification, guardian: Guardian | None):
    """The link, signed when the e-mail is written; none if the guardian's address (and so
    their link nonce) changed since the e-mail was asked for."""
    if guardian is None or guardian.link_nonce != notification.context.get("nonce"):
        return None
    return "consents.answer", {"token": make_token(guardian, notification.context.get("sender_id"))}


def _body(values) -> str:
    days = int_setting("CONSENT_LINK_DAYS")
    paragraphs = [
        _l(
            "%(school)s asks for your consent for %(pupil)s to take part in the talent "
            "programme of the oncology innovation cluster: the programme itself, lab visits, "
            "photos and media, and keeping the data needed to run it.",
            school=values.get("school", ""),
            pupil=values.get("pupil", ""),
        ),
        _l(
            "Open the link below to answer; you need no account. It works for %(days)d days, "
            "and you can also use it to withdraw a consent.",
            days=days,
        ),
    ]
    if values.get("sender"):
        paragraphs.append(_l("Sent on behalf of %(name)s.", name=values["sender"]))
    return "\n\n".join(str(paragraph) for paragraph in paragraphs)


#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = []


KINDS.append(
    Kind(
        GUARDIAN_LINK,
        Category.PROGRAMMES,
        label=_l("Consent link to a guardian"),
        subject=lambda values: _l("Consent for %(name)s", name=values.get("pupil", "")),
        body=_body,
        subject_model=Guardian,
        is_relevant=lambda guardian: guardian.student.erased_at is None,
        signed_link=_signed_link,
    )
)


def send_link(actor: User, guardian: Guardian, *, now: datetime) -> None:
    """E-mail the guardian a link to give or withdraw consents (through the ledger)."""
    lock(guardian)
    if guardian.link_sent_at is not None and now - guardian.link_sent_at < RESEND_PAUSE:
        raise AlreadyDone(
            _l("A consent link went to %(email)s a moment ago.", email=guardian.email)
        )
    if not guardian.email:
        raise InvalidState(_l("%(name)s has no e-mail address; add one first.", name=guardian.name))
    guardian.link_sent_at = now
    db.session.flush()
    engine.notify_address(
        guardian.email,
        guardian.name,
        GUARDIAN_LINK,
        guardian,
        now=now,
        context={
            "pupil": guardian.student.name,
            "school": guardian.student.school.name,
            "sender": actor.name,
            "sender_id": actor.id,
            "nonce": guardian.link_nonce,
        },
        discriminator=now.isoformat(),
    )
    record_event(
        actor,
        "guardian.send_link",
        guardian,
        now=now,
        label=f"{guardian.name} ({guardian.student.name})",
    )
