"""Programme enrollments and alumni outcomes on the pupil's timeline."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext

from talent.auth import policy
from talent.programmes.models import (
    AlumniOutcome,
    Programme,
    ProgrammeEnrollment,
    ProgrammeTrack,
)
from talent.schools.models import Student
from talent.timeline.registry import TimelineEntry, read_rows

#: The pupil's enrollments as plain rows: the steps taken, the fields of study, and the
#: programme's name, year and school (what its label and the view rule read).
_PUPIL_ENROLLMENTS = (
    sa.select(
        ProgrammeEnrollment.state,
        ProgrammeEnrollment.intended_field_at_start,
        ProgrammeEnrollment.intended_field_at_completion,
        ProgrammeEnrollment.withdrawal_reason,
        ProgrammeEnrollment.applied_at,
        ProgrammeEnrollment.activated_at,
        ProgrammeEnrollment.completed_at,
        ProgrammeEnrollment.withdrawn_at,
        Programme.id.label("programme_id"),
        Programme.name.label("programme_name"),
        Programme.school_year,
        Programme.school_id,
        ProgrammeTrack.name.label("track_name"),
    )
    .join(Programme, Programme.id == ProgrammeEnrollment.programme_id)
    .outerjoin(ProgrammeTrack, ProgrammeTrack.id == ProgrammeEnrollment.track_id)
    .where(ProgrammeEnrollment.student_id == sa.bindparam("student_id"))
)
_PUPIL_OUTCOMES = sa.select(
    AlumniOutcome.field,
    AlumniOutcome.study,
    AlumniOutcome.institution,
    AlumniOutcome.reported_on,
).where(AlumniOutcome.student_id == sa.bindparam("student_id"))


def _field(value) -> str:
    return str(value.label) if value is not None else gettext("not recorded")


def _programme(row: sa.Row) -> Programme:
    """The enrollment's programme, unsaved, built from the row: it writes its own label, and
    the policy judges it (it reads the school), at a fraction of the cost of loading it."""
    return Programme(
        id=row.programme_id,
        name=row.programme_name,
        school_year=row.school_year,
        school_id=row.school_id,
    )


def programmes(student: Student, viewer) -> list[TimelineEntry]:
    """Applied, active, completed and withdrawn, with intended fields of study."""
    entries = []
    may_view = policy.has_permission(viewer, "programmes.view")
    for enrollment in read_rows(_PUPIL_ENROLLMENTS, student_id=student.id):
        programme = _programme(enrollment)
        url = (
            url_for("programmes.show", programme_id=programme.id)
            if may_view and policy.can(viewer, "programmes.view", programme)
            else None
        )
        name = programme.label + (f" – {enrollment.track_name}" if enrollment.track_name else "")
        entries.append(
            TimelineEntry(
                when=enrollment.applied_at,
                kind="programme",
                title=gettext("Applied to %(programme)s", programme=name),
                detail=gettext(
                    "Intends to study: %(field)s.",
                    field=_field(enrollment.intended_field_at_start),
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
                    title=gettext("Started in %(programme)s", programme=name),
                    url=url,
                )
            )
        if enrollment.completed_at:
            entries.append(
                TimelineEntry(
                    when=enrollment.completed_at,
                    kind="programme",
                    title=gettext("Completed %(programme)s", programme=name),
                    detail=gettext(
                        "Intends to study: %(field)s.",
                        field=_field(enrollment.intended_field_at_completion),
                    ),
                    url=url,
                )
            )
        if enrollment.withdrawn_at:
            entries.append(
                TimelineEntry(
                    when=enrollment.withdrawn_at,
                    kind="programme",
                    title=gettext("Withdrew from %(programme)s", programme=name),
                    url=url,
                )
            )
            if enrollment.withdrawal_reason:
                entries.append(
                    TimelineEntry(
                        when=enrollment.withdrawn_at,
                        kind="programme",
                        title=gettext("Reason for withdrawing"),
                        detail=enrollment.withdrawal_reason,
                        permission="enrollments.manage",
                    )
                )
    for outcome in read_rows(_PUPIL_OUTCOMES, student_id=student.id):
        entries.append(
            TimelineEntry(
                when=outcome.reported_on,
                kind="outcome",
                title=gettext("Alumni follow-up: studies %(field)s", field=outcome.field.label),
                detail=", ".join(part for part in (outcome.study, outcome.institution) if part),
            )
        )
    return entries
