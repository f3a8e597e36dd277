"""The report as the page shows it: every label translated and every number formatted once.

A report has about fifty rows, each with a translated label and definition and three formatted
numbers; doing that here, once per request and in the reader's locale, costs a fraction of
doing it in the template, where a label is shown twice and each lookup goes through the request
context again.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from flask_babel import get_locale, gettext
from markupsafe import Markup

from talent.reports.definitions import MEASURES, SECTIONS, Unit
from talent.reports.services import Report, Section
from talent.reports.services.common import show, show_change


@dataclass(frozen=True)
class ShownRow:
    key: str
    label: str
    unit: str
    #: A part of the measure above it, indented.
    is_part: bool
    #: The numbers as the chart reads them ("" for none) and as the table shows them.
    previous_value: str
    previous: str
    current_value: str
    current: str
    change: str


@dataclass(frozen=True)
class ShownSection:
    key: str
    title: str
    definition: str
    #: Header of the first column.
    row_header: str
    not_applicable: str | None
    rows: list[ShownRow]
    #: (label, definition) of the measures among the rows.
    definitions: list[tuple[str, str]]
    #: Rows not shown; the CSV file and the full report have them.
    left_off: int
    #: What the chart draws: scores on their own scale, else counts.
    chart_unit: str


def _value(value) -> str:
    return "" if value is None else str(value)


def _text(value):
    """A translation as the template showed it (trusted, unescaped), or data such as a host's
    name as plain text (escaped when shown)."""
    return value if isinstance(value, str) else Markup(str(value))  # noqa: S704


@lru_cache(maxsize=8)
def _fixed_texts(locale: str) -> dict[str, tuple[Markup, Markup]]:
    """(label, definition) of every measure and (title, definition) of every section, by key,
    translated once per language: they are constants of the code, not data."""
    texts = {key: (_text(m.label), _text(m.definition)) for key, m in MEASURES.items()}
    texts.update(
        (f"section:{key}", (_text(s.title), _text(s.definition))) for key, s in SECTIONS.items()
    )
    return texts


def shown_section(section: Section, locale: str, measure_header: str) -> ShownSection:
    fixed = _fixed_texts(locale)
    rows, definitions = [], []
    for row in section.rows:
        measure = MEASURES.get(row.key)
        if measure is not None:
            label, definition = fixed[row.key]
            definitions.append((label, definition))
        else:
            label = _text(row.label)
        rows.append(
            ShownRow(
                key=row.key,
                label=label,
                unit=row.unit.value,
                is_part=measure is not None and measure.is_part,
                previous_value=_value(row.previous),
                previous=show(row.previous, row.unit, locale),
                current_value=_value(row.current),
                current=show(row.current, row.unit, locale),
                change=show_change(row, locale),
            )
        )
    title, definition = fixed[f"section:{section.key}"]
    return ShownSection(
        key=section.key,
        title=title,
        definition=definition,
        row_header=_text(section.row_header or measure_header),
        not_applicable=None if section.not_applicable is None else _text(section.not_applicable),
        rows=rows,
        definitions=definitions,
        left_off=section.left_off,
        chart_unit=Unit.SCORE.value if section.key == "feedback" else Unit.COUNT.value,
    )


def shown_sections(report: Report) -> list[ShownSection]:
    """Every section of the report, ready to print in the reader's language."""
    locale, measure_header = str(get_locale()), Markup(gettext("Measure"))  # noqa: S704
    return [shown_section(section, locale, measure_header) for section in report.sections]
