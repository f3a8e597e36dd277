"""Whole-number settings that several features read: app config, else TALENT_*, else default."""

from __future__ import annotations

import os

from flask import current_app

#: Name (without TALENT_) → default. Documented in the README.
DEFAULTS = {
    "RETENTION_YEARS_AFTER_LEAVING": 3,
    "ROSTER_MAX_MB": 10,
    "CONSENT_LINK_DAYS": 14,
    "CONSENT_REMINDER_DAYS": 30,
}


def int_setting(name: str) -> int:
    """The app's value for ``name``, else TALENT_<name> from the environment, else the default."""
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(f"TALENT_{name}") or DEFAULTS[name]
    try:
        number = int(value)
    except (TypeError, ValueError) as error:
        raise RuntimeError(f"TALENT_{name} must be a whole number, not {value!r}") from error
    if number < 0:
        raise RuntimeError(f"TALENT_{name} must not be negative")
    return number
