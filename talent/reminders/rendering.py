"""Turning a notification into words, in the recipient's language and time zone."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import current_app
from flask_babel import gettext
from werkzeug.routing import BuildError, MapAdapter

from talent.clock import zone_named
from talent.reminders.kinds import Kind, LinkTarget
from talent.reminders.mime import OutgoingMail, compose


@dataclass(frozen=True)
class Phrases:
    """The fixed words of a message in one language; read once per language, not per e-mail."""

    language: str
    moment: str
    greeting: str
    open_link: str
    open_button: str
    preferences: str
    preferences_button: str
    mandatory: str


def phrases(language: str) -> Phrases:
    """The phrases in the current (forced) locale."""
    return Phrases(
        language=language,
        moment=gettext("%(date)s at %(time)s"),
        greeting=gettext("Hello %(name)s,"),
        open_link=gettext("Open it in Talent:"),
        open_button=gettext("Open it in Talent"),
        preferences=gettext("Choose which messages you get:"),
        preferences_button=gettext("Choose which messages you get"),
        mandatory=gettext("You get this message because it concerns your account or safety."),
    )


@functools.lru_cache(maxsize=4096)
def _format_moment(iso: str, language: str, zone: str, pattern: str) -> str:
    local = datetime.fromisoformat(iso).astimezone(zone_named(zone))
    return pattern % {
        "date": format_date(local, "full", locale=language),
        "time": format_time(local, "short", locale=language),
    }


def format_moment(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """A time as people read it: weekday, date and clock time in their zone."""
    return _format_moment(moment.isoformat(), language, str(zone), gettext("%(date)s at %(time)s"))


def localized_values(
    context: dict[str, Any], language: str, zone: ZoneInfo, moment_pattern: str | None = None
) -> dict[str, Any]:
    """The context with ``*_at`` times and ``*_on`` dates written out for the reader."""
    pattern = moment_pattern or gettext("%(date)s at %(time)s")
    values = dict(context)
    for key, value in context.items():
        if not isinstance(value, str):
            continue
        try:
            if key.endswith("_at"):
                values[key] = _format_moment(value, language, str(zone), pattern)
            elif key.endswith("_on"):
                values[key] = format_date(date.fromisoformat(value), "full", locale=language)
        except ValueError:
            continue  # not a time after all: show it as stored
    return values


def url_adapter(url_map, base_url: str) -> MapAdapter:
    """Builds absolute links to the site outside any request."""
    parts = urlsplit(base_url)
    return url_map.bind(
        parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https"
    )


def absolute_link(target: LinkTarget, adapter: MapAdapter) -> str | None:
    if target is None:
        return None
    endpoint, arguments = target
    try:
        return adapter.build(endpoint, arguments, force_external=True)
    except BuildError:
        return None


def message_id_for(notification_id: int, key: str, sender: str) -> str:
    """The same Message-ID on every attempt, so that a copy resent after a crash is a duplicate
    that mail systems can recognise."""
    domain = sender.rpartition("@")[2].rstrip(">").strip() or "talent.invalid"
    digest = hashlib.sha256(key.encode()).hexdigest()[:12]
    return f"<talent.notification.{notification_id}.{digest}@{domain}>"


def build_email(
    kind: Kind,
    item: Any,
    words: Phrases,
    *,
    sender: str,
    link: str | None,
    preferences_link: str,
) -> OutgoingMail:
    """The e-mail for one notification to one recipient; call inside force_locale."""
    values = localized_values(
        item.context, words.language, zone_named(item.recipient_timezone), words.moment
    )
    subject = kind.render_subject(values)
    body = kind.render_body(values)
    arguments = {
        "words": words,
        "greeting": words.greeting % {"name": item.recipient_name},
        "subject": subject,
        "paragraphs": [part.strip() for part in body.split("\n\n") if part.strip()],
        "link": link,
        "preferences_link": preferences_link,
        "mandatory": kind.category.value in ("account", "safety"),
    }
    # Straight from the Jinja environment: the site's context processors (navigation, unread
    # count) are of no use in an e-mail and would cost queries for every message.
    templates = current_app.jinja_env
    return compose(
        sender=sender,
        recipient=item.recipient_email,
        subject=subject,
        text=templates.get_template("email/notification.txt").render(arguments),
        html=templates.get_template("email/notification.html").render(arguments),
        message_id=message_id_for(item.id, item.idempotency_key, sender),
    )
