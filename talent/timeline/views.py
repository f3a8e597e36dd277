"""The pupil's timeline, and recording the day a pupil left school."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import local_date
from talent.db import utcnow
from talent.extensions import db
from talent.privacy.services import set_left_school
from talent.schools.models import Student
from talent.timeline.forms import LeftSchoolForm
from talent.timeline.registry import timeline_for
from talent.web.actions import act
from talent.web.loading import load

bp = Blueprint("timeline", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    return {"can": policy.can}


def _render(student: Student, left_form: LeftSchoolForm):
    # The user behind the proxy, looked up once: every entry's link asks the policy about it.
    viewer = current_user._get_current_object()
    return render_template(
        "timeline/pupil.html",
        student=student,
        today=local_date(utcnow()),
        entries=timeline_for(student, viewer),
        left_form=left_form,
    )


#: The pupil with the school and class the page and every provider read, in one query;
#: built once (building it cost more than running it).
_STUDENT = (
    sa.select(Student)
    .where(Student.id == sa.bindparam("student_id"))
    .options(joinedload(Student.school), joinedload(Student.school_class))
)


def _student_with_school(student_id: int) -> Student | None:
    return db.session.scalar(_STUDENT, {"student_id": student_id})


@bp.route("/pupils/<int:student_id>/timeline")
@permission_required("pupils.view")
def pupil(student_id: int):
    """Everything the platform knows about a pupil that the viewer may see, newest first."""
    student = load(Student, student_id, "pupils.view", loader=_student_with_school)
    return _render(student, LeftSchoolForm(obj=student))


@bp.route("/pupils/<int:student_id>/left-school", methods=["POST"])
@permission_required("alumni.manage")
def left_school(student_id: int):
    """Record (or clear) the pupil's last day at school."""
    student = load(Student, student_id, "alumni.manage")
    form = LeftSchoolForm()
    if form.validate_on_submit():
        done = act(
            lambda: set_left_school(
                current_user, student, left_on=form.left_school_on.data, now=utcnow()
            ),
            success=gettext("Saved."),
            then=url_for("timeline.pupil", student_id=student.id),
            form=form,
        )
        if done:
            return done
    return _render(student, form), 400
