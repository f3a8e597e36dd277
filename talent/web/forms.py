"""Helpers that bind domain errors to form fields, so messages sit next to what was typed."""

from __future__ import annotations

from collections.abc import Iterable

from flask import flash
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from talent.errors import DomainError
from talent.extensions import db


def show_error_on_form(form: FlaskForm, error: DomainError) -> None:
    """Roll back the failed change and show its message beside the field, or at the top."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "danger")


def select_choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices; labels may be lazy strings."""
    return [SelectChoice(str(value), label) for value, label in pairs]
