"""Forms of collaboration activities and the filter of their list."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from talent.activities.models import MAX_HOURS, REPORT_MAX, TITLE_MAX, ActivityKind
from talent.web.forms import CHOOSE_FROM_LIST, TOO_LONG, Form, optional, select_choices, strip_text
from talent.web.submissions import OnceForm

BAD_DATE = _l("Type the date as year, month and day, like 2026-11-10.")
BAD_HOURS = _l("Type the hours as a number, like 1.5.")


def _select(label, coerce=None, **kwargs) -> SelectField:
    return SelectField(
        label,
        choices=[],
        coerce=coerce or optional(int),
        invalid_value_message=CHOOSE_FROM_LIST,
        invalid_choice_message=CHOOSE_FROM_LIST,
        **kwargs,
    )


def _with_choices(field, pairs: Iterable, blank) -> None:
    field.choices = select_choices([("", blank), *pairs])


class _DateField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_DATE)) from error


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice; the _macros field() renders them inline."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class _HoursField(DecimalField):
    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", ".")]
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(BAD_HOURS)) from error


def kind_choices() -> list[tuple[str, object]]:
    return [(kind.value, kind.label) for kind in ActivityKind]


class ActivityForm(OnceForm):
    kind = _select(_l("Kind"), coerce=optional(str), validators=[InputRequired(CHOOSE_FROM_LIST)])
    title = StringField(
        _l("Title"),
        filters=[strip_text],
        validators=[
            InputRequired(_l("Give the activity a title.")),
            Length(max=TITLE_MAX, message=TOO_LONG),
        ],
    )
    school_id = _select(_l("School"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    partner_id = _select(_l("Partner organisation"), validators=[InputRequired(CHOOSE_FROM_LIST)])
    contact_name = StringField(
        _l("Lecturer, supervisor or contact"),
        filters=[strip_text],
        validators=[Length(max=200, message=TOO_LONG)],
        description=_l("A work placement needs the supervisor's name."),
    )
    starts_on = _DateField(_l("First day"), validators=[InputRequired(BAD_DATE)])
    ends_on = _DateField(_l("Last day"), validators=[InputRequired(BAD_DATE)])
    hours = _HoursField(
        _l("Hours per pupil"),
        places=1,
        validators=[
            InputRequired(BAD_HOURS),
            NumberRange(min=0.1, max=MAX_HOURS, message=_l("Give %(min)s to %(max)s hours.")),
        ],
    )
    pupils = MultiCheckboxField(_l("Pupils"), coerce=int, choices=[])
    report = TextAreaField(
        _l("Short report"),
        filters=[strip_text],
        validators=[Length(max=REPORT_MAX, message=TOO_LONG)],
        description=_l("What happened and what came of it, in a few sentences."),
    )

    def __init__(
        self,
        *args,
        schools: Iterable[tuple[int, str]] | None,
        partners: Iterable[tuple[int, str]],
        pupils: Iterable[tuple[int, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        _with_choices(self.kind, kind_choices(), _l("— Choose —"))
        _with_choices(self.partner_id, partners, _l("— Choose —"))
        self.pupils.choices = select_choices(pupils)
        if schools is None:
            del self.school_id
        else:
            _with_choices(self.school_id, schools, _l("— Choose a school —"))


class ActivityFilterForm(Form):
    class Meta:
        csrf = False

    kind = _select(_l("Kind"), coerce=optional(str), validators=[Optional()])
    school = _select(_l("School"), validators=[Optional()])

    def __init__(self, *args, schools: Iterable[tuple[int, str]] | None, **kwargs):
        super().__init__(*args, **kwargs)
        _with_choices(self.kind, kind_choices(), _l("All kinds"))
        if schools is None:
            del self.school
        else:
            _with_choices(self.school, schools, _l("All schools"))

    def value(self, name: str):
        field = getattr(self, name, None)
        return None if field is None or field.errors else field.data
