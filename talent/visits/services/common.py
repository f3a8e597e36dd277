"""Small helpers the visit services share: the platform's zone, local days, clean text."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context
from flask_babel import format_date, format_datetime, format_time
from flask_babel import lazy_gettext as _l

from talent.errors import ValidationFailed

DEFAULT_ZONE = "Europe/Oslo"


def platform_zone() -> ZoneInfo:
    """The zone visits happen in: dates of slots, blackouts and checklists are read in it."""
    name = current_app.config.get("DEFAULT_TIMEZONE") if has_app_context() else None
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def zone_named(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else platform_zone()
    except (ZoneInfoNotFoundError, ValueError):
        return platform_zone()


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The calendar day a moment falls on where the visit happens."""
    return moment.astimezone(zone or platform_zone()).date()


def at_local(day: date, clock: time, zone: ZoneInfo | None = None) -> datetime:
    """A local wall-clock time on a day, as aware UTC (right across daylight saving)."""
    return datetime.combine(day, clock, tzinfo=zone or platform_zone()).astimezone(UTC)


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
