"""The impact report page, its tables as CSV downloads, and recounting it on demand."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, gettext
from flask_babel import lazy_gettext as _l

from talent.auth.guards import permission_required
from talent.db import sqlite_write_intent, utcnow
from talent.extensions import db
from talent.reports.choices import Choice, Kind, Lookup, look_up
from talent.reports.export import csv_filename, section_csv
from talent.reports.forms import ReportFilterForm
from talent.reports.page import shown_sections
from talent.reports.period import ZONE, ReportFilter, SchoolYear, current_school_year
from talent.reports.services import SECTION_KEYS
from talent.reports.snapshots import Figures, compute_report, store_report, stored_report

bp = Blueprint("reports", __name__, url_prefix="/reports")
log = logging.getLogger(__name__)

#: Rows of one table the page shows: a national network's hosts run to hundreds, which the
#: CSV file and the full report (``?all_rows=1``, also for printing) list.
MAX_ROWS_SHOWN = 20
ALL_ROWS = "all_rows"
MUST_PICK = _l("Several names match what was typed: choose one under the filter to see the report.")


@dataclass
class FilterControl:
    """One school, host or programme filter as the form shows it."""

    kind: Kind
    #: The number of the row chosen, sent again with the form.
    number: int | None
    #: The name in the search field: the chosen one's, else what was typed.
    text: str
    errors: list[str] = field(default_factory=list)
    #: (name, link choosing it) when the name typed matched several.
    candidates: list[tuple[str, str]] = field(default_factory=list)
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
    def chosen(self) -> list[tuple[Kind, Choice]]:
        return [(kind, found.chosen) for kind, found in self.lookups.items() if found.chosen]

    def problems(self) -> str:
        return " ".join(str(error) for f in self.form for error in f.errors)


def _chosen_filter() -> ChosenFilter:
    """The filter of the query string, with the school, host and programme found by number or
    name (a query each at most)."""
    latest_year = current_school_year(utcnow().astimezone(ZONE).date())
    form = ReportFilterForm(request.args, latest_year=latest_year)
    form.validate()
    # With a wrong year the choices are still looked up, so correcting the year keeps them.
    school_year = latest_year if form.year.errors else form.year.data
    lookups = {kind: Lookup() for kind in Kind}
    for kind in Kind:
        number, name = form.number_field(kind), form.name_field(kind)
        if number.errors or name.errors:
            continue
        found = look_up(
            db.session, kind, number=number.data, typed=name.data, school_year=school_year
        )
        if found.problem is not None:
            name.errors = [*name.errors, found.problem]
        lookups[kind] = found
    complete = not any(found.candidates for found in lookups.values())
    if not complete or any(f.errors for f in form):
        return ChosenFilter(form, lookups, None)
    report = ReportFilter(
        SchoolYear(form.year.data),
        school_id=_chosen_id(lookups[Kind.SCHOOL]),
        host_id=_chosen_id(lookups[Kind.HOST]),
        programme_id=_chosen_id(lookups[Kind.PROGRAMME]),
    )
    return ChosenFilter(form, lookups, report)


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


def _controls(chosen: ChosenFilter) -> list[FilterControl]:
    controls = []
    for kind, found in chosen.lookups.items():
        number, name = chosen.form.number_field(kind), chosen.form.name_field(kind)
        control = FilterControl(
            kind,
            number=found.chosen.id if found.chosen else None,
            text=found.chosen.name if found.chosen else (name.data or ""),
            errors=[str(error) for error in (*number.errors, *name.errors)],
            more=found.more,
        )
        if found.candidates:
            # The link keeps the other filters as they were sent and picks this one by number.
            args = {k: v for k, v in request.args.items() if k not in (name.name, ALL_ROWS)}
            control.candidates = [
                (c.label, url_for("reports.index", **{**args, kind.value: c.id}))
                for c in found.candidates
            ]
        controls.append(control)
    return controls


def _max_age_minutes() -> int:
    return max(1, current_app.config["REPORT_MAX_AGE_MINUTES"])


def _keep(figures: Figures) -> None:
    """Store figures counted during a GET; failing to store costs only a recount next time.

    The read transaction ends first: on SQLite a read turned into a write fails at once if
    another request wrote meanwhile, while a write begun IMMEDIATE waits its turn. Nothing
    loaded was changed, so the commits need not expire it (and reload the user).
    """
    session = db.session()
    session.expire_on_commit = False
    token = sqlite_write_intent.set(True)
    try:
        session.commit()
        store_report(session, figures)
        session.commit()
    except (sa.exc.SQLAlchemyError, TypeError, ValueError):
        session.rollback()
        log.warning("report snapshot %s not stored", figures.report.filter, exc_info=True)
    finally:
        sqlite_write_intent.reset(token)
        session.expire_on_commit = True


def _figures(report_filter: ReportFilter, *, max_rows: int | None = None) -> Figures:
    """The stored figures while they are young enough, else counted now and stored.

    With ``max_rows``, each table has its first rows only (Report.shortened).
    """
    now = utcnow()
    max_age = timedelta(minutes=_max_age_minutes())
    figures = stored_report(db.session, report_filter, now=now, max_age=max_age, max_rows=max_rows)
    if figures is None:
        figures = compute_report(report_filter, now=now)
        _keep(figures)
        if max_rows is not None:
            figures = Figures(figures.report.shortened(max_rows), figures.computed_at)
    return figures


def _as_of(figures: Figures) -> str:
    """When the figures were counted: the time of day if today, else date and time."""
    today = format_datetime(utcnow(), "yyyy-MM-dd")
    same_day = format_datetime(figures.computed_at, "yyyy-MM-dd") == today
    return format_datetime(figures.computed_at, "HH:mm" if same_day else "d. MMM y HH:mm")


@bp.route("/")
@permission_required("reports.view")
def index():
    """The impact report for one school year, compared with the year before."""
    chosen = _chosen_filter()
    figures = None
    if chosen.report is not None:
        all_rows = request.args.get(ALL_ROWS) == "1"
        figures = _figures(chosen.report, max_rows=None if all_rows else MAX_ROWS_SHOWN)
    return render_template(
        "reports/index.html",
        form=chosen.form,
        controls=_controls(chosen),
        chosen=chosen.chosen,
        must_pick=chosen.report is None and not chosen.has_problems,
        report=figures.report if figures else None,
        args=report_args(chosen.report) if chosen.report else {},
        sections=shown_sections(figures.report) if figures else [],
        as_of=_as_of(figures) if figures else None,
        max_age_minutes=_max_age_minutes(),
    ), (400 if chosen.has_problems else 200)


@bp.route("/recompute", methods=["POST"])
@permission_required("reports.view")
def recompute():
    """Count the report of the chosen year and filters again now, and show it."""
    report_filter = _chosen_filter().report
    if report_filter is None:
        return redirect(url_for("reports.index", **request.args.to_dict()))
    store_report(db.session, compute_report(report_filter, now=utcnow()))
    db.session.commit()
    log.info("report %s recomputed on request", report_filter)
    flash(gettext("The figures were counted again just now."), "success")
    return redirect(url_for("reports.index", **report_args(report_filter)))


@bp.route("/<section>.csv")
@permission_required("reports.view")
def export(section: str):
    """One table of the report as a CSV file, with all its rows."""
    if section not in SECTION_KEYS:
        abort(404)
    chosen = _chosen_filter()
    if chosen.report is None:
        message = chosen.problems() or str(MUST_PICK)
        return Response(message, status=400, mimetype="text/plain")
    table = _figures(chosen.report).report.section(section)
    return Response(
        section_csv(chosen.report, table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{csv_filename(chosen.report, table)}"'
        },
    )
