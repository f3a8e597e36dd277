"""The next times the clocks change, found from the zone's own rules, so tests of the skipped
and the repeated hour keep working whatever year they run in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

OSLO = ZoneInfo("Europe/Oslo")


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    instant = local.replace(tzinfo=zone).astimezone(UTC)
    return instant.astimezone(zone).replace(tzinfo=None) == local


def _repeated(local: datetime, zone: ZoneInfo) -> bool:
    first = local.replace(tzinfo=zone, fold=0).utcoffset()
    return first != local.replace(tzinfo=zone, fold=1).utcoffset() and _exists(local, zone)


def _first_local(after: datetime, zone: ZoneInfo, wanted) -> datetime:
    """The first wall-clock quarter-hour after ``after`` for which ``wanted`` holds."""
    local = after.astimezone(zone).replace(tzinfo=None, minute=0, second=0, microsecond=0)
    for _ in range(4 * 24 * 400):
        local += timedelta(minutes=15)
        if wanted(local, zone):
            return local
    raise AssertionError(f"{zone.key} changes no clocks within 400 days")


def skipped_hour_start(after: datetime, zone: ZoneInfo = OSLO) -> datetime:
    """The first wall-clock time the clocks skip after ``after`` (naive, like 2027-03-28 02:00)."""
    return _first_local(after, zone, lambda local, zone: not _exists(local, zone))


def repeated_hour_start(after: datetime, zone: ZoneInfo = OSLO) -> datetime:
    """The first wall-clock time that happens twice after ``after`` (naive, 2027-10-31 02:00)."""
    return _first_local(after, zone, _repeated)
