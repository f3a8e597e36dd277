"""Invitations and password resets: ledger rows whose one-use link is made at delivery.

The business transaction only writes a row; the scheduler signs the link when it writes the
e-mail (talent.reminders.kinds.Kind.signed_link), so no token is stored and a link's validity
counts from the moment it was sent. A request for an address without an account writes a row
just the same, which the scheduler skips: the answer takes the same work either way.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import lazyload

from talent.auth import tokens
from talent.auth.services import normalize_email
from talent.extensions import db
from talent.people.models import User
from talent.reminders import services as engine
from talent.reminders.kinds import Kind
from talent.reminders.models import Category

INVITATION = "account.invitation"
PASSWORD_RESET = "account.password_reset"  # noqa: S105 - a kind's name, not a secret

#: Asking again within this many minutes writes no second e-mail (nor a second row).
RESET_WINDOW_MINUTES = 10


def _signed(purpose: str, endpoint: str):
    """A link for the account as it is now; none for a row to an address without one."""

    def link(_notification, user: User | None):
        if user is None:
            return None
        secret = current_app.config["SECRET_KEY"]
        return endpoint, {"token": tokens.make_link_token(secret, purpose, user)}

    return link


def _invitation_body(_values) -> str:
    hours = current_app.config["INVITATION_HOURS"]
    return "\n\n".join(
        (
            str(
                _l(
                    "You are invited to Talent, the programme platform of the oncology "
                    "innovation cluster. Open the link below to choose a password."
                )
            ),
            str(_l("The link works once, for %(hours)d hours.", hours=hours)),
        )
    )


def _reset_body(_values) -> str:
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    return "\n\n".join(
        (
            str(
                _l(
                    "Someone asked to reset the password of your Talent account. If it was "
                    "you, open the link below to choose a new password. It works once, for "
                    "%(minutes)d minutes.",
                    minutes=minutes,
                )
            ),
            str(_l("If you did not ask for it, ignore this e-mail; your password stays as it is.")),
        )
    )


#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = []


KINDS.append(
    Kind(
        INVITATION,
        Category.ACCOUNT,
        label=_l("Invitation"),
        subject=_l("Welcome to Talent: set up your account"),
        body=_invitation_body,
        subject_model=User,
        is_relevant=lambda user: not user.has_password,
        signed_link=_signed(tokens.INVITATION, "auth.accept_invitation"),
    )
)
KINDS.append(
    Kind(
        PASSWORD_RESET,
        Category.ACCOUNT,
        label=_l("Password reset"),
        subject=_l("Reset your Talent password"),
        body=_reset_body,
        subject_model=User,
        signed_link=_signed(tokens.PASSWORD_RESET, "auth.reset_password"),
    )
)


def send_invitation(user: User, *, now: datetime) -> None:
    """Write the invitation e-mail of an account without a password; earlier unsent ones go."""
    engine.cancel_for(user, now=now, kinds=(INVITATION,), reason="A newer invitation replaced it.")
    engine.notify(user, INVITATION, user, now=now, discriminator=now.isoformat())


def send_password_reset(email: str, *, now: datetime) -> None:
    """Write a reset e-mail for whoever asked; a row for an address without an active account
    is skipped at delivery, so the request costs the same either way."""
    email = normalize_email(email)
    # The account alone, without its roles: one statement, as for an unknown address.
    user = db.session.scalar(sa.select(User).where(User.email == email).options(lazyload("*")))
    window = now.replace(minute=now.minute - now.minute % RESET_WINDOW_MINUTES)
    discriminator = window.replace(second=0, microsecond=0).isoformat()
    if user is not None and user.is_active:
        engine.notify(user, PASSWORD_RESET, user, now=now, discriminator=discriminator)
    else:
        engine.notify_address(email, "", PASSWORD_RESET, None, now=now, discriminator=discriminator)
