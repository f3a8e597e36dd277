"""The reminder that a consent runs out: to the teacher, 30 days before its last day.

Every call into the reminder engine (talent.reminders) from the consent feature is here.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.clock import platform_zone
from talent.consents.models import Consent, ConsentKind
from talent.extensions import db
from talent.people.models import Role, RoleAssignment, User
from talent.reminders import services as reminders
from talent.reminders.kinds import Kind
from talent.reminders.models import Category

EXPIRY_KIND = "consents.expiring"
#: Reminders go out at this local time of day.
REMINDER_HOUR = 9


def _words(values: dict) -> dict:
    # ``expires_on`` arrives written out in the reader's language: the reminder engine writes
    # out every ``*_on`` value before a kind's texts are filled (rendering.localized_values).
    return {
        "kind": ConsentKind(values["kind"]).label,
        "pupil": values["pupil"],
        "date": values["expires_on"],
    }


#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = []


KINDS.append(
    Kind(
        EXPIRY_KIND,
        Category.PROGRAMMES,
        label=_l("Consent runs out"),
        subject=lambda values: _l(
            "Consent for %(kind)s of %(pupil)s runs out %(date)s", **_words(values)
        ),
        body=lambda values: _l(
            "The consent for %(kind)s of %(pupil)s is valid until %(date)s.\n\n"
            "Ask the guardians to renew it: open the pupil's consents and send them a link.",
            **_words(values),
        ),
        link=lambda n: ("consents.pupil", {"student_id": n.context["student_id"]}),
        subject_model=Consent,
        is_relevant=lambda consent: consent.is_current,
    )
)


def _recipients(consent: Consent) -> list[User]:
    """The teacher who recorded the consent or sent its link, else the school's teachers."""
    responsible = consent.recorded_by
    school_id = consent.student.school_id
    if (
        responsible is not None
        and responsible.is_active
        and responsible.has_role(Role.TEACHER)
        and responsible.organization_id == school_id
    ):
        return [responsible]
    query = (
        sa.select(User)
        .join(RoleAssignment)
        .where(
            RoleAssignment.role == Role.TEACHER,
            User.organization_id == school_id,
            User.is_active.is_(True),
        )
        .order_by(User.id)
    )
    return list(db.session.scalars(query))


def schedule_expiry_reminder(consent: Consent, *, days_before: int, now: datetime) -> int:
    """Write the reminder rows for a consent that has an end date; return how many."""
    if consent.expires_on is None or not consent.is_current:
        return 0
    day = consent.expires_on - timedelta(days=days_before)
    due_at = datetime.combine(day, time(REMINDER_HOUR), tzinfo=platform_zone()).astimezone(UTC)
    context = {
        "student_id": consent.student_id,
        "pupil": consent.student.name,
        "kind": consent.kind.value,
        "expires_on": consent.expires_on.isoformat(),
    }
    written = 0
    for teacher in _recipients(consent):
        if reminders.schedule(
            teacher, EXPIRY_KIND, consent, now=now, due_at=max(due_at, now), context=context
        ):
            written += 1
    return written


def cancel_expiry_reminder(consent: Consent, *, now: datetime) -> int:
    """Cancel the pending reminders of a consent that was withdrawn or replaced."""
    return reminders.cancel_for(consent, now=now, kinds=(EXPIRY_KIND,), reason="consent ended")
