"""The scheduled jobs, defined in code by the features that own them.

A feature with periodic work writes plain functions of ``now`` in ``talent/<feature>/jobs.py``
and lists them there as ``SCHEDULED = ((name, function, seconds between runs), ...)``; each
function is its own transaction boundary (it commits its work). Seconds of None mean the
reminder interval (TALENT_SCHEDULER_INTERVAL_SECONDS). This module collects those lists; the
scheduler process is the only thing that imports it.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import talent

#: Packages that are not features with jobs of their own.
_NOT_FEATURES = frozenset({"scheduler", "translations"})


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    func: Callable[..., Any]
    #: Seconds between runs; None means TALENT_SCHEDULER_INTERVAL_SECONDS.
    every_seconds: int | None = None


def feature_jobs() -> tuple[ScheduledJob, ...]:
    """Every feature's SCHEDULED entries, in a stable order; a name may be used once."""
    jobs: list[ScheduledJob] = []
    for module in sorted(pkgutil.iter_modules(talent.__path__), key=lambda m: m.name):
        if not module.ispkg or module.name in _NOT_FEATURES:
            continue
        if importlib.util.find_spec(f"talent.{module.name}.jobs") is None:
            continue
        feature = importlib.import_module(f"talent.{module.name}.jobs")
        for name, func, seconds in getattr(feature, "SCHEDULED", ()):
            jobs.append(ScheduledJob(name, func, seconds))
    names = [job.name for job in jobs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise RuntimeError(f"scheduled job names used twice: {', '.join(duplicates)}")
    return tuple(jobs)
