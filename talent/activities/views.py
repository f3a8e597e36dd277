"""Guest lectures, work placements and projects: the list, one activity, the form."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.activities import services
from talent.activities.forms import ActivityFilterForm, ActivityForm
from talent.activities.models import Activity, ActivityKind
from talent.auth import policy
from talent.auth.guards import permission_required
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization, Role
from talent.schools.models import SchoolClass
from talent.web.actions import act
from talent.web.forms import Form
from talent.web.loading import load
from talent.web.options import NOT_SCHOOLS, SCHOOLS, organization_options
from talent.web.paging import page_number

bp = Blueprint("activities", __name__, url_prefix="/activities")

PER_PAGE = 25


class DeleteForm(Form):
    """Only the CSRF token."""


def _works_everywhere() -> bool:
    return current_user.has_role(Role.ADMIN, Role.COORDINATOR)


def _activity(activity_id: int, permission: str) -> Activity:
    """Others' activities the user may not read are not found; readable ones may be refused."""
    return load(
        Activity,
        activity_id,
        permission,
        hidden_unless="activities.read",
        loader=services.activity_page,
    )


@bp.route("/")
@permission_required("activities.read")
def index():
    """Activities the user may see, newest first, with the pupil-hours on the page."""
    form = ActivityFilterForm(
        request.args, schools=organization_options(SCHOOLS) if _works_everywhere() else None
    )
    form.validate()
    kind = form.value("kind")
    query = services.activities_query(
        current_user,
        kind=ActivityKind(kind) if kind else None,
        school_id=form.value("school"),
    )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "activities/index.html",
        form=form,
        page=page,
        may_manage=policy.has_permission(current_user, "activities.manage"),
        hours=services.hours_by_kind(page.items),
    )


@bp.route("/<int:activity_id>")
@permission_required("activities.read")
def show(activity_id: int):
    """One activity with its pupils and report."""
    activity = _activity(activity_id, "activities.read")
    return render_template(
        "activities/show.html",
        activity=activity,
        may_manage=policy.can(current_user, "activities.manage", activity),
        delete_form=DeleteForm(),
    )


def _class_choices() -> list[tuple[int, str]]:
    query = (
        sa.select(SchoolClass)
        .join(SchoolClass.school)
        .options(sa.orm.contains_eager(SchoolClass.school))
        .order_by(SchoolClass.school_year.desc(), sa.func.lower(SchoolClass.name))
    )
    if not _works_everywhere():
        query = query.where(SchoolClass.school_id == (current_user.organization_id or -1))
        return [(c.id, c.label) for c in db.session.scalars(query.limit(300))]
    return [(c.id, f"{c.school.name}: {c.label}") for c in db.session.scalars(query.limit(300))]


def _pupil_choices(activity: Activity | None) -> tuple[list[tuple[int, str]], SchoolClass | None]:
    """The pupils of the class chosen in ?class_id=, and the activity's own pupils."""
    chosen = None
    class_id = request.args.get("class_id", type=int)
    if class_id:
        chosen = db.session.get(SchoolClass, class_id)
        if chosen is None or not policy.can(current_user, "activities.manage", chosen.school):
            abort(404)
    pupils: dict[int, str] = {}
    if activity is not None:
        pupils.update({p.student_id: p.student.name for p in activity.participants})
    if chosen is not None:
        pupils.update({s.id: s.name for s in chosen.students})
    return sorted(pupils.items(), key=lambda item: item[1]), chosen


def _form(activity: Activity | None) -> tuple[ActivityForm, SchoolClass | None]:
    pupils, chosen = _pupil_choices(activity)
    schools = organization_options(SCHOOLS) if activity is None and _works_everywhere() else None
    data = None
    if request.method == "GET":
        data = {"kind": request.args.get("kind") or None}
        if chosen is not None:
            data["school_id"] = chosen.school_id
        if activity is not None:
            data = {"pupils": [p.student_id for p in activity.participants]}
    form = ActivityForm(
        obj=activity,
        data=data,
        schools=schools,
        partners=organization_options(NOT_SCHOOLS),
        pupils=pupils,
    )
    return form, chosen


def _save(form: ActivityForm, activity: Activity | None):
    if activity is not None:
        school = activity.school
    elif form.school_id is not None:
        school = db.session.get(Organization, form.school_id.data)
    else:
        school = current_user.organization
    if school is not None:
        policy.authorize(current_user, "activities.manage", school)
    return act(
        lambda: services.save_activity(
            current_user,
            activity,
            kind=ActivityKind(form.kind.data),
            title=form.title.data,
            school=school,
            partner=db.session.get(Organization, form.partner_id.data),
            contact_name=form.contact_name.data,
            starts_on=form.starts_on.data,
            ends_on=form.ends_on.data,
            hours=float(form.hours.data) if form.hours.data is not None else None,
            report=form.report.data,
            pupils=services.load_pupils(school, form.pupils.data) if school is not None else [],
            now=utcnow(),
        ),
        success=lambda saved: gettext("%(title)s is saved.", title=saved.title),
        then=lambda saved: url_for("activities.show", activity_id=saved.id),
        form=form,
    )


@bp.route("/new", methods=["GET", "POST"])
@permission_required("activities.manage")
def new():
    """Record a guest lecture, work placement or project."""
    form, chosen = _form(None)
    if form.validate_on_submit() and (done := _save(form, None)) is not None:
        return done
    return render_template(
        "activities/form.html",
        form=form,
        activity=None,
        chosen=chosen,
        classes=_class_choices(),
    )


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@permission_required("activities.manage")
def edit(activity_id: int):
    """Change an activity, its pupils or its report."""
    activity = _activity(activity_id, "activities.manage")
    form, chosen = _form(activity)
    if form.validate_on_submit() and (done := _save(form, activity)) is not None:
        return done
    return render_template(
        "activities/form.html",
        form=form,
        activity=activity,
        chosen=chosen,
        classes=_class_choices(),
    )


@bp.route("/<int:activity_id>/delete", methods=["POST"])
@permission_required("activities.manage")
def delete(activity_id: int):
    """Delete an activity recorded by mistake."""
    activity = _activity(activity_id, "activities.manage")
    then = url_for("activities.index")
    if DeleteForm().validate_on_submit():
        return act(
            lambda: services.delete_activity(current_user, activity, now=utcnow()),
            success=gettext("The activity is deleted."),
            then=then,
        ) or redirect(then)
    return redirect(then)
