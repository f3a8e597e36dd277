"""The features of the app and how ``create_app`` wires them.

Each feature has ``talent/<feature>/feature.py`` with ``register(app)``: it registers the
feature's blueprints, policy rules, reminder kinds, calendar and timeline providers, and the
jobs the scheduler runs. ``create_app`` calls every one; nothing is registered because some
module happened to be imported, so who may see what does not depend on import order.
Registering twice (tests build many apps in one process) changes nothing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Flask

FEATURES: tuple[str, ...] = (
    "home",
    "auth",
    "people",
    "audit",
    "schools",
    "mentoring",
    "reminders",
    "calendar",
    "rosters",
    "consents",
    "programmes",
    "timeline",
    "privacy",
    "courses",
    "visits",
    "activities",
    "reports",
)

#: (name, function of ``now``, seconds between runs or None for the reminder interval)
Scheduled = tuple[str, Callable[..., Any], int | None]


def register_features(app: Flask, order: Sequence[str] = FEATURES) -> None:
    for name in order:
        importlib.import_module(f"talent.{name}.feature").register(app)


def schedule(app: Flask, entries: Iterable[Scheduled]) -> None:
    """Hand a feature's periodic jobs to the scheduler process (talent/scheduler)."""
    jobs: dict[str, Scheduled] = app.extensions.setdefault("talent.scheduled", {})
    for entry in entries:
        if jobs.get(entry[0], entry) is not entry:
            raise RuntimeError(f"scheduled job name used twice: {entry[0]}")
        jobs[entry[0]] = entry


def scheduled(app: Flask) -> list[Scheduled]:
    """Every registered job, by name."""
    return sorted(app.extensions.get("talent.scheduled", {}).values(), key=lambda e: e[0])
