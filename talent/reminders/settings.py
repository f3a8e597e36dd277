"""The reminder engine's settings: app config first, then TALENT_* variables, then defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass

#: name: (default, meaning) — the README lists the same.
DEFAULTS = {
    "SCHEDULER_INTERVAL_SECONDS": (30, "seconds between two scheduler ticks"),
    "REMINDER_BATCH_SIZE": (200, "rows one claim takes"),
    "REMINDER_LEASE_SECONDS": (600, "how long a claim holds before another scheduler may take it"),
    "REMINDER_MAX_ATTEMPTS": (6, "delivery attempts before a row is marked failed"),
    "REMINDER_RETRY_SECONDS": (60, "first retry delay; it doubles with each attempt"),
    "REMINDER_RECORD_EVERY": (20, "e-mails sent between two writes of their outcome"),
}


@dataclass(frozen=True)
class ReminderSettings:
    interval_seconds: int
    batch_size: int
    lease_seconds: int
    max_attempts: int
    retry_seconds: int
    record_every: int


def _value(config, name: str) -> int:
    default = DEFAULTS[name][0]
    raw = config.get(name)
    if raw is None:
        raw = os.environ.get(f"TALENT_{name}") or default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise RuntimeError(f"TALENT_{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise RuntimeError(f"TALENT_{name} must be at least 1, not {value}")
    return value


def reminder_settings(config) -> ReminderSettings:
    """Read and check the settings; a bad value stops the scheduler with a clear message."""
    return ReminderSettings(
        interval_seconds=_value(config, "SCHEDULER_INTERVAL_SECONDS"),
        batch_size=_value(config, "REMINDER_BATCH_SIZE"),
        lease_seconds=_value(config, "REMINDER_LEASE_SECONDS"),
        max_attempts=_value(config, "REMINDER_MAX_ATTEMPTS"),
        retry_seconds=_value(config, "REMINDER_RETRY_SECONDS"),
        record_every=_value(config, "REMINDER_RECORD_EVERY"),
    )
