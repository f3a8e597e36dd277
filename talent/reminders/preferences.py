"""Which categories of messages a user gets on which channel."""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.errors import ValidationFailed
from talent.extensions import db
from talent.people.models import User
from talent.reminders.models import (
    MANDATORY_CATEGORIES,
    Category,
    Channel,
    NotificationPreference,
)

log = logging.getLogger(__name__)


def preferences_of(user: User) -> dict[tuple[Category, Channel], bool]:
    """Every category and channel with whether it is on; missing rows mean on."""
    stored = {
        (p.category, p.channel): p.is_enabled
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    return {
        (category, channel): category in MANDATORY_CATEGORIES
        or stored.get((category, channel), True)
        for category in Category
        for channel in Channel
    }


def set_preferences(user: User, enabled: set[tuple[Category, Channel]], *, now: datetime) -> None:
    """Switch on exactly the given (category, channel) pairs; account and safety stay on."""
    for category in MANDATORY_CATEGORIES:
        for channel in Channel:
            if (category, channel) not in enabled:
                raise ValidationFailed(
                    _l("Account and safety messages cannot be switched off."), field="choices"
                )
    existing = {
        (p.category, p.channel): p
        for p in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for category in Category:
        if category in MANDATORY_CATEGORIES:
            continue
        for channel in Channel:
            is_enabled = (category, channel) in enabled
            row = existing.get((category, channel))
            if row is None:
                if is_enabled:
                    continue
                row = NotificationPreference(user_id=user.id, category=category, channel=channel)
                db.session.add(row)
            elif row.is_enabled == is_enabled:
                continue
            row.is_enabled = is_enabled
            row.updated_at = now
    db.session.flush()
    log.info("user %s changed notification preferences", user.id)
