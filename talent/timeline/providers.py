"""The pupil's own record on the timeline: registration, classes, leaving school."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, register_timeline_provider

#: Audit actions whose ``after`` holds the pupil's class (roster imports write these).
CLASS_ACTIONS = ("roster.pupil_create", "roster.pupil_update")


@register_timeline_provider
def school_record(student: Student, viewer) -> list[TimelineEntry]:
    """Registration, each class the pupil was put in, and the day they left school."""
    entries = [
        TimelineEntry(
            when=student.created_at,
            kind="class",
            title=str(_l("Registered at %(school)s", school=student.school.name)),
        )
    ]
    moves = db.session.execute(
        sa.select(AuditEvent.occurred_at, AuditEvent.after)
        .where(
            AuditEvent.object_type == "Student",
            AuditEvent.object_id == student.id,
            AuditEvent.action.in_(CLASS_ACTIONS),
        )
        .order_by(AuditEvent.occurred_at)
    ).all()
    seen = set()
    for occurred_at, after in moves:
        label = (after or {}).get("class")
        if label and label not in seen:
            seen.add(label)
            entries.append(
                TimelineEntry(
                    when=occurred_at,
                    kind="class",
                    title=str(_l("In class %(label)s", label=label)),
                )
            )
    if student.school_class is not None and student.school_class.label not in seen:
        entries.append(
            TimelineEntry(
                when=student.school_class.created_at,
                kind="class",
                title=str(_l("In class %(label)s", label=student.school_class.label)),
            )
        )
    if student.left_school_on is not None:
        entries.append(
            TimelineEntry(when=student.left_school_on, kind="class", title=str(_l("Left school")))
        )
    return entries
