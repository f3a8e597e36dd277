"""Signed consent links for guardians, who have no account.

A link carries the guardian's id and link nonce; it expires after TALENT_CONSENT_LINK_DAYS and
stops working when the guardian's e-mail changes or the guardian is removed. It may be used
more than once while valid, so a guardian can change their mind.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime, timedelta

from flask import current_app, flash, render_template, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from talent.audit.services import record_event
from talent.consents.models import Guardian
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.mail import build_message, send_message
from talent.people.models import User
from talent.privacy.settings import int_setting

log = logging.getLogger(__name__)

SALT = "talent-guardian-consent"
#: A second link within this time is the same click again, not a request for a new e-mail.
RESEND_PAUSE = timedelta(minutes=1)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(guardian: Guardian, sender: User | None) -> str:
    payload = {"g": guardian.id, "n": guardian.link_nonce, "s": sender.id if sender else None}
    return _serializer().dumps(payload)


def link_for(guardian: Guardian, sender: User | None) -> str:
    token = make_token(guardian, sender)
    return current_app.config["BASE_URL"].rstrip("/") + url_for("consents.answer", token=token)


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


def prepare_link(actor: User, guardian: Guardian, *, now: datetime) -> None:
    """Check a link can be sent to the guardian and note that it was; e-mail after commit."""
    lock(guardian)
    if guardian.link_sent_at is not None and now - guardian.link_sent_at < RESEND_PAUSE:
        raise AlreadyDone(
            _l("A consent link went to %(email)s a moment ago.", email=guardian.email)
        )
    if not guardian.email:
        raise InvalidState(_l("%(name)s has no e-mail address; add one first.", name=guardian.name))
    guardian.link_sent_at = now
    db.session.flush()
    record_event(
        actor,
        "guardian.send_link",
        guardian,
        now=now,
        label=f"{guardian.name} ({guardian.student.name})",
    )


def send_link(guardian: Guardian, sender: User) -> bool:
    """E-mail the consent link; call after commit. False (and a warning) if mail failed."""
    link = link_for(guardian, sender)
    days = int_setting("CONSENT_LINK_DAYS")
    context = {
        "guardian": guardian,
        "student": guardian.student,
        "link": link,
        "days": days,
        "sender": sender,
    }
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = build_message(
            sender=current_app.config["MAIL_SENDER"],
            recipient=guardian.email,
            subject=gettext("Consent for %(name)s", name=guardian.student.name),
            text=render_template("consents/email_link.txt", **context),
            html=render_template("consents/email_link.html", **context),
        )
    try:
        send_message(current_app.config, message)
    except OSError:
        log.exception("could not send consent link to guardian %s", guardian.id)
        flash(gettext("The e-mail could not be sent just now. Try again in a while."), "warning")
        return False
    return True
