"""Scheduled work of the reports feature; the scheduler calls these with the current time."""

from __future__ import annotations

import logging
from datetime import datetime

from talent.extensions import db
from talent.reports.snapshots import compute_report, default_filters, store_report

log = logging.getLogger(__name__)


def refresh_report_snapshots(now: datetime) -> int:
    """Recount the unfiltered report of this school year and the last, so the page is warm."""
    refreshed = 0
    for report in default_filters(now):
        store_report(db.session, compute_report(report, now=now))
        db.session.commit()
        refreshed += 1
    log.info("report snapshots refreshed: %d", refreshed)
    return refreshed


#: For talent.scheduler.jobs.JOBS: (name, function, seconds between runs).
SCHEDULED = (("report-snapshots", refresh_report_snapshots, 5 * 60),)
