"""Average ratings of lab visits and of mentoring, this year and the year before."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.extensions import db
from talent.mentoring.models import FeedbackSide, Pairing, PairingFeedback
from talent.reports.definitions import HELD_VISIT, MEASURES, Unit
from talent.reports.period import ReportFilter
from talent.reports.services.common import Row, Section, in_both_years, measure_row, this_year
from talent.reports.services.mentoring import filter_pairings
from talent.reports.services.visits import filter_visits
from talent.visits.models import LabSite, LabVisit, VisitFeedback, VisitSlot

KEYS = ("rating_visit_pupils", "rating_visit_teachers", "rating_mentees", "rating_mentors")
RATINGS_DEFINITION = _l("How many ratings the average above is made of.")


def _visit_ratings(report: ReportFilter):
    source = sa.case(
        (VisitFeedback.student_id.is_not(None), "rating_visit_pupils"),
        else_="rating_visit_teachers",
    )
    query = (
        sa.select(
            source.label("source"),
            this_year(report, VisitSlot.starts_at, dated=False).label("current"),
            VisitFeedback.rating.label("rating"),
        )
        .select_from(VisitFeedback)
        .join(LabVisit, LabVisit.id == VisitFeedback.visit_id)
        .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
        .join(LabSite, LabSite.id == VisitSlot.site_id)
        .where(LabVisit.state == HELD_VISIT)
    )
    return filter_visits(query, report)


def _mentoring_ratings(report: ReportFilter):
    source = sa.case(
        (PairingFeedback.side == FeedbackSide.MENTEE, "rating_mentees"), else_="rating_mentors"
    )
    query = (
        sa.select(
            source.label("source"),
            this_year(report, PairingFeedback.given_at, dated=False).label("current"),
            PairingFeedback.rating.label("rating"),
        )
        .select_from(PairingFeedback)
        .join(Pairing, Pairing.id == PairingFeedback.pairing_id)
        .where(in_both_years(report, PairingFeedback.given_at, dated=False))
    )
    return filter_pairings(query, report)


def rating_count_row(key: str, current, previous) -> Row:
    """How many ratings the average of one source is made of."""
    label = _l("%(rating)s: number of ratings", rating=MEASURES[key].label)
    return Row(f"{key}_count", label, RATINGS_DEFINITION, Unit.COUNT, current, previous)


def feedback_section(report: ReportFilter) -> Section:
    """One query: both kinds of rating, averaged and counted per source and year."""
    ratings = sa.union_all(_visit_ratings(report), _mentoring_ratings(report)).subquery()
    query = sa.select(
        ratings.c.source,
        ratings.c.current,
        sa.func.avg(ratings.c.rating).label("average"),
        sa.func.count().label("given"),
    ).group_by(ratings.c.source, ratings.c.current)
    found = {(r.source, r.current): (float(r.average), r.given) for r in db.session.execute(query)}
    section = Section("feedback")
    for key in KEYS:
        now, n_now = found.get((key, 1), (None, 0))
        before, n_before = found.get((key, 0), (None, 0))
        section.rows.append(measure_row(key, now, before))
        section.rows.append(rating_count_row(key, n_now, n_before))
    return section
