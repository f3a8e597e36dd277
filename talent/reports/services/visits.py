"""Lab visits held, cancelled and missed, the no-show rate, and the hosts that held them."""

from __future__ import annotations

import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import Organization
from talent.reports.definitions import HELD_VISIT, MEASURES, NO_SHOW_VISIT, Unit
from talent.reports.period import ReportFilter
from talent.reports.services.common import (
    Row,
    Section,
    count_if,
    in_both_years,
    measure_row,
    programme_pupils,
)
from talent.visits.models import LabSite, LabVisit, VisitParticipant, VisitSlot, VisitState


def filter_visits(query, report: ReportFilter):
    query = query.where(in_both_years(report, VisitSlot.starts_at, dated=False))
    if report.school_id is not None:
        query = query.where(LabVisit.school_id == report.school_id)
    if report.host_id is not None:
        query = query.where(LabSite.organization_id == report.host_id)
    if report.programme_id is not None:
        query = query.where(
            sa.exists().where(
                VisitParticipant.visit_id == LabVisit.id,
                VisitParticipant.student_id.in_(programme_pupils(report.programme_id)),
            )
        )
    return query


def _rate(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def visits_section(report: ReportFilter, pupil_visits: tuple[int, int]) -> Section:
    """One query for the visit counts; the pupil visits come from the pupils-reached query."""
    current = VisitSlot.starts_at >= report.year.starts_at
    previous = sa.not_(current)
    columns = []
    for name, state in (
        ("held", HELD_VISIT),
        ("cancelled", VisitState.CANCELLED),
        ("no_show", NO_SHOW_VISIT),
    ):
        columns += [
            count_if(sa.and_(LabVisit.state == state, current)).label(f"{name}_1"),
            count_if(sa.and_(LabVisit.state == state, previous)).label(f"{name}_0"),
        ]
    query = (
        sa.select(*columns)
        .select_from(LabVisit)
        .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
        .join(LabSite, LabSite.id == VisitSlot.site_id)
    )
    result = db.session.execute(filter_visits(query, report)).one()
    section = Section("visits")
    section.rows = [
        measure_row("visits_held", result.held_1, result.held_0),
        measure_row("visits_cancelled", result.cancelled_1, result.cancelled_0),
        measure_row("visits_no_show", result.no_show_1, result.no_show_0),
        measure_row(
            "no_show_rate",
            _rate(result.no_show_1, result.held_1 + result.no_show_1),
            _rate(result.no_show_0, result.held_0 + result.no_show_0),
        ),
        measure_row("visit_pupils", *pupil_visits),
    ]
    return section


def host_row(host_id: int, name: str, current, previous) -> Row:
    """Held visits of one host organisation; its name is data, not a translated label."""
    definition = MEASURES["visits_held"].definition
    return Row(f"host-{host_id}", name, definition, Unit.COUNT, current, previous)


def hosts_section(report: ReportFilter, visits: Section) -> Section:
    """Held visits per host organisation, busiest first; adds the number of hosts to the visits
    section."""
    current = VisitSlot.starts_at >= report.year.starts_at
    held = LabVisit.state == HELD_VISIT
    query = (
        sa.select(
            Organization.id,
            Organization.name,
            count_if(sa.and_(held, current)).label("held_1"),
            count_if(sa.and_(held, sa.not_(current))).label("held_0"),
        )
        .select_from(LabVisit)
        .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
        .join(LabSite, LabSite.id == VisitSlot.site_id)
        .join(Organization, Organization.id == LabSite.organization_id)
        .where(held)
        .group_by(Organization.id, Organization.name)
    )
    # The busiest first: a page that shows only the first hosts shows those that held most.
    query = query.order_by(
        sa.desc("held_1"), sa.desc("held_0"), sa.func.lower(Organization.name), Organization.id
    )
    section = Section("hosts")
    hosts_now = hosts_before = 0
    for host in db.session.execute(filter_visits(query, report)):
        hosts_now += host.held_1 > 0
        hosts_before += host.held_0 > 0
        section.rows.append(host_row(host.id, host.name, host.held_1, host.held_0))
    visits.rows.append(measure_row("hosts_involved", hosts_now, hosts_before))
    return section
