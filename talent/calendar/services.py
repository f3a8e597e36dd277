"""Issuing, replacing and revoking feed tokens, and reading a feed."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta

import sqlalchemy as sa

from talent.calendar.models import CalendarFeed, new_feed_token
from talent.calendar.registry import CalendarEvent, events_for
from talent.extensions import db
from talent.people.models import User

log = logging.getLogger(__name__)

#: What new_feed_token() makes: anything else is not looked up at all.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")

#: How far back and ahead a feed reaches.
PAST = timedelta(days=30)
AHEAD = timedelta(days=400)


def feed_of(user: User) -> CalendarFeed | None:
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def replace_feed(user: User, *, now: datetime) -> CalendarFeed:
    """Give the user a new feed URL; the old one stops working at once."""
    feed = feed_of(user)
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token = new_feed_token()
    feed.created_at = now
    db.session.flush()
    log.info("user %s got a new calendar feed URL", user.id)
    return feed


def revoke_feed(user: User, *, now: datetime) -> bool:
    """Stop the user's feed URL from working; return whether there was one."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.flush()
    log.info("user %s revoked their calendar feed", user.id)
    return True


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed with this token, if its owner is still active."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    feed = db.session.scalar(
        sa.select(CalendarFeed)
        .where(CalendarFeed.token == token)
        .options(sa.orm.joinedload(CalendarFeed.user))
    )
    if feed is None or not feed.user.is_active:
        return None
    return feed


def feed_events(feed: CalendarFeed, *, now: datetime) -> list[CalendarEvent]:
    return events_for(feed.user, start=now - PAST, end=now + AHEAD)
