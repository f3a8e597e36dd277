"""Scheduled work of the reports feature; the scheduler calls these with the current time."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from talent.extensions import db
from talent.periodic import job_lease
from talent.reports.models import ReportSnapshot
from talent.reports.snapshots import (
    compute_report,
    default_filters,
    purge_snapshots,
    snapshot_key,
    store_report,
)

log = logging.getLogger(__name__)

#: A report counted this recently (by another scheduler) is not counted again.
RECOUNT_AFTER = timedelta(minutes=1)


def _counted_since(key: str, moment: datetime) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                ReportSnapshot.key == key, ReportSnapshot.computed_at > moment
            )
        )
        > 0
    )


def refresh_report_snapshots(now: datetime) -> int:
    """Recount the unfiltered report of this school year and the last, so the page is warm,
    and delete the snapshots too old to be served.

    Each report is counted under its own lease, and not when another scheduler counted it in
    the last minute; storing is an upsert that keeps the newer figures, and purging is
    idempotent.
    """
    max_age = timedelta(minutes=max(1, current_app.config["REPORT_MAX_AGE_MINUTES"]))
    # As old as stored_report no longer serves.
    purged = purge_snapshots(db.session, counted_by=now - max_age)
    db.session.commit()
    refreshed = 0
    for report in default_filters(now):
        key = snapshot_key(report)
        if not job_lease(f"report-snapshot:{key}") or _counted_since(key, now - RECOUNT_AFTER):
            db.session.rollback()
            continue
        store_report(db.session, compute_report(report, now=now))
        db.session.commit()
        refreshed += 1
    log.info("report snapshots refreshed: %d, purged: %d", refreshed, purged)
    return refreshed


#: For talent.scheduler.jobs.JOBS: (name, function, seconds between runs).
SCHEDULED = (("report-snapshots", refresh_report_snapshots, 5 * 60),)
