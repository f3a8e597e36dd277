"""The impact report page, its tables as CSV downloads, and recounting it on demand."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from babel import dates
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
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l

from talent.auth.guards import permission_required
from talent.db import utcnow, writing
from talent.extensions import db
from talent.i18n import local_zone
from talent.reports.export import csv_filename, section_csv
from talent.reports.filtering import ALL_ROWS, read_filter, report_args
from talent.reports.page import shown_sections
from talent.reports.period import ReportFilter
from talent.reports.services import SECTION_KEYS
from talent.reports.snapshots import Figures, compute_report, store_report, stored_report
from talent.web.csv_export import csv_response

bp = Blueprint("reports", __name__, url_prefix="/reports")
log = logging.getLogger(__name__)

#: Rows of one table the page shows: a national network's hosts run to hundreds, which the
#: CSV file and the full report (``?all_rows=1``, also for printing) list.
MAX_ROWS_SHOWN = 20
#: Compiled once (Babel's format functions parse the pattern on every call).
_TIME = dates.parse_pattern("HH:mm")
_DATE_TIME = dates.parse_pattern("d. MMM y HH:mm")
MUST_PICK = _l("Several names match what was typed: choose one under the filter to see the report.")


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
    try:
        session.commit()
        with writing():
            store_report(session, figures)
            session.commit()
    except (sa.exc.SQLAlchemyError, TypeError, ValueError):
        session.rollback()
        log.warning("report snapshot %s not stored", figures.report.filter, exc_info=True)
    finally:
        session.expire_on_commit = True


def _figures(report_filter: ReportFilter, *, max_rows: int | None = None) -> Figures:
    """The stored figures while they are young enough, else counted now and stored.

    With ``max_rows``, each long table has its first rows only (Report.shortened).
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
    zone = local_zone()
    counted = figures.computed_at.astimezone(zone)
    same_day = counted.date() == utcnow().astimezone(zone).date()
    return (_TIME if same_day else _DATE_TIME).apply(counted, get_locale())


@bp.route("/")
@permission_required("reports.view")
def index():
    """The impact report for one school year, compared with the year before."""
    chosen = read_filter(db.session, request.args, now=utcnow())
    figures = None
    if chosen.report is not None:
        all_rows = request.args.get(ALL_ROWS) == "1"
        figures = _figures(chosen.report, max_rows=None if all_rows else MAX_ROWS_SHOWN)
    return render_template(
        "reports/index.html",
        form=chosen.form,
        controls=chosen.controls(request.args.to_dict()),
        chosen=chosen.chosen,
        must_pick=chosen.must_pick and not chosen.has_problems,
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
    report_filter = read_filter(db.session, request.args, now=utcnow()).report
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
    chosen = read_filter(db.session, request.args, now=utcnow())
    if chosen.report is None:
        message = chosen.problems() or str(MUST_PICK)
        return Response(message, status=400, mimetype="text/plain")
    table = _figures(chosen.report).report.section(section)
    header, rows = section_csv(chosen.report, table)
    return csv_response(header, rows, filename=csv_filename(chosen.report, table))
