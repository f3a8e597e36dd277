"""The report's filter: a school year and, optionally, a school, host and programme."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import Optional

from talent.reports.definitions import FIRST_YEAR
from talent.reports.period import year_label
from talent.web.forms import select_choices
from talent.web.widgets import QuickSelect


def _int_or_none(value):
    if value in (None, "", "None"):
        return None
    return int(value)


def _select(label, unknown) -> SelectField:
    return SelectField(
        label,
        coerce=_int_or_none,
        choices=[],
        widget=QuickSelect(),
        validators=[Optional()],
        invalid_value_message=unknown,
        invalid_choice_message=unknown,
    )


class ReportFilterForm(FlaskForm):
    class Meta:
        csrf = False

    year = SelectField(_l("School year"), coerce=_int_or_none, choices=[])
    school = _select(
        _l("School"), _l("There is no school with that number: choose one from the list.")
    )
    host = _select(
        _l("Host organisation"),
        _l("There is no host organisation with that number: choose one from the list."),
    )
    programme = _select(
        _l("Talent programme"),
        _l("There is no talent programme with that number: choose one from the list."),
    )

    def __init__(
        self,
        *args,
        latest_year: int,
        schools: Iterable[tuple[int, str]],
        hosts: Iterable[tuple[int, str]],
        programmes: Iterable[tuple[int, str]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        wrong_year = _l(
            "Choose a school year from %(first)s to %(last)s.",
            first=year_label(FIRST_YEAR),
            last=year_label(latest_year),
        )
        self.year.invalid_choice_message = wrong_year
        if self.year.process_errors:  # not a number at all
            self.year.process_errors = [wrong_year]
        if self.year.data is None and not self.year.process_errors:
            self.year.data = latest_year
        self.year.choices = select_choices(
            (year, year_label(year)) for year in range(latest_year, FIRST_YEAR - 1, -1)
        )
        for field, pairs, blank in (
            (self.school, schools, _l("All schools")),
            (self.host, hosts, _l("All host organisations")),
            (self.programme, programmes, _l("All programmes")),
        ):
            field.choices = select_choices([("", blank), *pairs])

    def chosen(self) -> list[tuple[object, str]]:
        """(field label, chosen name) of the school, host and programme filters in use."""
        found = []
        for field in (self.school, self.host, self.programme):
            if field.data is not None and not field.errors:
                name = next(c.label for c in field.choices if c.value == str(field.data))
                found.append((field.label.text, name))
        return found

    def value(self, name: str):
        field = getattr(self, name)
        return None if field.errors else field.data
