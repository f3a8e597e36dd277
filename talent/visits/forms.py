"""Forms of lab visits: sites, slots, bookings, answers, requests, blackouts, feedback and the
filters of the slot list, the calendar and the visit list."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from talent.visits.models import MAX_MINIMUM_AGE, MAX_SITE_CAPACITY, TEXT_MAX, TOPIC_MAX
from talent.web.forms import CHOOSE_FROM_LIST, TOO_LONG, Form, optional, select_choices, strip_text
from talent.web.submissions import OnceForm
from talent.web.widgets import QuickSelect

BAD_DATE = _l("Type the date as year, month and day, like 2026-11-10.")
BAD_TIME = _l("Type the time as hours and minutes, like 10:00.")
BAD_NUMBER = _l("Type a whole number.")


def _select(label, coerce: Callable | None = None, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=[],
        coerce=coerce or optional(int),
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        widget=QuickSelect(),
        **kwargs,
    )


class _DateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error


class _TimeField(TimeField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_TIME)) from error


class _IntegerField(IntegerField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_NUMBER)) from error


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice; the _macros field() renders them inline."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def _count(label, *, minimum: int, maximum: int, **kwargs) -> _IntegerField:
    return _IntegerField(
        label,
        validators=[
            InputRequired(BAD_NUMBER),
            NumberRange(
                min=minimum,
                max=maximum,
                message=_l("Give a number from %(min)d to %(max)d."),
            ),
        ],
        **kwargs,
    )


def _text(label, limit: int = TEXT_MAX, **kwargs) -> TextAreaField:
    return TextAreaField(
        label, filters=[strip_text], validators=[Length(max=limit, message=TOO_LONG)], **kwargs
    )


def _with_choices(field, pairs: Iterable, blank=None) -> None:
    pairs = list(pairs)
    if blank is not None:
        pairs.insert(0, ("", blank))
    field.choices = select_choices(pairs)


# Sites and slots -----------------------------------------------------------------------------


class SiteForm(Form):
    organization_id = _select(_l("Host organisation"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    name = StringField(
        _l("Name"),
        filters=[strip_text],
        validators=[InputRequired(_l("Give the site a name.")), Length(max=200, message=TOO_LONG)],
        description=_l('Like "Cell lab, 2nd floor".'),
    )
    address = StringField(
        _l("Address"), filters=[strip_text], validators=[Length(max=300, message=TOO_LONG)]
    )
    capacity = _count(
        _l("How many people fit"),
        minimum=1,
        maximum=MAX_SITE_CAPACITY,
        description=_l("Pupils and adults together."),
    )
    minimum_age = _count(
        _l("Minimum age"),
        minimum=0,
        maximum=MAX_MINIMUM_AGE,
        default=0,
        description=_l("0 when there is no limit."),
    )
    pupils_per_adult = _count(
        _l("Pupils per accompanying adult"),
        minimum=1,
        maximum=50,
        default=10,
        description=_l("Groups need one adult per this many pupils."),
    )
    safety_rules = _text(
        _l("Safety rules"), description=_l("Lab coats, goggles, what not to touch.")
    )
    photo_rules = _text(_l("Photo rules"))
    accessibility = _text(_l("Accessibility"))
    is_active = BooleanField(_l("Takes visits"), default=True)

    def __init__(self, *args, organizations: Iterable[tuple[int, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.organization_id
        else:
            _with_choices(self.organization_id, organizations, _l("— Choose —"))


DATE_TOKEN = re.compile(r"[\s,;]+")


def parse_days(text: str) -> set[date]:
    """Read dates written as 2026-11-10 or 10.11.2026, separated by commas or new lines."""
    days = set()
    for token in DATE_TOKEN.split(text or ""):
        if not token:
            continue
        for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
            try:
                days.add(datetime.strptime(token, pattern).date())  # noqa: DTZ007 - a date
                break
            except ValueError:
                continue
        else:
            raise ValueError(token)
    return days


class SlotForm(Form):
    first_day = _DateField(
        _l("Date"),
        validators=[InputRequired(BAD_DATE)],
        description=_l("The first date, when the slot repeats."),
    )
    start = _TimeField(_l("Starts"), validators=[InputRequired(BAD_TIME)])
    end = _TimeField(_l("Ends"), validators=[InputRequired(BAD_TIME)])
    capacity = _count(
        _l("Capacity in persons"),
        minimum=1,
        maximum=MAX_SITE_CAPACITY,
        description=_l("Pupils and adults together."),
    )
    topic = StringField(
        _l("Topic"),
        filters=[strip_text],
        validators=[
            InputRequired(_l("Say what the visit is about.")),
            Length(max=TOPIC_MAX, message=TOO_LONG),
        ],
    )
    host_contact_id = _select(_l("Host contact"), validators=[Optional()])
    weeks = _count(
        _l("Repeat weekly, number of weeks"),
        minimum=1,
        maximum=52,
        default=1,
        description=_l("1 for a single slot; 8 for the same weekday and time for 8 weeks."),
    )
    skip_days = TextAreaField(
        _l("Dates to skip"),
        filters=[strip_text],
        validators=[Length(max=2000, message=TOO_LONG)],
        description=_l("Blackout dates of the series, like 2026-12-22, one per line."),
    )

    def __init__(self, *args, contacts: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.host_contact_id, contacts, _l("— Nobody in particular —"))

    def validate_skip_days(self, field) -> None:
        try:
            self.skipped = parse_days(field.data)
        except ValueError as error:
            raise ValidationError(
                _l('"%(text)s" is not a date. Write dates like 2026-12-22.', text=str(error))
            ) from error


class SlotEditForm(Form):
    topic = StringField(
        _l("Topic"),
        filters=[strip_text],
        validators=[
            InputRequired(_l("Say what the visit is about.")),
            Length(max=TOPIC_MAX, message=TOO_LONG),
        ],
    )
    capacity = _count(
        _l("Capacity in persons"),
        minimum=1,
        maximum=MAX_SITE_CAPACITY,
        description=_l("Pupils and adults together."),
    )
    host_contact_id = _select(_l("Host contact"), validators=[Optional()])

    def __init__(self, *args, contacts: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.host_contact_id, contacts, _l("— Nobody in particular —"))


class ReasonForm(Form):
    reason = TextAreaField(
        _l("Reason"),
        filters=[strip_text],
        validators=[
            InputRequired(_l("Give a reason: everyone involved is told.")),
            Length(max=1000, message=TOO_LONG),
        ],
    )


class EmptyForm(Form):
    """A button that changes something: only the CSRF token."""


# Booking -------------------------------------------------------------------------------------


class ClassChoiceForm(Form):
    """Picks the class before the booking form shows its pupils (a GET, no CSRF)."""

    class Meta:
        csrf = False

    class_id = _select(_l("Class"), validators=[InputRequired(CHOOSE_FROM_LIST)])

    def __init__(self, *args, classes: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.class_id, classes, _l("— Choose a class —"))


class GroupForm(Form):
    pupils_count = _count(_l("Pupils"), minimum=1, maximum=500)
    adults_count = _count(_l("Accompanying adults"), minimum=1, maximum=100)
    pupils = MultiCheckboxField(
        _l("Pupils who come"),
        coerce=int,
        choices=[],
        description=_l("Tick as many pupils as the number above."),
    )
    notes = _text(_l("Notes for the host"), limit=2000)

    def __init__(self, *args, pupils: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.pupils.choices = select_choices(pupils)


class BookingForm(GroupForm):
    teacher_id = _select(_l("Responsible teacher"), validators=[InputRequired(CHOOSE_FROM_LIST)])

    def __init__(self, *args, teachers: Iterable[tuple[int, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        if teachers is None:
            del self.teacher_id
        else:
            _with_choices(self.teacher_id, teachers, _l("— Choose a teacher —"))


class MoveForm(Form):
    slot_id = _select(_l("New slot"), validators=[InputRequired(CHOOSE_FROM_LIST)])

    def __init__(self, *args, slots: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.slot_id, slots, _l("— Choose a slot —"))


class AttendanceForm(Form):
    present = MultiCheckboxField(_l("Pupils who came"), coerce=int, choices=[])
    adults_attended = _count(_l("Adults who came"), minimum=0, maximum=100)

    def __init__(self, *args, pupils: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.present.choices = select_choices(pupils)


class FeedbackForm(Form):
    rating = RadioField(
        _l("How was the visit? (1 = poor, 5 = excellent)"),
        choices=select_choices((n, str(n)) for n in range(1, 6)),
        coerce=optional(int),
        validators=[InputRequired(_l("Choose a rating from 1 to 5."))],
        invalid_choice_message=_l("Choose a rating from 1 to 5."),
        invalid_value_message=_l("Choose a rating from 1 to 5."),
    )
    comment = _text(
        _l("Comment"), limit=1000, description=_l("What was good, what could be better?")
    )


# Requests and blackouts ----------------------------------------------------------------------


class RequestForm(OnceForm):
    class_id = _select(_l("Class"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    teacher_id = _select(_l("Responsible teacher"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    topic = StringField(
        _l("What would the class like to see?"),
        filters=[strip_text],
        validators=[
            InputRequired(_l("Say what the class would like to see or learn.")),
            Length(max=TOPIC_MAX, message=TOO_LONG),
        ],
    )
    pupils_count = _count(_l("Pupils"), minimum=1, maximum=500)
    adults_count = _count(_l("Accompanying adults"), minimum=1, maximum=100)
    earliest_on = _DateField(_l("First possible day"), validators=[InputRequired(BAD_DATE)])
    latest_on = _DateField(_l("Last possible day"), validators=[InputRequired(BAD_DATE)])
    notes = _text(_l("Notes"), limit=2000)

    def __init__(
        self,
        *args,
        classes: Iterable[tuple[int, str]],
        teachers: Iterable[tuple[int, str]] | None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        _with_choices(self.class_id, classes, _l("— Choose a class —"))
        if teachers is None:
            del self.teacher_id
        else:
            _with_choices(self.teacher_id, teachers, _l("— Choose a teacher —"))


class ProposeForm(Form):
    slot_id = _select(_l("Slot"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    message = _text(_l("Message to the teacher"), limit=1000)

    def __init__(self, *args, slots: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.slot_id, slots, _l("— Choose one of your slots —"))


class BlackoutForm(OnceForm):
    school_id = _select(_l("School"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    starts_on = _DateField(_l("First day"), validators=[InputRequired(BAD_DATE)])
    ends_on = _DateField(_l("Last day"), validators=[InputRequired(BAD_DATE)])
    reason = StringField(
        _l("What is it?"),
        filters=[strip_text],
        validators=[
            InputRequired(_l('Say what the dates are, like "Winter holiday".')),
            Length(max=200, message=TOO_LONG),
        ],
    )

    def __init__(self, *args, schools: Iterable[tuple[int, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.school_id
        else:
            _with_choices(self.school_id, schools, _l("— Choose a school —"))


# Filters ---------------------------------------------------------------------------------------


class _FilterForm(Form):
    class Meta:
        csrf = False

    def value(self, name: str):
        """The field's value, or None when absent or invalid (and so ignored)."""
        field = getattr(self, name, None)
        return None if field is None or field.errors else field.data


