"""A coordinator's message to everyone taking part in a course."""

from __future__ import annotations

import logging
from datetime import datetime

from flask_babel import lazy_gettext as _l

from talent.audit.services import record_event
from talent.courses import notices
from talent.courses.models import Course, CourseEnrollment
from talent.courses.services.attendance import participants_query
from talent.errors import ValidationFailed
from talent.extensions import db
from talent.people.models import User
from talent.text import require_single_line

log = logging.getLogger(__name__)

MAX_SUBJECT = 200
MAX_BODY = 10_000


def message_participants(
    actor: User, course: Course, *, subject: str, body: str, key: str, now: datetime
) -> int:
    """Send a message to each participant once per ``key``; return how many it reaches."""
    require_single_line(subject=subject)
    subject, body = subject.strip(), body.strip()
    if not subject:
        raise ValidationFailed(_l("Write a subject."), field="subject")
    if not body:
        raise ValidationFailed(_l("Write a message."), field="body")
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise ValidationFailed(_l("The message is too long."), field="body")
    recipients: list[CourseEnrollment] = list(db.session.scalars(participants_query(course)))
    if not recipients:
        raise ValidationFailed(_l("The course has no participants yet."))
    notices.message_sent(course, recipients, subject=subject, body=body, key=key, now=now)
    record_event(
        actor,
        "course.message",
        course,
        now=now,
        label=course.title,
        after={"subject": subject, "recipients": len(recipients)},
    )
    log.info("user %s messaged %d participants of course %s", actor.id, len(recipients), course.id)
    return len(recipients)
