"""Scheduled work of the reports feature; the scheduler calls these with the current time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app

from talent.extensions import db
from talent.reports.snapshots import (
    compute_report,
    default_filters,
    purge_snapshots,
    store_report,
)

log = logging.getLogger(__name__)


def refresh_report_snapshots(now: datetime) -> int:
    """Recount the unfiltered report of this school year and the last, so the page is warm,
    and delete the snapshots too old to be served."""
    max_age = timedelta(minutes=max(1, current_app.config["REPORT_MAX_AGE_MINUTES"]))
    # As old as stored_report no longer serves.
    purged = purge_snapshots(db.session, counted_by=now - max_age)
    db.session.commit()
    refreshed = 0
    for report in default_filters(now):
        store_report(db.session, compute_report(report, now=now))
        db.session.commit()
        refreshed += 1
    log.info("report snapshots refreshed: %d, purged: %d", refreshed, purged)
    return refreshed


#: For talent.scheduler.jobs.JOBS: (name, function, seconds between runs).
SCHEDULED = (("report-snapshots", refresh_report_snapshots, 5 * 60),)
