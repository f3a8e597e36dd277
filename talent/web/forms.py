"""What every form shares: messages, input clean-up, and domain errors bound to their fields."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import flash
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import StopValidation, ValidationError

from talent.errors import AlreadyDone, DomainError
from talent.extensions import db
from talent.text import ONE_LINE, clean_lines, has_control_characters, is_single_line

CHOOSE_FROM_LIST = _l("Choose from the list.")
TOO_LONG = _l("Use at most %(max)d characters.")


def strip_text(value):
    """Trim, and drop NUL characters (PostgreSQL text cannot hold them)."""
    return value.replace("\x00", "").strip() if isinstance(value, str) else value


def _single_line(form, field) -> None:
    if isinstance(field.data, str) and not is_single_line(field.data):
        raise StopValidation(ONE_LINE)


def _lines(value):
    return clean_lines(value) if isinstance(value, str) else value


class Form(FlaskForm):
    """The base of every form: each one-line text input (text, e-mail, search, URL, …) refuses
    control characters beside the field, keeping what was typed; each text area keeps its
    line breaks as "\\n" and loses other control characters. See ``talent.text``."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, TextAreaField):
                field.filters = (_lines, *field.filters)
            elif isinstance(field, StringField) and not isinstance(
                field, HiddenField | PasswordField
            ):
                # A new list: the one given is shared by every form of the class.
                field.validators = [_single_line, *field.validators]
            return field


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


def strip(value):
    """Trim typed text (``plain_text`` refuses what else it must not hold)."""
    return value.strip() if isinstance(value, str) else value


def plain_text(form, field) -> None:
    """Refuse control characters (NUL and the like) in a typed text or search."""
    if isinstance(field.data, str) and has_control_characters(field.data, multiline=True):
        raise ValidationError(_l("The text contains characters that cannot be used."))


def optional(coerce: Callable) -> Callable:
    """A coerce function that turns an empty choice into None."""

    def coerce_or_none(value):
        if value is None or value in ("", "None"):
            return None
        return coerce(value)

    return coerce_or_none


def select(label, pairs: Iterable, coerce: Callable, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=select_choices(pairs),
        coerce=coerce,
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        **kwargs,
    )


def set_choices(field: SelectField, pairs: Iterable) -> None:
    field.choices = select_choices(pairs)
