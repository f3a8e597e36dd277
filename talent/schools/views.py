"""Classes and the pupils in them: lists, forms, moves and invitations to an account.

A teacher works within their own school; anything outside it answers 404, as if it did not
exist, so that ids of other schools' classes and pupils reveal nothing.
"""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import today_for
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization
from talent.schools import services
from talent.schools.forms import (
    ClassFilterForm,
    ClassForm,
    InviteStudentForm,
    MoveStudentForm,
    RemoveStudentForm,
    SchoolFilterForm,
    StudentForm,
)
from talent.schools.models import SchoolClass, Student
from talent.web.actions import act
from talent.web.loading import load
from talent.web.options import SCHOOLS, organization_options
from talent.web.paging import page_number

log = logging.getLogger(__name__)

bp = Blueprint("schools", __name__)

CLASSES_PER_PAGE = 50
STUDENTS_PER_PAGE = 50
PERMISSION = "classes.manage"


def _today():
    return today_for(current_user, utcnow())


def _chooses_school() -> bool:
    """Whether the user works across schools (and so picks one) rather than within their own."""
    return policy.school_scope(current_user) is None


# Classes ---------------------------------------------------------------------------------------


@bp.route("/classes")
@permission_required(PERMISSION)
def classes():
    """List the classes the user manages, by school year, with how many pupils each has."""
    chooses_school = _chooses_school()
    form = ClassFilterForm(
        request.args,
        years=services.class_years(current_user),
        schools=organization_options(SCHOOLS, include_inactive=True) if chooses_school else None,
    )
    form.validate()
    query = services.classes_query(
        current_user, school_id=form.value("school"), school_year=form.value("year")
    )
    page = db.paginate(query, page=page_number(), per_page=CLASSES_PER_PAGE, error_out=False)
    counts = services.student_counts(school_class.id for school_class in page.items)
    no_school = not chooses_school and services.own_school(current_user) is None
    return render_template(
        "schools/classes.html",
        form=form,
        page=page,
        counts=counts,
        chooses_school=chooses_school,
        no_school=no_school,
    )


def _class_form(school_class: SchoolClass | None) -> ClassForm:
    today = _today()
    schools = None
    if _chooses_school():
        schools = organization_options(SCHOOLS, include_id=school_class and school_class.school_id)
    if school_class is None:
        return ClassForm(
            data={"school_year": services.school_year_of(today)},
            years=services.school_year_options(today),
            schools=schools,
        )
    return ClassForm(
        obj=school_class,
        years=services.school_year_options(today, include=school_class.school_year),
        schools=schools,
    )


def _chosen_school(form: ClassForm) -> Organization | None:
    if form.school_id is None:
        return services.own_school(current_user)
    return db.session.get(Organization, form.school_id.data) if form.school_id.data else None


def _save_class(form: ClassForm, school_class: SchoolClass | None):
    return act(
        lambda: services.save_class(
            current_user,
            school_class,
            name=form.name.data,
            school_year=form.school_year.data,
            school=_chosen_school(form),
            now=utcnow(),
        ),
        success=lambda saved: gettext("Class %(name)s is saved.", name=saved.label),
        then=lambda saved: url_for("schools.show_class", class_id=saved.id),
        form=form,
    )


