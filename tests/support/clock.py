"""The next times the clocks change, found from the zone's own rules, so tests of the skipped
and the repeated hour keep working whatever year they run in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from talent.clock import local_date

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


def platform_today() -> date:
    """Today where the platform is: the app reads typed dates in its zone, so "tomorrow" counted
    from the machine's UTC date is already today in Oslo between 22:00/23:00 and midnight UTC."""
    return local_date(datetime.now(UTC))
