"""The scheduled jobs, defined in code by the features that own them.

A feature with periodic work writes plain functions of ``now`` in ``talent/<feature>/jobs.py``
and lists them there as ``SCHEDULED = ((name, function, seconds between runs), ...)``; the
feature's ``register(app)`` hands that list to ``talent.features.schedule``. Each function is
its own transaction boundary (it commits its work). Seconds of None mean the reminder interval
(TALENT_SCHEDULER_INTERVAL_SECONDS). The scheduler process is the only thing that imports this
module.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from talent import features


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: Callable[..., Any]
    #: Seconds between runs; None means TALENT_SCHEDULER_INTERVAL_SECONDS.
    every_seconds: int | None = None


def feature_jobs(app: Flask | None = None) -> tuple[ScheduledJob, ...]:
    """Every job the features registered with the app (the current one by default), by name."""
    app = app if app is not None else current_app
    return tuple(ScheduledJob(*entry) for entry in features.scheduled(app))
