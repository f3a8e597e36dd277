"""The impact report page, its tables as CSV downloads, and recounting it on demand."""

from __future__ import annotations

import logging
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

from talent.auth.guards import permission_required
from talent.db import sqlite_write_intent, utcnow
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind
from talent.programmes.models import Programme
from talent.reports.definitions import MEASURES, SECTIONS
from talent.reports.export import csv_filename, section_csv
from talent.reports.forms import ReportFilterForm
from talent.reports.period import ZONE, ReportFilter, SchoolYear, current_school_year
from talent.reports.services import SECTION_KEYS, show, show_change
from talent.reports.snapshots import Figures, compute_report, store_report, stored_report

bp = Blueprint("reports", __name__, url_prefix="/reports")
log = logging.getLogger(__name__)

PROGRAMME = "programme"
#: Organisations that host lab visits, take part in activities, employ mentors or run courses.
HOST_KINDS = frozenset(
    kind.value
    for kind in OrganizationKind
    if kind not in (OrganizationKind.SCHOOL, OrganizationKind.CLUSTER)
)


def _filter_form() -> ReportFilterForm:
    """The filter with its choices: every school, host organisation and programme (one query)."""
    organizations = sa.select(
        Organization.id,
        Organization.name,
        sa.cast(Organization.kind, sa.String).label("kind"),
        sa.null().label("school_year"),
    )
    programmes = sa.select(
        Programme.id, Programme.name, sa.literal(PROGRAMME), Programme.school_year
    )
    rows = db.session.execute(sa.union_all(organizations, programmes)).all()
    rows.sort(key=lambda row: (-(row.school_year or 0), row.name.lower(), row.id))
    schools = [(r.id, r.name) for r in rows if r.kind == OrganizationKind.SCHOOL.value]
    hosts = [(r.id, r.name) for r in rows if r.kind in HOST_KINDS]
    form = ReportFilterForm(
        request.args,
        latest_year=current_school_year(utcnow().astimezone(ZONE).date()),
        schools=schools,
        hosts=hosts,
        programmes=[
            (r.id, f"{r.name} {SchoolYear(r.school_year).label}")
            for r in rows
            if r.kind == PROGRAMME
        ],
    )
    form.validate()
    return form


def _report_filter(form: ReportFilterForm) -> ReportFilter | None:
    if form.errors:
        return None
    return ReportFilter(
        SchoolYear(form.year.data),
        school_id=form.value("school"),
        host_id=form.value("host"),
        programme_id=form.value("programme"),
    )


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


def _figures(report_filter: ReportFilter) -> Figures:
    """The stored figures while they are young enough, else counted now and stored."""
    now = utcnow()
    max_age = timedelta(minutes=_max_age_minutes())
    figures = stored_report(db.session, report_filter, now=now, max_age=max_age)
    if figures is None:
        figures = compute_report(report_filter, now=now)
        _keep(figures)
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
    form = _filter_form()
    report_filter = _report_filter(form)
    figures = _figures(report_filter) if report_filter is not None else None
    return render_template(
        "reports/index.html",
        form=form,
        report=figures.report if figures else None,
        as_of=_as_of(figures) if figures else None,
        max_age_minutes=_max_age_minutes(),
        measures=MEASURES,
        sections=SECTIONS,
        show=show,
        show_change=show_change,
    ), (200 if figures is not None else 400)


@bp.route("/recompute", methods=["POST"])
@permission_required("reports.view")
def recompute():
    """Count the report of the chosen year and filters again now, and show it."""
    form = _filter_form()
    report_filter = _report_filter(form)
    if report_filter is None:
        return redirect(url_for("reports.index", **request.args.to_dict()))
    store_report(db.session, compute_report(report_filter, now=utcnow()))
    db.session.commit()
    log.info("report %s recomputed on request", report_filter)
    flash(gettext("The figures were counted again just now."), "success")
    return redirect(url_for("reports.index", **request.args.to_dict()))


@bp.route("/<section>.csv")
@permission_required("reports.view")
def export(section: str):
    """One table of the report as a CSV file."""
    if section not in SECTION_KEYS:
        abort(404)
    form = _filter_form()
    report_filter = _report_filter(form)
    if report_filter is None:
        message = " ".join(str(error) for errors in form.errors.values() for error in errors)
        return Response(message, status=400, mimetype="text/plain")
    table = _figures(report_filter).report.section(section)
    return Response(
        section_csv(report_filter, table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{csv_filename(report_filter, table)}"'
        },
    )
