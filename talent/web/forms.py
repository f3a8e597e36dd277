"""What every form shares: messages, input clean-up, and domain errors bound to their fields."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from talent.errors import AlreadyDone, DomainError
from talent.extensions import db

CHOOSE_FROM_LIST = _l("Choose from the list.")
TOO_LONG = _l("Use at most %(max)d characters.")


def strip_text(value):
    """Trim, and drop NUL characters (PostgreSQL text cannot hold them)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def show_error_on_form(form: FlaskForm, error: DomainError) -> None:
    """Roll back the failed change and show its message beside the field, or at the top (a
    change that was already made is said as information, not as an error)."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "info" if isinstance(error, AlreadyDone) else "danger")


def select_choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices; labels may be lazy strings."""
    return [SelectChoice(str(value), label) for value, label in pairs]
