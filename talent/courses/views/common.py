"""What the courses route modules share: the blueprint and helpers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Blueprint, current_app
from flask_babel import format_datetime, format_time, get_locale, get_timezone
from flask_login import current_user

from talent.auth import policy
from talent.courses.forms import ADMISSION_LABELS, FORMAT_LABELS, LANGUAGE_LABELS
from talent.courses.models import STATE_LABELS, EnrollmentState
from talent.courses.services.certificates import display_code
from talent.i18n import local_zone

bp = Blueprint("courses", __name__)

PER_PAGE = 25


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "can": policy.can,
        "has_permission": policy.has_permission,
        "FORMAT_LABELS": FORMAT_LABELS,
        "LANGUAGE_LABELS": LANGUAGE_LABELS,
        "ADMISSION_LABELS": ADMISSION_LABELS,
        "EnrollmentState": EnrollmentState,
        "STATE_LABELS": STATE_LABELS,
        "display_code": display_code,
        "until": _until,
        "dates": LocalDates(get_locale(), local_zone()),
        "translated": translated,
    }


class LocalDates:
    """Dates and times as the ``date`` and ``datetime`` filters write them ("d. MMM y" and
    "d. MMM y HH:mm"), in the reader's language and zone, found once per page: the filters
    look both up through Flask-Babel on every call, and a catalogue page shows a hundred."""

    def __init__(self, locale: Locale, zone: tzinfo):
        months = locale.months["format"]["abbreviated"]
        self._months = {number: months[number] for number in range(1, 13)}
        self._zone = zone

    def date(self, day: date) -> str:
        """A calendar day (not a moment: no zone applies)."""
        return f"{day.day}. {self._months[day.month]} {day.year}"

    def datetime(self, moment: datetime) -> str:
        """An aware moment, in the reader's zone."""
        local = moment.astimezone(self._zone)
        # Formatting the numbers is thrice as quick as strftime's %H:%M.
        clock = f"{local.hour:02}:{local.minute:02}"
        return f"{local.day}. {self._months[local.month]} {local.year} {clock}"


def translated(labels: Mapping) -> dict:
    """A table of lazy labels as text in the page's language, to translate each label once per
    page rather than once per row."""
    return {key: str(label) for key, label in labels.items()}


def _until(start: datetime, end: datetime) -> str:
    """The end of a span as the reader wants it: only the clock time when on the same day."""
    zone = get_timezone()
    if start.astimezone(zone).date() == end.astimezone(zone).date():
        return format_time(end, "HH:mm")
    return format_datetime(end, "d. MMM y HH:mm")


def to_local(moment: datetime | None, zone: str) -> datetime | None:
    """An aware time as the wall-clock time a form shows in ``zone``."""
    if moment is None:
        return None
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def absolute_url(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path


def signed_in_user():
    return current_user if policy.is_signed_in(current_user) else None