class SlotFilterForm(_FilterForm):
    start_on = _DateField(_l("From"), validators=[Optional()])
    end_on = _DateField(_l("To"), validators=[Optional()])
    topic = StringField(
        _l("Topic or site"),
        filters=[strip_text],
        validators=[Optional(), Length(max=100, message=TOO_LONG)],
    )
    organization = _select(_l("Organisation"), validators=[Optional()])
    min_free = _IntegerField(
        _l("Free places at least"),
        validators=[
            Optional(),
            NumberRange(
                min=1, max=MAX_SITE_CAPACITY, message=_l("Give a number from %(min)d to %(max)d.")
            ),
        ],
    )

    def __init__(self, *args, organizations: Iterable[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.organization, organizations, _l("All organisations"))


class VisitFilterForm(_FilterForm):
    school = _select(_l("School"), validators=[Optional()])
    state = _select(_l("State"), coerce=optional(str), validators=[Optional()])
    when = _select(_l("When"), coerce=optional(str), validators=[Optional()])

    def __init__(
        self,
        *args,
        schools: Iterable[tuple[int, str]] | None,
        states: Iterable[tuple[str, str]],
        whens: Iterable[tuple[str, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if schools is None:
            del self.school
        else:
            _with_choices(self.school, schools, _l("All schools"))
        _with_choices(self.state, states, _l("Any state"))
        _with_choices(self.when, whens, _l("Any time"))
