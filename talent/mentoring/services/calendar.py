"""Planned mentoring sessions in the calendars of both the mentor and a mentee with an account."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from talent.calendar.registry import CalendarEvent
from talent.extensions import db
from talent.mentoring.models import MenteeProfile, MentorProfile, Pairing, PlannedSession
from talent.mentoring.services.pairings import pairing_options
from talent.mentoring.services.reminders import SESSION_LEAD
from talent.people.models import User
from talent.schools.models import Student


def calendar_event(planned: PlannedSession, viewer_id: int) -> CalendarEvent:
    """One planned session as the viewer's calendar shows it."""
    pairing = planned.pairing
    other = pairing.mentee.name if pairing.mentor.user_id == viewer_id else pairing.mentor.name
    link = current_app.config["BASE_URL"].rstrip("/") + url_for(
        "mentoring.pairing", pairing_id=pairing.id
    )
    return CalendarEvent(
        uid=f"mentoring-session-{planned.id}",
        title=gettext("Mentoring: %(name)s", name=other),
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        location=planned.place or str(planned.mode.label),
        description=gettext(
            "%(programme)s, %(mode)s", programme=pairing.programme.name, mode=planned.mode.label
        ),
        url=link,
        alarms=(SESSION_LEAD,),
        cancelled=planned.cancelled_at is not None,
    )


def planned_sessions(user: User, *, start: datetime, end: datetime) -> list[CalendarEvent]:
    """The user's planned sessions as mentor or mentee, cancelled ones marked so."""
    query = (
        sa.select(PlannedSession)
        .join(Pairing, Pairing.id == PlannedSession.pairing_id)
        .join(MentorProfile, MentorProfile.id == Pairing.mentor_id)
        .join(MenteeProfile, MenteeProfile.id == Pairing.mentee_id)
        .outerjoin(Student, Student.id == MenteeProfile.student_id)
        .where(
            sa.or_(
                MentorProfile.user_id == user.id,
                MenteeProfile.user_id == user.id,
                Student.user_id == user.id,
            ),
            PlannedSession.starts_at >= start,
            PlannedSession.starts_at < end,
        )
        .options(selectinload(PlannedSession.pairing).options(*pairing_options()))
        .order_by(PlannedSession.starts_at)
    )
    return [calendar_event(planned, user.id) for planned in db.session.scalars(query)]
