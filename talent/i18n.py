"""Language and time-zone selection, and the filters that show times in the user's zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, available_timezones

from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, get_locale, get_timezone, gettext
from flask_login import current_user

#: Session key holding the language chosen by someone not logged in.
LANGUAGE_SESSION_KEY = "language"

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "en": "English"}


def select_locale() -> str:
    """Pick the user's own language, then the one chosen this session, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    chosen = session.get(LANGUAGE_SESSION_KEY)
    if chosen in languages:
        return chosen
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def select_timezone() -> str:
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return current_app.config["DEFAULT_TIMEZONE"]


def gettext_lazy_text(message: str) -> str:
    return gettext(message)


def is_timezone(name: str) -> bool:
    return name in _timezone_names()


def timezone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(_timezone_names())]


_ZONES: frozenset[str] | None = None


def _timezone_names() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(z for z in available_timezones() if "/" in z and not z.startswith("Etc"))
    return _ZONES


def local_zone() -> ZoneInfo:
    return ZoneInfo(str(get_timezone()))


def _datetime_filter(value: datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    return format_datetime(value, "short" if style == "short" else "d. MMM y HH:mm")


def _date_filter(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return format_date(value, "d. MMM y")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = _datetime_filter
    app.jinja_env.filters["date"] = _date_filter
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
