"""The filters of the audit log."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SearchField, SelectField
from wtforms.validators import Length, Optional, ValidationError

from talent.audit.services import SYSTEM_ACTOR
from talent.web.forms import CHOOSE_FROM_LIST, Form, select_choices, strip_text

#: Dates outside these years are typing errors, and too far out to convert between zones.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _plausible_date(form, field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l(
                "Choose a date between the years %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


def _select(label) -> SelectField:
    return SelectField(
        label,
        default="",
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )


class AuditFilterForm(Form):
    """Filters sent in the query string; the choices are what occurs in the log."""

    class Meta:
        csrf = False

    actor = _select(_l("Who"))
    action = _select(_l("Action"))
    object_type = _select(_l("Object type"))
    date_from = DateField(
        _l("From date"),
        validators=[Optional(), _plausible_date],
        description=_l("Dates are in your time zone."),
    )
    date_to = DateField(_l("To date"), validators=[Optional(), _plausible_date])
    q = SearchField(_l("Object name contains"), filters=[strip_text], validators=[Length(max=200)])

    def __init__(
        self,
        *args,
        actors: Iterable[tuple[int, str]],
        actions: Iterable[str],
        object_types: Iterable[str],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.actor.choices = select_choices(
            [("", _l("Anyone")), (SYSTEM_ACTOR, _l("The system")), *actors]
        )
        self.action.choices = select_choices(
            [("", _l("All actions")), *((action, action) for action in actions)]
        )
        self.object_type.choices = select_choices(
            [("", _l("All object types")), *((kind, kind) for kind in object_types)]
        )

    def validate_date_to(self, field) -> None:
        start = self.date_from.data if not self.date_from.errors else None
        if start and field.data and field.data < start:
            raise ValidationError(_l("The end date is before the start date."))

    def value(self, name: str):
        """The field's value, or None when empty or not valid (and so ignored)."""
        field = self[name]
        return None if field.errors or field.data in ("", None) else field.data
