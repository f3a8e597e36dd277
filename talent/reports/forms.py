"""The report's filter: a school year and, optionally, a school, host and programme.

Each of the three is chosen by typing part of its name (``school_name``); once chosen, its
number travels beside the name (``school``). Which names exist is the database's business
(talent.reports.choices): the form only checks that what came in has the right shape.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, HiddenField, SelectField, StringField
from wtforms.validators import Length

from talent.clock import school_year_label
from talent.reports.choices import UNKNOWN_NUMBER, Kind
from talent.reports.definitions import FIRST_YEAR
from talent.web.forms import TOO_LONG, Form, select_choices, strip_text
from talent.web.widgets import QuickSelect

#: Longer than any name of an organisation or programme.
NAME_MAX = 200
#: Ids are 64-bit at most; a bigger number names nothing.
_LARGEST_ID = 2**63 - 1


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


class NumberField(HiddenField):
    """The number of the row chosen, or None; anything else is an error with ``message``."""

    def __init__(self, *args, message, **kwargs):
        # A label of its own: without one WTForms translates a label made from the name, which
        # loads its message catalogue on every request.
        kwargs.setdefault("label", "")
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0] not in ("", "None"):
            value = valuelist[0]
            if not value.isdigit() or not 0 < int(value) <= _LARGEST_ID:
                raise ValueError(str(self.message))
            self.data = int(value)


def _name(label) -> StringField:
    return StringField(
        label, filters=[strip_text], validators=[Length(max=NAME_MAX, message=TOO_LONG)]
    )


class ReportFilterForm(Form):
    class Meta:
        csrf = False

    year = SelectField(_l("School year"), coerce=_int_or_none, choices=[], widget=QuickSelect())
    school = NumberField(message=UNKNOWN_NUMBER[Kind.SCHOOL])
    school_name = _name(_l("School"))
    host = NumberField(message=UNKNOWN_NUMBER[Kind.HOST])
    host_name = _name(_l("Host organisation"))
    programme = NumberField(message=UNKNOWN_NUMBER[Kind.PROGRAMME])
    programme_name = _name(_l("Talent programme"))

    def __init__(self, *args, latest_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        wrong_year = _l(
            "Choose a school year from %(first)s to %(last)s.",
            first=school_year_label(FIRST_YEAR),
            last=school_year_label(latest_year),
        )
        self.year.invalid_choice_message = wrong_year
        if self.year.process_errors:  # not a number at all
            self.year.process_errors = [wrong_year]
        if self.year.data is None and not self.year.process_errors:
            self.year.data = latest_year
        self.year.choices = select_choices(
            (year, school_year_label(year)) for year in range(latest_year, FIRST_YEAR - 1, -1)
        )

    def number_field(self, kind: Kind) -> Field:
        return self[kind.value]

    def name_field(self, kind: Kind) -> Field:
        return self[f"{kind.value}_name"]
