"""Language and time-zone selection, and the filters that show times in the user's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo, available_timezones

from babel import dates
from flask import Flask, current_app, g, request, session
from flask_babel import Babel, Domain, get_locale, get_timezone, get_translations, gettext
from flask_login import current_user

from talent.upstream.flask_babel import request_state, request_state_if_made

#: Session key holding the language chosen by someone not logged in.
LANGUAGE_SESSION_KEY = "language"

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "en": "English"}


class RequestDomain(Domain):
    """The message catalogue, looked up once per request.

    Flask-Babel 4 works out the locale and finds the catalogue again for every string it
    translates (about 7 µs; a page translates hundreds). The catalogue found is kept in
    Flask-Babel's own per-request state (see talent/upstream/flask_babel.py), so a forced locale
    still switches the language and switches it back.
    """

    def get_translations(self):
        state = request_state()
        if state is None:
            return super().get_translations()
        translations = getattr(state, "babel_translations", None)
        if translations is None:
            translations = state.babel_translations = super().get_translations()
        return translations


class RequestBabel(Babel):
    """Flask-Babel with the per-request catalogue of :class:`RequestDomain`."""

    @cached_property
    def domain_instance(self) -> Domain:
        return RequestDomain(domain=self.domain)


def _request_catalogue():
    """This request's catalogue, kept by :class:`RequestDomain`: one look at ``g`` where
    Flask-Babel's template callables take six."""
    state = request_state_if_made()
    translations = getattr(state, "babel_translations", None)
    return translations if translations is not None else get_translations()


def _template_gettext(message: str) -> str:
    return _request_catalogue().ugettext(message)


def _template_ngettext(singular: str, plural: str, count: int) -> str:
    return _request_catalogue().ungettext(singular, plural, count)


def _template_pgettext(context: str, message: str) -> str:
    return _request_catalogue().upgettext(context, message)


def _template_npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return _request_catalogue().unpgettext(context, singular, plural, count)


def select_locale() -> str:
    """Pick the user's own language, then the one chosen this session, then the browser's."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return _language_asked_for()


def note_user_language(user) -> None:
    """Keep the language of the user this request serves, for :func:`language_without_database`
    (a rollback expires the user's attributes, and reading them again needs the database)."""
    g.user_language = user.language


def language_without_database() -> str:
    """This request's language as far as it is known without the database: the one already
    chosen, else the user's, else the one chosen this session, else the browser's."""
    chosen = getattr(request_state(), "babel_locale", None)
    if chosen is not None:
        return str(chosen)
    if g.get("user_language") in current_app.config["LANGUAGES"]:
        return g.user_language
    return _language_asked_for()


def _language_asked_for() -> str:
    languages = current_app.config["LANGUAGES"]
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
    """The user's time zone (Flask-Babel's is a pytz zone, slower to convert to)."""
    state = request_state()
    zone = getattr(state, "talent_zone", None)
    if zone is None:
        zone = ZoneInfo(str(get_timezone()))
        if state is not None:
            state.talent_zone = zone
    return zone


#: Compiled once: Babel's format functions parse the pattern and resolve the locale and zone on
#: every call, ten times the cost of applying a compiled pattern.
_DATETIME_PATTERN = dates.parse_pattern("d. MMM y HH:mm")
_DATE_PATTERN = dates.parse_pattern("d. MMM y")


def _aware(value: datetime) -> datetime:
    """Naive datetimes are UTC here, as Flask-Babel took them."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _datetime_filter(value: datetime | None, style: str = "medium") -> str:
    if value is None:
        return ""
    local = _aware(value).astimezone(local_zone())
    if style == "short":
        return dates.format_datetime(local, "short", tzinfo=local.tzinfo, locale=get_locale())
    return _DATETIME_PATTERN.apply(local, get_locale())


def _date_filter(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _aware(value).astimezone(local_zone())
    return _DATE_PATTERN.apply(value, get_locale())


def init_app(app: Flask) -> None:
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
        newstyle=True,
    )
    app.jinja_env.filters["datetime"] = _datetime_filter
    app.jinja_env.filters["date"] = _date_filter
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["get_locale"] = get_locale
