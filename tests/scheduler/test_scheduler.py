"""The scheduler process: how it is built, that the web app never loads it, and a real run."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from talent.extensions import db
from talent.people.models import Role
from talent.reminders.models import Notification, NotificationState
from talent.reminders.services import notify
from talent.scheduler.jobs import ScheduledJob, feature_jobs
from talent.scheduler.process import _runner, build_scheduler
from tests.reminders.processes import TALENT, environment


def test_the_scheduler_is_blocking_utc_in_memory_with_interval_ticks(app):
    app.config["SCHEDULER_INTERVAL_SECONDS"] = 45
    scheduler = build_scheduler(app)
    assert isinstance(scheduler, BlockingScheduler)
    assert str(scheduler.timezone) == "UTC"
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {job.name for job in feature_jobs()}
    job = jobs["deliver-reminders"]
    assert isinstance(job.trigger, IntervalTrigger)
    assert job.trigger.interval.total_seconds() == 45
    assert job.misfire_grace_time is None
    assert job.coalesce is True and job.max_instances == 1


def test_every_features_jobs_are_collected(app):
    jobs = feature_jobs()
    assert jobs[0].name != "" and len({job.name for job in jobs}) == len(jobs)
    assert any(job.name == "deliver-reminders" and job.every_seconds is None for job in jobs)
    assert all(job.every_seconds is None or job.every_seconds > 0 for job in jobs)
    assert all(callable(job.func) for job in jobs)


def test_the_web_app_never_imports_the_scheduler():
    code = (
        "import sys; from talent import create_app; "
        "app = create_app({'ENV_NAME': 'testing', 'SQLALCHEMY_DATABASE_URI': 'sqlite://'}); "
        "app.test_client().get('/health'); "
        "loaded = [m for m in sys.modules if m.startswith(('talent.scheduler', 'apscheduler'))]; "
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(app, caplog):
    def broken(*, now):
        raise RuntimeError("boom")

    run = _runner(app, ScheduledJob("broken", broken))
    run()  # does not raise
    assert "job broken failed" in caplog.text and "boom" in caplog.text


def test_talent_scheduler_delivers_and_stops_on_sigterm(app, make, database_url, smtp, mailbox):
    recipient = make.user(Role.TEACHER, email="kari@example.org")
    row_id = notify(
        recipient,
        "reminders.test",
        None,
        now=datetime.now(UTC),
        context={"requested_at": datetime.now(UTC)},
    ).id
    db.session.commit()

    env = environment(database_url, smtp.environment(), SCHEDULER_INTERVAL_SECONDS=1)
    process = subprocess.Popen(
        [TALENT, "scheduler"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        mailbox.wait_for(1, timeout=60)
        assert mailbox.count == 1
        assert mailbox.messages[0]["To"] == "kari@example.org"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            db.session.expire_all()
            state = db.session.get(Notification, row_id).state
            db.session.rollback()
            if state is NotificationState.SENT:
                break
            time.sleep(0.1)
        assert state is NotificationState.SENT
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert "scheduler started: " in err and "deliver-reminders every 0:00:01" in err
    assert "scheduler stopped" in err
