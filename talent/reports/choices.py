"""Finding the school, host organisation or programme a report is narrowed to, by number or name.

A national network has hundreds of each, too many to list in the filter on every view of the
report: the coordinator types part of a name instead, and the database offers at most
``MAX_CANDIDATES`` that contain it. A choice made travels as its number, beside its name.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.clock import school_year_label
from talent.people.models import Organization, OrganizationKind
from talent.programmes.models import Programme

#: The most candidates offered for a name typed; more means "type more of the name".
MAX_CANDIDATES = 20

#: Organisations that host lab visits, take part in activities, employ mentors or run courses.
HOST_KINDS = tuple(
    kind
    for kind in OrganizationKind
    if kind not in (OrganizationKind.SCHOOL, OrganizationKind.CLUSTER)
)


class Kind(enum.StrEnum):
    """What a filter narrows to; the value names its fields (``school`` and ``school_name``)."""

    SCHOOL = "school"
    HOST = "host"
    PROGRAMME = "programme"


UNKNOWN_NUMBER = {
    Kind.SCHOOL: _l("There is no school with that number: type part of its name instead."),
    Kind.HOST: _l("There is no host organisation with that number: type part of its name instead."),
    Kind.PROGRAMME: _l(
        "There is no talent programme with that number: type part of its name instead."
    ),
}


def _no_match(kind: Kind, typed: str, school_year: int):
    if kind is Kind.SCHOOL:
        return _l("No school's name contains “%(text)s”.", text=typed)
    if kind is Kind.HOST:
        return _l("No host organisation's name contains “%(text)s”.", text=typed)
    return _l(
        "No talent programme of %(year)s has a name containing “%(text)s”.",
        text=typed,
        year=school_year_label(school_year),
    )


@dataclass(frozen=True)
class Choice:
    id: int
    #: The name as typed in the filter.
    name: str
    #: The name as the report shows it (a programme with its school year).
    label: str


@dataclass
class Lookup:
    """One filter's outcome: not used, one choice, candidates to pick from, or a problem."""

    chosen: Choice | None = None
    candidates: list[Choice] = field(default_factory=list)
    #: More names matched than the candidates offered.
    more: bool = False
    problem: object = None


def _columns(kind: Kind):
    """(id, name, school year) of the rows one kind picks from, and which rows those are."""
    if kind is Kind.PROGRAMME:
        return (Programme.id, Programme.name, Programme.school_year), sa.true()
    kinds = (OrganizationKind.SCHOOL,) if kind is Kind.SCHOOL else HOST_KINDS
    columns = (Organization.id, Organization.name, sa.null().label("school_year"))
    return columns, Organization.kind.in_(kinds)


def _choice(row) -> Choice:
    if row.school_year is None:
        return Choice(row.id, row.name, row.name)
    return Choice(row.id, row.name, f"{row.name} {school_year_label(row.school_year)}")


def _by_number(session, kind: Kind, number: int):
    columns, belongs = _columns(kind)
    return session.execute(sa.select(*columns).where(columns[0] == number, belongs)).first()


def _by_name(session, kind: Kind, typed: str, school_year: int) -> Lookup:
    (id_column, name_column, year_column), belongs = _columns(kind)
    if kind is Kind.PROGRAMME:
        belongs = year_column == school_year
    rows = session.execute(
        sa.select(id_column, name_column, year_column)
        .where(belongs, name_column.icontains(typed, autoescape=True))
        # Exact names first, so a short name is found among many longer ones containing it.
        .order_by(
            (sa.func.lower(name_column) == typed.lower()).desc(),
            sa.func.lower(name_column),
            id_column,
        )
        .limit(MAX_CANDIDATES + 1)
    ).all()
    exact = [row for row in rows if row.name.casefold() == typed.casefold()]
    if len(rows) == 1 or len(exact) == 1:
        return Lookup(chosen=_choice((exact or rows)[0]))
    if not rows:
        return Lookup(problem=_no_match(kind, typed, school_year))
    candidates = [_choice(row) for row in rows[:MAX_CANDIDATES]]
    return Lookup(candidates=candidates, more=len(rows) > MAX_CANDIDATES)


def look_up(
    session, kind: Kind, *, number: int | None, typed: str | None, school_year: int
) -> Lookup:
    """Resolve one filter from the number chosen and the name typed (None: no name field sent).

    An empty name clears the filter; a name other than the chosen one's is looked for, among
    the programmes of the report's school year for a programme (a number may name a programme
    of any year). At most two queries, one when the choice stands.
    """
    if typed is None or (number is not None and typed):
        row = None if number is None else _by_number(session, kind, number)
        if typed is None:
            if number is None:
                return Lookup()
            return Lookup(chosen=_choice(row)) if row else Lookup(problem=UNKNOWN_NUMBER[kind])
        if row is not None and row.name.casefold() == typed.casefold():
            return Lookup(chosen=_choice(row))
    if not typed:
        return Lookup()
    return _by_name(session, kind, typed, school_year)
