"""Talent programmes: the list, a programme's page, enrolling pupils, states, alumni."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import local_date
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization
from talent.programmes import services
from talent.programmes.forms import (
    AlumniOutcomeForm,
    ChooseClassForm,
    CompleteForm,
    EnrollForm,
    EnrollmentFilterForm,
    EnrollmentForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    WithdrawEnrollmentForm,
)
from talent.programmes.models import (
    TARGET_FIELDS,
    EnrollmentState,
    FieldOfStudy,
    Programme,
    ProgrammeEnrollment,
)
from talent.schools.models import SchoolClass, Student
from talent.web.actions import act
from talent.web.csv_export import csv_response
from talent.web.loading import load
from talent.web.options import SCHOOLS, organization_options
from talent.web.paging import page_number

log = logging.getLogger(__name__)

bp = Blueprint("programmes", __name__, url_prefix="/programmes")

PER_PAGE = 25
ENROLLMENTS_PER_PAGE = 50


@bp.context_processor
def _template_helpers() -> dict:
    return {
        "can": policy.can,
        "EnrollmentState": EnrollmentState,
        "FieldOfStudy": FieldOfStudy,
        "TARGET_FIELDS": TARGET_FIELDS,
    }


def _today():
    return local_date(utcnow())


def _school_year_now() -> int:
    today = _today()
    return today.year if today.month >= 8 else today.year - 1


def _to_programme(programme: Programme, **args):
    return redirect(url_for("programmes.show", programme_id=programme.id, **args))


# Programmes -----------------------------------------------------------------------------------


@bp.route("/")
@permission_required("programmes.view")
def index():
    """Programmes by school year, with their places."""
    current = _school_year_now()
    form = ProgrammeFilterForm(request.args, years=range(current + 1, current - 6, -1))
    form.validate()
    query = services.programmes_query(
        current_user, school_year=form.value("school_year"), search=form.value("q") or ""
    )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("programmes/index.html", form=form, page=page)


def _programme_form(programme: Programme | None) -> ProgrammeForm:
    current = _school_year_now()
    years = set(range(current - 2, current + 3))
    if programme is not None:
        years.add(programme.school_year)
    form = ProgrammeForm(
        obj=programme,
        years=sorted(years, reverse=True),
        schools=organization_options(SCHOOLS, include_inactive=True),
    )
    if not form.is_submitted():
        if programme is None:
            form.school_year.data = current
        else:
            form.tracks.data = "\n".join(track.name for track in programme.tracks)
    return form


def _save_programme(form: ProgrammeForm, programme: Programme | None):
    school = db.session.get(Organization, form.school_id.data) if form.school_id.data else None
    return act(
        lambda: services.save_programme(
            current_user,
            programme,
            name=form.name.data,
            school_year=form.school_year.data,
            capacity=form.capacity.data,
            school=school,
            description=form.description.data or "",
            tracks=form.track_names(),
            now=utcnow(),
        ),
        success=lambda saved: gettext("%(name)s is saved.", name=saved.label),
        then=lambda saved: url_for("programmes.show", programme_id=saved.id),
        form=form,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("programmes.manage")
def new():
    """Create a programme for a school year."""
    form = _programme_form(None)
    if form.validate_on_submit() and (done := _save_programme(form, None)):
        return done
    return render_template("programmes/form.html", form=form, programme=None)


@bp.route("/<int:programme_id>/edit", methods=["GET", "POST"])
@permission_required("programmes.manage")
def edit(programme_id: int):
    """Change a programme's name, year, school, capacity or tracks."""
    programme = load(Programme, programme_id, "programmes.manage")
    form = _programme_form(programme)
    if form.validate_on_submit() and (done := _save_programme(form, programme)):
        return done
    return render_template("programmes/form.html", form=form, programme=programme)


