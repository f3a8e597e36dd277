"""Scheduled work of the roster feature."""

from __future__ import annotations

import logging
from datetime import datetime

from talent.extensions import db
from talent.periodic import job_lease
from talent.rosters.services import purge_stale_imports

log = logging.getLogger(__name__)


def purge_roster_previews(now: datetime) -> int:
    """Delete the uploaded rows of imports left unsaved for a day; commit.

    One transaction under the job's lease: a second scheduler at the same moment skips the run,
    and a later run finds the imports already discarded.
    """
    if not job_lease("rosters-purge-previews"):
        db.session.rollback()
        return 0
    purged = purge_stale_imports(now)
    db.session.commit()
    if purged:
        log.info("removed %d unsaved roster import(s)", purged)
    return purged


#: For talent.scheduler.jobs.JOBS: (name, function, seconds between runs).
SCHEDULED = (("rosters-purge-previews", purge_roster_previews, 60 * 60),)
