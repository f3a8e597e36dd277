"""Reading the report's filter from a query string: the year, and the school, host and
programme found by number or by a name typed (talent.reports.choices)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from talent.clock import local_date, school_year_of
from talent.reports.choices import Choice, Kind, Lookup, look_up
from talent.reports.forms import ReportFilterForm
from talent.reports.period import ReportFilter, SchoolYear

#: The query parameter asking for every row of the long tables.
ALL_ROWS = "all_rows"


@dataclass
class FilterControl:
    """One school, host or programme filter as the form shows it."""

    kind: Kind
    #: The number of the row chosen, sent again with the form.
    number: int | None
    #: The name in the search field: the chosen one's, else what was typed.
    text: str
    errors: list[str] = field(default_factory=list)
    #: (name, query string choosing it) when the name typed matched several.
    candidates: list[tuple[str, dict]] = field(default_factory=list)
    more: bool = False


@dataclass
class ChosenFilter:
    form: ReportFilterForm
    lookups: dict[Kind, Lookup]
    #: None while a field has a problem, or while a name typed matches several.
    report: ReportFilter | None

    @property
    def has_problems(self) -> bool:
        return any(f.errors for f in self.form)

    @property
    def must_pick(self) -> bool:
        """A name typed matches several: no report until one is picked."""
        return any(found.candidates for found in self.lookups.values())

    @property
    def chosen(self) -> list[tuple[Kind, Choice]]:
        return [(kind, found.chosen) for kind, found in self.lookups.items() if found.chosen]

    def problems(self) -> str:
        return " ".join(str(error) for f in self.form for error in f.errors)

    def controls(self, args: dict) -> list[FilterControl]:
        """The three filters to show; a candidate's query string is ``args`` choosing it."""
        controls = []
        for kind, found in self.lookups.items():
            number, name = self.form.number_field(kind), self.form.name_field(kind)
            control = FilterControl(
                kind,
                number=found.chosen.id if found.chosen else None,
                text=found.chosen.name if found.chosen else (name.data or ""),
                errors=[str(error) for error in (*number.errors, *name.errors)],
                more=found.more,
            )
            # The other filters stay as they were sent; this one is picked by number.
            kept = {key: value for key, value in args.items() if key not in (name.name, ALL_ROWS)}
            control.candidates = [(c.label, {**kept, kind.value: c.id}) for c in found.candidates]
            controls.append(control)
        return controls


def read_filter(session, args, *, now: datetime) -> ChosenFilter:
    """The filter of a query string (a MultiDict), with the school, host and programme found
    by number or name: a query each at most, two when a chosen one's name was changed."""
    latest_year = school_year_of(local_date(now))
    form = ReportFilterForm(args, latest_year=latest_year)
    form.validate()
    # With a wrong year the choices are still looked up, so correcting the year keeps them.
    school_year = latest_year if form.year.errors else form.year.data
    lookups = {kind: Lookup() for kind in Kind}
    for kind in Kind:
        number, name = form.number_field(kind), form.name_field(kind)
        if number.errors or name.errors:
            continue
        found = look_up(session, kind, number=number.data, typed=name.data, school_year=school_year)
        if found.problem is not None:
            name.errors = [*name.errors, found.problem]
        lookups[kind] = found
    chosen = ChosenFilter(form, lookups, None)
    if not chosen.must_pick and not chosen.has_problems:
        chosen.report = ReportFilter(
            SchoolYear(form.year.data),
            school_id=_chosen_id(lookups[Kind.SCHOOL]),
            host_id=_chosen_id(lookups[Kind.HOST]),
            programme_id=_chosen_id(lookups[Kind.PROGRAMME]),
        )
    return chosen


def _chosen_id(found: Lookup) -> int | None:
    return None if found.chosen is None else found.chosen.id


def report_args(report: ReportFilter) -> dict[str, int]:
    """The query string of a report: its year and the numbers of its filters."""
    args = {"year": report.year.start}
    for kind, number in (
        (Kind.SCHOOL, report.school_id),
        (Kind.HOST, report.host_id),
        (Kind.PROGRAMME, report.programme_id),
    ):
        if number is not None:
            args[kind.value] = number
    return args