@bp.route("/<int:programme_id>")
@permission_required("programmes.view")
def show(programme_id: int):
    """A programme: places, outcomes, and its pupils a page at a time."""
    programme = load(Programme, programme_id, "programmes.view")
    filters = EnrollmentFilterForm(request.args)
    filters.validate()
    state = None if filters.state.errors else filters.state.data
    query = services.enrollments_query(programme, current_user, state=state)
    page = db.paginate(query, page=page_number(), per_page=ENROLLMENTS_PER_PAGE, error_out=False)
    applicants = [e.student for e in page.items if e.state is EnrollmentState.APPLIED]
    return render_template(
        "programmes/show.html",
        programme=programme,
        page=page,
        filters=filters,
        counts=services.state_counts(programme, current_user),
        summary=services.outcome_summary(programme, current_user),
        missing=services.missing_programme_consent(applicants, now=utcnow()),
        can_enroll=policy.can(current_user, "enrollments.manage", programme),
    )


@bp.route("/<int:programme_id>/participants.csv")
@permission_required("programmes.view")
def participants(programme_id: int):
    """The programme's pupils as CSV (cells that spreadsheets would run are neutralised)."""
    programme = load(Programme, programme_id, "programmes.view")
    enrollments = db.session.scalars(services.enrollments_query(programme, current_user)).all()
    header = [
        gettext("Name"),
        gettext("School"),
        gettext("Class"),
        gettext("Track"),
        gettext("State"),
        gettext("Intended field at start"),
        gettext("Intended field at completion"),
    ]

    def rows():
        for enrollment in enrollments:
            student = enrollment.student
            yield (
                student.name,
                student.school.name,
                student.school_class.label if student.school_class else "",
                enrollment.track.name if enrollment.track else "",
                enrollment.state.label,
                enrollment.intended_field_at_start.label
                if enrollment.intended_field_at_start
                else "",
                enrollment.intended_field_at_completion.label
                if enrollment.intended_field_at_completion
                else "",
            )

    return csv_response(header, rows(), filename="participants.csv")


# Enrolling ------------------------------------------------------------------------------------


def _class_choices(programme: Programme) -> list[tuple[int, str]]:
    query = (
        sa.select(SchoolClass)
        .join(SchoolClass.school)
        .options(sa.orm.contains_eager(SchoolClass.school))
        .order_by(Organization.name, SchoolClass.school_year.desc(), SchoolClass.name)
    )
    scope = policy.school_scope(current_user)
    if scope is not None:
        query = query.where(SchoolClass.school_id == scope)
    if programme.school_id is not None:
        query = query.where(SchoolClass.school_id == programme.school_id)
    several_schools = scope is None and programme.school_id is None
    return [
        (group.id, f"{group.school.name} – {group.label}" if several_schools else group.label)
        for group in db.session.scalars(query)
    ]


@bp.route("/<int:programme_id>/enroll", methods=["GET", "POST"])
@permission_required("enrollments.manage")
def enroll(programme_id: int):
    """Choose a class, then the pupils of it to enroll as applicants."""
    programme = load(Programme, programme_id, "enrollments.manage")
    choices = _class_choices(programme)
    chooser = ChooseClassForm(request.args, classes=choices)
    chooser.validate()
    school_class = None
    if chooser.school_class.data and not chooser.school_class.errors:
        school_class = db.session.get(SchoolClass, chooser.school_class.data)
    pupils = services.enrollable_pupils(programme, school_class) if school_class else []
    form = EnrollForm(pupils=pupils, tracks=programme.tracks)
    if school_class is not None and form.validate_on_submit():
        chosen = [p for p in pupils if p.id in set(form.student_ids.data)]
        track = next((t for t in programme.tracks if t.id == form.track_id.data), None)
        done = act(
            lambda: services.enroll_pupils(
                current_user,
                programme,
                chosen,
                track=track,
                intended_field=form.intended_field.data,
                now=utcnow(),
            ),
            success=ngettext(
                "%(num)d pupil enrolled as an applicant.",
                "%(num)d pupils enrolled as applicants.",
                len(chosen),
            ),
            then=url_for("programmes.show", programme_id=programme.id),
            form=form,
        )
        if done:
            return done
    return render_template(
        "programmes/enroll.html",
        programme=programme,
        chooser=chooser,
        school_class=school_class,
        pupils=pupils,
        form=form,
        missing=services.missing_programme_consent(pupils, now=utcnow()),
    )


def _change(enrollment: ProgrammeEnrollment, change, success: str, form=None):
    """Make a change to an enrollment and go back to its programme."""
    target = url_for("programmes.show", programme_id=enrollment.programme_id)
    return act(change, success=success, then=target, form=form)


