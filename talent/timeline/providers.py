"""The pupil's own record on the timeline: registration, classes, leaving school."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext

from talent.audit.models import AuditEvent
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, read_rows

#: Audit actions whose ``after`` holds the pupil's class (roster imports write these).
CLASS_ACTIONS = ("roster.pupil_create", "roster.pupil_update")

#: The pupil's class moves, oldest first. Equalities rather than IN: an IN list is expanded
#: into the SQL again on every run.
_CLASS_MOVES = (
    sa.select(AuditEvent.occurred_at, AuditEvent.after)
    .where(
        AuditEvent.object_type == "Student",
        AuditEvent.object_id == sa.bindparam("student_id"),
        sa.or_(*(AuditEvent.action == action for action in CLASS_ACTIONS)),
    )
    .order_by(AuditEvent.occurred_at)
)


def school_record(student: Student, viewer) -> list[TimelineEntry]:
    """Registration, each class the pupil was put in, and the day they left school."""
    entries = [
        TimelineEntry(
            when=student.created_at,
            kind="class",
            title=gettext("Registered at %(school)s", school=student.school.name),
        )
    ]
    seen = set()
    for occurred_at, after in read_rows(_CLASS_MOVES, student_id=student.id):
        label = (after or {}).get("class")
        if label and label not in seen:
            seen.add(label)
            entries.append(
                TimelineEntry(
                    when=occurred_at,
                    kind="class",
                    title=gettext("In class %(label)s", label=label),
                )
            )
    if student.school_class is not None and student.school_class.label not in seen:
        entries.append(
            TimelineEntry(
                when=student.school_class.created_at,
                kind="class",
                title=gettext("In class %(label)s", label=student.school_class.label),
            )
        )
    if student.left_school_on is not None:
        entries.append(
            TimelineEntry(when=student.left_school_on, kind="class", title=gettext("Left school"))
        )
    return entries
