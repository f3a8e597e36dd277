"""The impact report page and its tables as CSV downloads."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request

from talent.auth.guards import permission_required
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization, OrganizationKind
from talent.programmes.models import Programme
from talent.reports.definitions import MEASURES, SECTIONS
from talent.reports.export import csv_filename, section_csv
from talent.reports.forms import ReportFilterForm
from talent.reports.period import ZONE, ReportFilter, SchoolYear, current_school_year
from talent.reports.services import SECTION_KEYS, build_report, show, show_change

bp = Blueprint("reports", __name__, url_prefix="/reports")

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


@bp.route("/")
@permission_required("reports.view")
def index():
    """The impact report for one school year, compared with the year before."""
    form = _filter_form()
    report_filter = _report_filter(form)
    report = build_report(report_filter) if report_filter is not None else None
    return render_template(
        "reports/index.html",
        form=form,
        report=report,
        measures=MEASURES,
        sections=SECTIONS,
        show=show,
        show_change=show_change,
    ), (200 if report is not None else 400)


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
    table = build_report(report_filter, only=section).section(section)
    return Response(
        section_csv(report_filter, table),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{csv_filename(report_filter, table)}"'
        },
    )