@bp.route("/enrollments/<int:enrollment_id>/activate", methods=["POST"])
@permission_required("enrollments.manage")
def activate(enrollment_id: int):
    """Make an applicant active; refused with what is missing (consent, place)."""
    enrollment = load(ProgrammeEnrollment, enrollment_id, "enrollments.manage")
    return _change(
        enrollment,
        lambda: services.activate(current_user, enrollment, now=utcnow()),
        gettext("%(name)s is now active.", name=enrollment.student.name),
    ) or _to_programme(enrollment.programme)


@bp.route("/enrollments/<int:enrollment_id>", methods=["GET", "POST"])
@permission_required("enrollments.manage")
def edit_enrollment(enrollment_id: int):
    """Change the track or the intended field at the start."""
    enrollment = load(ProgrammeEnrollment, enrollment_id, "enrollments.manage")
    form = EnrollmentForm(obj=enrollment, tracks=enrollment.programme.tracks)
    if form.validate_on_submit():
        track = next((t for t in enrollment.programme.tracks if t.id == form.track_id.data), None)
        done = _change(
            enrollment,
            lambda: services.change_enrollment(
                current_user,
                enrollment,
                track=track,
                intended_field_at_start=form.intended_field_at_start.data,
                now=utcnow(),
            ),
            gettext("The enrollment is saved."),
            form,
        )
        if done:
            return done
    return render_template("programmes/enrollment.html", form=form, enrollment=enrollment)


@bp.route("/enrollments/<int:enrollment_id>/complete", methods=["GET", "POST"])
@permission_required("enrollments.manage")
def complete(enrollment_id: int):
    """Mark an active pupil as completed, with what they now intend to study."""
    enrollment = load(ProgrammeEnrollment, enrollment_id, "enrollments.manage")
    form = CompleteForm()
    if form.validate_on_submit():
        done = _change(
            enrollment,
            lambda: services.complete(
                current_user, enrollment, intended_field=form.intended_field.data, now=utcnow()
            ),
            gettext("%(name)s completed.", name=enrollment.student.name),
            form,
        )
        if done:
            return done
    return render_template("programmes/complete.html", form=form, enrollment=enrollment)


@bp.route("/enrollments/<int:enrollment_id>/withdraw", methods=["GET", "POST"])
@permission_required("enrollments.manage")
def withdraw(enrollment_id: int):
    """Withdraw a pupil from the programme, with a reason."""
    enrollment = load(ProgrammeEnrollment, enrollment_id, "enrollments.manage")
    form = WithdrawEnrollmentForm()
    if form.validate_on_submit():
        done = _change(
            enrollment,
            lambda: services.withdraw(
                current_user, enrollment, reason=form.reason.data, now=utcnow()
            ),
            gettext("%(name)s is withdrawn.", name=enrollment.student.name),
            form,
        )
        if done:
            return done
    return render_template("programmes/withdraw.html", form=form, enrollment=enrollment)


# Alumni ---------------------------------------------------------------------------------------


@bp.route("/alumni")
@permission_required("alumni.manage")
def alumni():
    """Former programme pupils who have left school, and what they went on to study."""
    query = services.alumni_query(current_user)
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("programmes/alumni.html", page=page)


@bp.route("/alumni/<int:student_id>", methods=["GET", "POST"])
@permission_required("alumni.manage")
def record_outcome(student_id: int):
    """Record an alumni follow-up: what the former pupil studies now."""
    student = load(Student, student_id, "alumni.manage")
    form = AlumniOutcomeForm()
    if not form.is_submitted():
        form.reported_on.data = _today()
    if form.validate_on_submit():
        done = act(
            lambda: services.record_alumni_outcome(
                current_user,
                student,
                field=form.field.data,
                institution=form.institution.data or "",
                study=form.study.data or "",
                reported_on=form.reported_on.data,
                now=utcnow(),
            ),
            success=gettext("The follow-up is recorded."),
            then=url_for("programmes.alumni"),
            form=form,
        )
        if done:
            return done
    return render_template("programmes/outcome.html", form=form, student=student)
