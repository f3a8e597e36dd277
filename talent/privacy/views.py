"""Privacy pages for coordinators: a pupil's data export, erasure, and the retention rule."""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import local_date
from talent.db import utcnow
from talent.extensions import db
from talent.privacy import commands, jobs, services
from talent.privacy.forms import EraseForm, PupilSearchForm
from talent.schools.models import Student
from talent.settings import int_setting
from talent.web.actions import act
from talent.web.loading import load
from talent.web.paging import page_number

log = logging.getLogger(__name__)

bp = Blueprint("privacy", __name__, url_prefix="/privacy")
commands.register(bp)

PERMISSION = "privacy.manage"
PER_PAGE = 25

#: Readable names of the export's sections and fields; others are shown as they are.
LABELS = {
    "pupil": _l("Pupil"),
    "account": _l("Account"),
    "guardians": _l("Guardians"),
    "consents": _l("Consents"),
    "programme_enrollments": _l("Programmes"),
    "alumni_outcomes": _l("Alumni follow-ups"),
    "history": _l("History"),
    "name": _l("Name"),
    "birth_date": _l("Birth date"),
    "school": _l("School"),
    "class": _l("Class"),
    "registered_at": _l("Registered"),
    "left_school_on": _l("Left school"),
    "erased_at": _l("Erased"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "kind": _l("Kind"),
    "given_by": _l("Given by"),
    "given_at": _l("Given"),
    "method": _l("How"),
    "expires_on": _l("Valid until"),
    "withdrawn_at": _l("Withdrawn"),
    "programme": _l("Programme"),
    "state": _l("State"),
    "at": _l("When"),
    "action": _l("What"),
    "by": _l("By"),
}


@bp.context_processor
def _template_helpers() -> dict:
    def label(key: str) -> str:
        return str(LABELS.get(key, key.replace("_", " ")))

    return {"can": policy.can, "label": label}


@bp.route("/")
@permission_required(PERMISSION)
def index():
    """Find a pupil, and see what the retention rule would anonymise now (a dry run)."""
    now = utcnow()
    years = int_setting("RETENTION_YEARS_AFTER_LEAVING")
    form = PupilSearchForm(request.args)
    form.validate()
    found = None
    if form.q.data and not form.q.errors:
        found = db.session.scalars(
            sa.select(Student)
            .where(sa.func.lower(Student.name).contains(form.q.data.lower(), autoescape=True))
            .options(joinedload(Student.school), joinedload(Student.school_class))
            .order_by(Student.name, Student.id)
            .limit(50)
        ).all()
    due = db.paginate(
        services.retention_due_query(now, years),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    return render_template(
        "privacy/index.html",
        form=form,
        found=found,
        due=due,
        years=years,
        cutoff=services.retention_cutoff(now, years),
    )


@bp.route("/retention/run", methods=["POST"])
@permission_required(PERMISSION)
def run_retention():
    """Apply the retention rule now, as the scheduled job does."""
    erased = jobs.apply_retention(utcnow())
    log.info("user %s ran the retention rule: %d pupil(s)", current_user.id, erased)
    flash(ngettext("%(num)d pupil anonymised.", "%(num)d pupils anonymised.", erased), "success")
    return redirect(url_for("privacy.index"))


@bp.route("/pupils/<int:student_id>")
@permission_required(PERMISSION)
def pupil(student_id: int):
    """Everything held about a pupil, as a readable page."""
    student = load(Student, student_id, PERMISSION)
    return render_template(
        "privacy/pupil.html",
        student=student,
        data=services.export_pupil(student.id),
        today=local_date(utcnow()),
    )


@bp.route("/pupils/<int:student_id>/export.json", methods=["POST"])
@permission_required(PERMISSION)
def export_json(student_id: int):
    """Everything held about a pupil as a JSON file; the download is audited."""
    student = load(Student, student_id, PERMISSION)
    data = services.export_pupil(student.id)
    services.record_export(current_user, student, now=utcnow())
    db.session.commit()
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="pupil-{student.id}.json"'},
    )


@bp.route("/pupils/<int:student_id>/erase", methods=["GET", "POST"])
@permission_required(PERMISSION)
def erase(student_id: int):
    """Anonymise a pupil on request, after confirmation."""
    student = load(Student, student_id, PERMISSION)
    form = EraseForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.erase_pupil(current_user, student, reason="request", now=utcnow()),
            success=gettext("The pupil's personal data is erased."),
            then=url_for("privacy.pupil", student_id=student.id),
            form=form,
        )
        if done:
            return done
    return render_template(
        "privacy/erase.html", form=form, student=student, today=local_date(utcnow())
    )
