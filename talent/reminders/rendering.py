"""Turning a notification into words, in the recipient's language and time zone."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from flask import render_template
from flask_babel import gettext
from werkzeug.routing import BuildError, MapAdapter

from talent.mail import build_message
from talent.reminders.kinds import Kind

DEFAULT_ZONE = "Europe/Oslo"


def zone_named(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_ZONE)
    except (ValueError, KeyError):
        return ZoneInfo(DEFAULT_ZONE)


def format_moment(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """A time as people read it: weekday, date and clock time in their zone."""
    local = moment.astimezone(zone)
    return gettext(
        "%(date)s at %(time)s",
        date=format_date(local, "full", locale=language),
        time=format_time(local, "short", locale=language),
    )


def localized_values(context: dict[str, Any], language: str, zone: ZoneInfo) -> dict[str, Any]:
    """The context with ``*_at`` times and ``*_on`` dates written out for the reader."""
    values = dict(context)
    for key, value in context.items():
        if not isinstance(value, str):
            continue
        try:
            if key.endswith("_at"):
                values[key] = format_moment(datetime.fromisoformat(value), language, zone)
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


def absolute_link(kind: Kind, item: Any, adapter: MapAdapter) -> str | None:
    target = kind.link_for(item)
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
    *,
    sender: str,
    link: str | None,
    preferences_link: str,
):
    """The e-mail for one notification to one recipient; call inside force_locale."""
    zone = zone_named(item.recipient_timezone)
    values = localized_values(item.context, item.recipient_language, zone)
    subject = kind.render_subject(values)
    body = kind.render_body(values)
    paragraphs = [part.strip() for part in body.split("\n\n") if part.strip()]
    arguments = {
        "name": item.recipient_name,
        "subject": subject,
        "paragraphs": paragraphs,
        "link": link,
        "preferences_link": preferences_link,
        "mandatory": kind.category.value in ("account", "safety"),
    }
    message = build_message(
        sender=sender,
        recipient=item.recipient_email,
        subject=subject,
        text=render_template("email/notification.txt", **arguments),
        html=render_template("email/notification.html", **arguments),
    )
    del message["Message-ID"]
    message["Message-ID"] = message_id_for(item.id, item.idempotency_key, sender)
    return message
