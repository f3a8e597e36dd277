"""E-mailing signed account links (invitations, password resets) from a request."""

from __future__ import annotations

import logging

from flask import current_app, flash, render_template, url_for
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from talent.auth import tokens
from talent.mail import build_message, send_message

log = logging.getLogger(__name__)

SUBJECTS = {
    tokens.INVITATION: (_l("Welcome to Talent: set up your account"), "invitation"),
    tokens.PASSWORD_RESET: (_l("Reset your Talent password"), "password_reset"),
}


def send_account_link(user, purpose: str) -> None:
    """E-mail a signed one-use link for an invitation or a password reset; call after commit."""
    subject, template = SUBJECTS[purpose]
    token = tokens.make_link_token(current_app.config["SECRET_KEY"], purpose, user)
    endpoint = "auth.accept_invitation" if purpose == tokens.INVITATION else "auth.reset_password"
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, token=token)
    with force_locale(user.language):
        message = build_message(
            sender=current_app.config["MAIL_SENDER"],
            recipient=user.email,
            subject=str(subject),
            text=render_template(f"email/{template}.txt", user=user, link=link),
            html=render_template(f"email/{template}.html", user=user, link=link),
        )
    try:
        send_message(current_app.config, message)
    except OSError:
        log.exception("could not send %s e-mail to user %s", purpose, user.id)
        flash(gettext("The e-mail could not be sent just now. Try again in a while."), "warning")
