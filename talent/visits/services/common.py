"""Small helpers the visit services share: days and spans as people read them, clean text."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_date, format_datetime, format_time
from flask_babel import lazy_gettext as _l

from talent.errors import ValidationFailed


def show_day(day: date) -> str:
    return format_date(day, "d. MMM y")


def show_span(starts_at: datetime, ends_at: datetime) -> str:
    """A slot's time as people read it, like "10. Nov 2026 10:00–12:00", in the user's zone."""
    return f"{format_datetime(starts_at, 'd. MMM y HH:mm')}–{format_time(ends_at, 'HH:mm')}"


def clean_text(value: str | None, *, limit: int, field: str, required=None) -> str:
    """Trim a text; refuse it when too long, or empty if ``required`` gives the message."""
    text = (value or "").strip()
    if required is not None and not text:
        raise ValidationFailed(required, field=field)
    if len(text) > limit:
        raise ValidationFailed(_l("Use at most %(max)d characters.", max=limit), field=field)
    return text