@bp.route("/classes/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def new_class():
    """Add a class to one's own school, or (coordinators) to any school."""
    form = _class_form(None)
    if form.validate_on_submit() and (done := _save_class(form, None)):
        return done
    no_school = form.school_id is None and services.own_school(current_user) is None
    return render_template(
        "schools/class_form.html", form=form, school_class=None, no_school=no_school
    )


@bp.route("/classes/<int:class_id>/edit", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit_class(class_id: int):
    """Change a class's name, school year or (coordinators) school."""
    school_class = load(SchoolClass, class_id, hidden_unless=PERMISSION)
    form = _class_form(school_class)
    if form.validate_on_submit() and (done := _save_class(form, school_class)):
        return done
    return render_template(
        "schools/class_form.html", form=form, school_class=school_class, no_school=False
    )


@bp.route("/classes/<int:class_id>")
@permission_required(PERMISSION)
def show_class(class_id: int):
    """A class and its pupils, with their ages today and whether they have an account."""
    school_class = load(SchoolClass, class_id, hidden_unless=PERMISSION)
    page = db.paginate(
        services.students_query(school_class),
        page=page_number(),
        per_page=STUDENTS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "schools/class.html",
        school_class=school_class,
        page=page,
        today=_today(),
        remove_form=RemoveStudentForm(),
    )


# Pupils ----------------------------------------------------------------------------------------


@bp.route("/classes/<int:class_id>/pupils/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def new_student(class_id: int):
    """Add a pupil record to a class; no account is made."""
    school_class = load(SchoolClass, class_id, hidden_unless=PERMISSION)
    form = StudentForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.add_student(
                current_user,
                school_class,
                name=form.name.data,
                birth_date=form.birth_date.data,
                now=utcnow(),
            ),
            success=lambda student: gettext("%(name)s is added to the class.", name=student.name),
            then=url_for(
                "schools.new_student" if request.form.get("another") else "schools.show_class",
                class_id=class_id,
            ),
            form=form,
        )
        if done:
            return done
    return render_template("schools/student_new.html", form=form, school_class=school_class)


def _student_page(
    student: Student,
    *,
    form: StudentForm | None = None,
    move_form: MoveStudentForm | None = None,
    invite_form: InviteStudentForm | None = None,
    status: int = 200,
):
    """Render a pupil's page with whichever of its forms was just sent, as sent."""
    if form is None:
        form = StudentForm(formdata=None, obj=student)
    if move_form is None:
        move_form = _move_form(student, formdata=None)
    if invite_form is None:
        invite_form = InviteStudentForm(formdata=None)
    body = render_template(
        "schools/student.html",
        student=student,
        form=form,
        move_form=move_form,
        invite_form=invite_form,
        remove_form=RemoveStudentForm(),
        today=_today(),
    )
    return body, status


def _move_form(student: Student, *, offer_current: bool = False, **kwargs) -> MoveStudentForm:
    """The classes a pupil can move to; a form sent twice names the pupil's class by now, so
    the move itself accepts it and answers that the pupil is already there."""
    classes = [
        (school_class.id, school_class.label)
        for school_class in services.school_classes(student.school_id)
        if offer_current or school_class.id != student.school_class_id
    ]
    return MoveStudentForm(classes=classes, **kwargs)


@bp.route("/pupils/<int:student_id>", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit_student(student_id: int):
    """A pupil's page: correct name and birth date, move, take out of the class, invite."""
    student = load(Student, student_id, hidden_unless=PERMISSION)
    form = StudentForm(obj=student)
    if form.validate_on_submit():
        done = act(
            lambda: services.update_student(
                current_user,
                student,
                name=form.name.data,
                birth_date=form.birth_date.data,
                now=utcnow(),
            ),
            success=gettext("%(name)s is saved.", name=student.name),
            then=url_for("schools.edit_student", student_id=student.id),
            form=form,
        )
        if done:
            return done
    return _student_page(student, form=form)


@bp.route("/pupils/<int:student_id>/move", methods=["POST"])
@permission_required(PERMISSION)
def move_student(student_id: int):
    """Move a pupil to another class of the same school."""
    student = load(Student, student_id, hidden_unless=PERMISSION)
    move_form = _move_form(student, offer_current=True)
    if move_form.validate_on_submit():
        target = db.session.get(SchoolClass, move_form.school_class_id.data)
        done = act(
            lambda: services.move_student(current_user, student, target, now=utcnow()),
            success=gettext(
                "%(name)s is now in %(class_name)s.", name=student.name, class_name=target.label
            ),
            then=url_for("schools.show_class", class_id=target.id),
            form=move_form,
        )
        if done:
            return done
    return _student_page(student, move_form=move_form, status=400)


@bp.route("/pupils/<int:student_id>/remove", methods=["POST"])
@permission_required(PERMISSION)
def remove_student(student_id: int):
    """Take a pupil out of their class; the pupil's record stays with the school."""
    student = load(Student, student_id, hidden_unless=PERMISSION)
    former_class_id = student.school_class_id
    if former_class_id is not None:
        then = url_for("schools.show_class", class_id=former_class_id)
    else:
        then = url_for("schools.edit_student", student_id=student_id)
    if RemoveStudentForm().validate_on_submit():
        act(
            lambda: services.move_student(current_user, student, None, now=utcnow()),
            success=gettext(
                "%(name)s is no longer in the class. The record is kept under pupils "
                "without a class.",
                name=student.name,
            ),
            then=then,
        )
    return redirect(then)


@bp.route("/pupils/<int:student_id>/invite", methods=["POST"])
@permission_required(PERMISSION)
def invite_student(student_id: int):
    """Give a pupil an account and e-mail them a link to choose a password."""
    student = load(Student, student_id, hidden_unless=PERMISSION)
    invite_form = InviteStudentForm()
    if invite_form.validate_on_submit():
        done = act(
            lambda: services.invite_student(
                current_user,
                student,
                email=invite_form.email.data,
                language=invite_form.language.data,
                now=utcnow(),
            ),
            success=lambda user: gettext(
                "An invitation is on its way to %(email)s.", email=user.email
            ),
            then=url_for("schools.edit_student", student_id=student.id),
            form=invite_form,
        )
        if done:
            return done
    return _student_page(student, invite_form=invite_form, status=400)


@bp.route("/pupils/without-class")
@permission_required(PERMISSION)
def unplaced_students():
    """Pupils taken out of their class, so that they can be put in another one."""
    chooses_school = _chooses_school()
    form = SchoolFilterForm(
        request.args,
        schools=organization_options(SCHOOLS, include_inactive=True) if chooses_school else None,
    )
    form.validate()
    query = services.unplaced_students_query(current_user, school_id=form.value("school"))
    page = db.paginate(query, page=page_number(), per_page=STUDENTS_PER_PAGE, error_out=False)
    return render_template(
        "schools/unplaced.html",
        form=form,
        page=page,
        today=_today(),
        chooses_school=chooses_school,
    )
