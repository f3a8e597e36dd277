"""Running real scheduler processes (`talent reminders run-once`) against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from talent.extensions import db
from talent.people.models import User
from talent.reminders.models import Notification, NotificationState

TALENT = str(Path(sys.executable).with_name("talent"))


def environment(database_url: str, smtp_env: dict[str, str], **settings) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TALENT_")}
    env.update(
        TALENT_ENV="testing",
        TALENT_DATABASE_URL=database_url,
        TALENT_BASE_URL="http://localhost",
        **smtp_env,
    )
    env.update({f"TALENT_{key}": str(value) for key, value in settings.items()})
    return env


def start_run_once(env: dict[str, str], now: datetime | None = None) -> subprocess.Popen:
    command = [TALENT, "reminders", "run-once"]
    if now is not None:
        command += ["--now", now.isoformat()]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def add_due_rows(count: int, *, now: datetime, users: int = 50) -> None:
    """``count`` due test messages spread over ``users`` recipients, written in bulk."""
    people = [
        User(email=f"bulk{n}@example.org", name=f"Bulk {n}", language=("nb", "en")[n % 2])
        for n in range(users)
    ]
    db.session.add_all(people)
    db.session.flush()
    db.session.execute(
        sa.insert(Notification),
        [
            {
                "recipient_id": people[n % users].id,
                "kind": "reminders.test",
                "subject_type": "",
                "due_at": now,
                "next_attempt_at": now,
                "context": {"requested_at": now.isoformat()},
                "state": NotificationState.PENDING,
                "attempts": 0,
                "last_error": "",
                "idempotency_key": f"bulk:{n}",
                "created_at": now,
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def ledger_summary() -> tuple[dict[NotificationState, int], dict[str, int], set[str]]:
    """(rows by state, rows by claiming worker, recorded Message-IDs)."""
    db.session.expire_all()
    states = dict(
        db.session.execute(
            sa.select(Notification.state, sa.func.count()).group_by(Notification.state)
        ).all()
    )
    workers = dict(
        db.session.execute(
            sa.select(Notification.claimed_by, sa.func.count()).group_by(Notification.claimed_by)
        ).all()
    )
    message_ids = set(db.session.scalars(sa.select(Notification.message_id)))
    db.session.rollback()  # end the read: on SQLite it holds the write lock
    return states, workers, message_ids
