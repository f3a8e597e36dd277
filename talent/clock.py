"""The one place for time: now, the platform's and a user's zone, today, the school year, and
wall-clock times people type, read in a zone and turned into the aware UTC the database keeps.

The platform's zone is the ``DEFAULT_TIMEZONE`` setting (``TALENT_DEFAULT_TIMEZONE``); no other
module names a zone. Services stay Flask-free: they are given ``now`` and read the zone through
``platform_zone()``, which works inside and outside an application context.

Every form that takes a local date and time goes through ``to_utc`` or ``span_to_utc``. Two
hours a year need a rule, and these are the rules:

- Spring forward: the skipped hour (02:00–03:00 in Oslo) does not exist. A time in it is
  refused with a message naming the missing hour, shown beside the field; it is never moved.
- Fall back: the repeated hour (02:00–03:00 in Oslo, first in summer, then in winter time)
  happens twice. A time in it is read as its first occurrence (PEP 495 ``fold=0``), so a later
  wall-clock time is never an earlier instant and a span keeps the order it was typed in.
  One exception, for spans: when start and end both fall in the repeated hour and the end is not
  after the start (02:40–02:10), the end is read in the second occurrence, as the only reading
  that makes a span (here 30 minutes). A span therefore never comes out empty or reversed
  without the form saying so.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from talent.config import Config
from talent.errors import ValidationFailed

Zone = ZoneInfo | str

#: School years run from 1 August (teaching August to June; July closes the year).
SCHOOL_YEAR_START_MONTH = 8


class HasZone(Protocol):
    timezone: str | None


def now() -> datetime:
    """The current time as an aware UTC datetime."""
    return datetime.now(UTC)


# Zones --------------------------------------------------------------------------------------------


def default_zone_name() -> str:
    """The ``DEFAULT_TIMEZONE`` setting: the running app's, else the environment's."""
    if has_app_context():
        return current_app.config["DEFAULT_TIMEZONE"]
    return Config.DEFAULT_TIMEZONE


@functools.lru_cache(maxsize=64)
def _known_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def platform_zone() -> ZoneInfo:
    """The zone of the platform: visits, consents, school years and reports are read in it."""
    name = default_zone_name()
    return _known_zone(name) or ZoneInfo(name)  # a wrong setting fails loudly, naming itself


def zone_named(name: str | None) -> ZoneInfo:
    """The zone called ``name``; the platform's when the name is empty or unknown."""
    return (_known_zone(name) if name else None) or platform_zone()


def user_zone(user: HasZone | None) -> ZoneInfo:
    """A user's own zone; the platform's for no user (the system) or an unknown zone."""
    return zone_named(getattr(user, "timezone", None))


# Days ---------------------------------------------------------------------------------------------


def today_for(user: HasZone | None, now: datetime) -> date:
    """The calendar day ``now`` falls on for this user (in the platform's zone for no user)."""
    return now.astimezone(user_zone(user)).date()


def local_date(moment: datetime, zone: ZoneInfo | None = None) -> date:
    """The calendar day a moment falls on in ``zone``, by default the platform's."""
    return moment.astimezone(zone or platform_zone()).date()


def at_local(day: date, clock: time, zone: ZoneInfo | None = None) -> datetime:
    """A wall-clock time on a day in ``zone`` (by default the platform's), as aware UTC."""
    return datetime.combine(day, clock, tzinfo=zone or platform_zone()).astimezone(UTC)


def school_year_of(day: date) -> int:
    """The school year a day belongs to, by the calendar year it starts in."""
    return day.year if day.month >= SCHOOL_YEAR_START_MONTH else day.year - 1


def school_year_end(day: date) -> date:
    """The last day (31 July) of the school year the day falls in."""
    return date(school_year_of(day) + 1, SCHOOL_YEAR_START_MONTH - 1, 31)


def school_year_label(year: int) -> str:
    """Show a school year as "2026/27"."""
    return f"{year}/{(year + 1) % 100:02d}"


# Typed wall-clock times ---------------------------------------------------------------------------


def _zone(zone: Zone) -> ZoneInfo:
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether the wall-clock time is shown by clocks in the zone at some instant."""
    instant = local.replace(tzinfo=zone).astimezone(UTC)
    return instant.astimezone(zone).replace(tzinfo=None) == local


def _is_repeated(local: datetime, zone: ZoneInfo) -> bool:
    first = local.replace(tzinfo=zone, fold=0).utcoffset()
    second = local.replace(tzinfo=zone, fold=1).utcoffset()
    return first != second and _exists(local, zone)


def _skipped_hour(local: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """Where the clocks jump from and to (02:00 and 03:00 in Oslo), for a ``local`` time that
    falls in between."""
    before = local.replace(tzinfo=zone, fold=0).utcoffset()
    after = local.replace(tzinfo=zone, fold=1).utcoffset()
    # The change happened at an instant between these two readings; find it to the second.
    low, high = local - after, local - before
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.replace(tzinfo=UTC).astimezone(zone).utcoffset() == after:
            high = middle
        else:
            low = middle
    return high + before, high + after


def _missing(local: datetime, zone: ZoneInfo, field: str | None) -> ValidationFailed:
    skipped_from, skipped_to = _skipped_hour(local, zone)
    return ValidationFailed(
        _l(
            "%(moment)s does not exist in %(zone)s: clocks go forward from %(skipped_from)s "
            "to %(skipped_to)s. Choose another time.",
            moment=local.strftime("%Y-%m-%d %H:%M"),
            zone=zone.key,
            skipped_from=skipped_from.strftime("%H:%M"),
            skipped_to=skipped_to.strftime("%H:%M"),
        ),
        field=field,
    )


def to_utc(local: datetime, zone: Zone, *, field: str | None = None) -> datetime:
    """A wall-clock time typed in a form, read in ``zone``, as aware UTC.

    Raises ValidationFailed for ``field`` when the time falls in the hour the clocks skip; a
    time in the repeated hour is its first occurrence.
    """
    zone = _zone(zone)
    local = local.replace(tzinfo=None, fold=0)
    if not _exists(local, zone):
        raise _missing(local, zone, field)
    return local.replace(tzinfo=zone).astimezone(UTC)


def span_to_utc(
    start: datetime,
    end: datetime,
    zone: Zone,
    *,
    fields: tuple[str | None, str | None] = (None, None),
) -> tuple[datetime, datetime]:
    """A typed start and end as aware UTC; an end in the repeated hour that is not after the
    start is read in the second occurrence. The caller still refuses an end before the start."""
    zone = _zone(zone)
    starts_at = to_utc(start, zone, field=fields[0])
    ends_at = to_utc(end, zone, field=fields[1])
    if ends_at <= starts_at and _is_repeated(end.replace(tzinfo=None), zone):
        second = end.replace(tzinfo=zone, fold=1).astimezone(UTC)
        if second > starts_at:
            ends_at = second
    return starts_at, ends_at
