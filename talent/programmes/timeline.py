"""Programme enrollments and alumni outcomes on the pupil's timeline."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from talent.auth import policy
from talent.extensions import db
from talent.programmes.models import AlumniOutcome, ProgrammeEnrollment
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, register_timeline_provider


def _field(value) -> str:
    return str(value.label) if value is not None else str(_l("not recorded"))


@register_timeline_provider
def programmes(student: Student, viewer) -> list[TimelineEntry]:
    """Applied, active, completed and withdrawn, with intended fields of study."""
    query = (
        sa.select(ProgrammeEnrollment)
        .where(ProgrammeEnrollment.student_id == student.id)
        .options(joinedload(ProgrammeEnrollment.programme), joinedload(ProgrammeEnrollment.track))
    )
    entries = []
    for enrollment in db.session.scalars(query):
        programme = enrollment.programme
        url = (
            url_for("programmes.show", programme_id=programme.id)
            if policy.can(viewer, "programmes.view", programme)
            else None
        )
        name = programme.label + (f" – {enrollment.track.name}" if enrollment.track else "")
        entries.append(
            TimelineEntry(
                when=enrollment.applied_at,
                kind="programme",
                title=str(_l("Applied to %(programme)s", programme=name)),
                detail=str(
                    _l(
                        "Intends to study: %(field)s.",
                        field=_field(enrollment.intended_field_at_start),
                    )
                ),
                url=url,
                badge=str(enrollment.state.label),
            )
        )
        if enrollment.activated_at:
            entries.append(
                TimelineEntry(
                    when=enrollment.activated_at,
                    kind="programme",
                    title=str(_l("Started in %(programme)s", programme=name)),
                    url=url,
                )
            )
        if enrollment.completed_at:
            entries.append(
                TimelineEntry(
                    when=enrollment.completed_at,
                    kind="programme",
                    title=str(_l("Completed %(programme)s", programme=name)),
                    detail=str(
                        _l(
                            "Intends to study: %(field)s.",
                            field=_field(enrollment.intended_field_at_completion),
                        )
                    ),
                    url=url,
                )
            )
        if enrollment.withdrawn_at:
            entries.append(
                TimelineEntry(
                    when=enrollment.withdrawn_at,
                    kind="programme",
                    title=str(_l("Withdrew from %(programme)s", programme=name)),
                    url=url,
                )
            )
            if enrollment.withdrawal_reason:
                entries.append(
                    TimelineEntry(
                        when=enrollment.withdrawn_at,
                        kind="programme",
                        title=str(_l("Reason for withdrawing")),
                        detail=enrollment.withdrawal_reason,
                        permission="enrollments.manage",
                    )
                )
    outcomes = db.session.scalars(
        sa.select(AlumniOutcome).where(AlumniOutcome.student_id == student.id)
    )
    for outcome in outcomes:
        detail = ", ".join(part for part in (outcome.study, outcome.institution) if part)
        entries.append(
            TimelineEntry(
                when=outcome.reported_on,
                kind="outcome",
                title=str(_l("Alumni follow-up: studies %(field)s", field=outcome.field.label)),
                detail=detail,
            )
        )
    return entries
