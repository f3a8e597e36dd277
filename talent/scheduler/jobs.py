"""The scheduled jobs, defined in code: each is a plain function taking ``now``.

A feature with periodic work adds a line to JOBS; the function runs inside an app context and
is the transaction boundary (it commits its own work).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from talent.reminders.jobs import deliver_reminders


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: Callable[..., Any]
    #: Seconds between runs; None means the reminder interval (TALENT_SCHEDULER_INTERVAL_SECONDS).
    every_seconds: int | None = None


JOBS: tuple[ScheduledJob, ...] = (ScheduledJob("deliver-reminders", deliver_reminders),)
