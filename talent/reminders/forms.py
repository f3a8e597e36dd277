"""Forms of the inbox, the preferences and the coordinators' ledger."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SearchField, SelectField, SelectMultipleField
from wtforms.validators import Length, Optional, ValidationError

from talent.reminders.models import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    STATE_LABELS,
    Category,
    Channel,
)
from talent.web.forms import CHOOSE_FROM_LIST, Form, select_choices, strip_text

FIRST_YEAR, LAST_YEAR = 1900, 2999


def choice_value(category: Category, channel: Channel) -> str:
    return f"{category.value}:{channel.value}"


class PreferencesForm(Form):
    """One checkbox per category and channel; the template lays them out as a grid."""

    choices = SelectMultipleField(
        _l("Messages you get"),
        choices=select_choices(
            (choice_value(category, channel), f"{CATEGORY_LABELS[category]} · {label}")
            for category in Category
            for channel, label in CHANNEL_LABELS.items()
        ),
        validate_choice=True,
    )

    def pairs(self) -> set[tuple[Category, Channel]]:
        result = set()
        for value in self.choices.data or []:
            category, _, channel = value.partition(":")
            result.add((Category(category), Channel(channel)))
        return result


def _plausible_date(form, field) -> None:
    if field.data and not FIRST_YEAR <= field.data.year <= LAST_YEAR:
        raise ValidationError(
            _l(
                "Choose a date between the years %(first)d and %(last)d.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )


def _printable(form, field) -> None:
    if field.data and not field.data.isprintable():
        raise ValidationError(_l("Use letters, digits and punctuation only."))


class LedgerFilterForm(Form):
    """Filters of the ledger, sent in the query string."""

    class Meta:
        csrf = False

    state = SelectField(
        _l("State"),
        default="",
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    kind = SelectField(
        _l("Kind"),
        default="",
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
    )
    recipient = SearchField(
        _l("Recipient name or e-mail contains"),
        filters=[strip_text],
        validators=[Length(max=200), _printable],
    )
    date_from = DateField(
        _l("Due from"),
        validators=[Optional(), _plausible_date],
        description=_l("Dates are in your time zone."),
    )
    date_to = DateField(_l("Due until"), validators=[Optional(), _plausible_date])

    def __init__(self, *args, kinds: Iterable[tuple[str, object]], **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = select_choices([("", _l("All states")), *STATE_LABELS.items()])
        self.kind.choices = select_choices([("", _l("All kinds")), *kinds])

    def validate_date_to(self, field) -> None:
        start = self.date_from.data if not self.date_from.errors else None
        if start and field.data and field.data < start:
            raise ValidationError(_l("The end date is before the start date."))

    def value(self, name: str):
        """The field's value, or None when empty or not valid (and so ignored)."""
        field = self[name]
        return None if field.errors or field.data in ("", None) else field.data
