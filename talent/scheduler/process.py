"""Building and running the BlockingScheduler: UTC, in-memory job store, interval ticks."""

from __future__ import annotations

import logging
import signal
import time
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask

from talent.extensions import db
from talent.reminders.settings import reminder_settings
from talent.scheduler.jobs import ScheduledJob, feature_jobs

log = logging.getLogger(__name__)


def _runner(app: Flask, job: ScheduledJob):
    def run() -> None:
        with app.app_context():
            try:
                started = time.monotonic()
                result = job.func(now=datetime.now(UTC))
                # Jobs at the reminder interval run every few seconds and log their own line
                # when they did something; the others say each run.
                if job.every_seconds is not None:
                    took = (time.monotonic() - started) * 1000
                    log.info("job %s finished in %.0f ms: %s", job.name, took, result)
            except Exception:
                # A failing job must not stop the scheduler; the next tick tries again.
                log.exception("job %s failed", job.name)
                db.session.rollback()
            finally:
                db.session.remove()

    run.__name__ = job.name
    return run


def build_scheduler(app: Flask) -> BlockingScheduler:
    """A scheduler with every feature's jobs; the first run of each is right away."""
    settings = reminder_settings(app.config)
    scheduler = BlockingScheduler(
        timezone=UTC,
        jobstores={"default": MemoryJobStore()},
        # One thread: jobs run one after the other, never two ticks of one job at once.
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
    for job in feature_jobs(app):
        scheduler.add_job(
            _runner(app, job),
            IntervalTrigger(seconds=job.every_seconds or settings.interval_seconds, timezone=UTC),
            id=job.name,
            name=job.name,
            next_run_time=datetime.now(UTC),
            replace_existing=True,
            # A tick that was missed (the process was busy or asleep) still runs, once.
            misfire_grace_time=None,
            coalesce=True,
            max_instances=1,
        )
    return scheduler


def run(app: Flask) -> None:
    """Run the scheduler in the foreground until SIGTERM or Ctrl+C."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    scheduler = build_scheduler(app)

    def stop(signum, frame) -> None:
        log.info("scheduler stopping (signal %s)", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    log.info(
        "scheduler started: %s",
        ", ".join(f"{job.id} every {job.trigger.interval}" for job in scheduler.get_jobs()),
    )
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
    log.info("scheduler stopped")
