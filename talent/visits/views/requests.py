"""Visit requests and the hosts' proposals; a school's blackout dates."""

from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import local_date
from talent.db import utcnow
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import SchoolClass
from talent.schools.services import school_year_of
from talent.visits.forms import BlackoutForm, EmptyForm, ProposeForm, RequestForm
from talent.visits.models import LabSite, RequestState, SchoolBlackout, VisitRequest, VisitSlot
from talent.visits.services import blackouts, slots
from talent.visits.services import requests as visit_requests
from talent.visits.services.common import show_day, show_span
from talent.visits.views.common import (
    PER_PAGE,
    bp,
    class_options,
    own_organization_id,
    show_problems,
    teacher_options,
    works_everywhere,
)
from talent.web.actions import act
from talent.web.loading import load
from talent.web.options import SCHOOLS, organization_options
from talent.web.paging import page_number


@bp.route("/requests")
@permission_required("visits.requests")
def request_list():
    """Open requests: a school's own (teachers), every open one (hosts and staff)."""
    query = visit_requests.visible_requests_query(current_user)
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("visits/requests.html", page=page)


@bp.route("/requests/new", methods=["GET", "POST"])
@permission_required("visits.book")
def new_request():
    """Ask the hosts for a visit when no published slot fits."""
    classes = class_options(school_year_of(local_date(utcnow())) - 1)
    chosen_class = None
    class_id = request.form.get("class_id", type=int) or request.args.get("class_id", type=int)
    if class_id:
        chosen_class = db.session.get(SchoolClass, class_id)
    teachers = None
    if works_everywhere():
        teachers = teacher_options(chosen_class.school_id) if chosen_class else []
    form = RequestForm(classes=classes, teachers=teachers)
    if form.validate_on_submit():
        school_class = load(SchoolClass, form.class_id.data, hidden_unless="visits.book")
        teacher = (
            db.session.get(User, form.teacher_id.data)
            if form.teacher_id is not None
            else current_user
        )
        done = act(
            lambda: visit_requests.post_request(
                current_user,
                school_class=school_class,
                teacher=teacher,
                topic=form.topic.data,
                pupils_count=form.pupils_count.data,
                adults_count=form.adults_count.data,
                earliest_on=form.earliest_on.data,
                latest_on=form.latest_on.data,
                notes=form.notes.data,
                now=utcnow(),
            ),
            success=gettext("Your request is posted. Hosts can now propose a slot."),
            then=lambda created: url_for("visits.visit_request", request_id=created.id),
            form=form,
            show=show_problems,
        )
        if done:
            return done
    return render_template("visits/request_form.html", form=form)


@bp.route("/requests/<int:request_id>")
@permission_required("visits.requests")
def visit_request(request_id: int):
    """A request and the slots proposed for it."""
    found = load(VisitRequest, request_id, hidden_unless="visits.requests")
    return render_template(
        "visits/request.html",
        visit_request=found,
        may_manage=policy.can(current_user, "visits.manage", found),
        may_propose=policy.has_permission(current_user, "visits.host")
        and found.state is RequestState.OPEN,
        button=EmptyForm(),
        now=utcnow(),
    )


def _proposable_slots(visit_request: VisitRequest) -> list[tuple[int, str]]:
    criteria = slots.SlotFilter(
        start_on=visit_request.earliest_on,
        end_on=visit_request.latest_on,
        min_free=visit_request.persons,
        organization_id=None if works_everywhere() else own_organization_id(),
    )
    query = slots.slots_query(criteria, now=utcnow())
    return [
        (slot.id, f"{show_span(slot.starts_at, slot.ends_at)} · {slot.site.name} · {slot.topic}")
        for slot in db.session.scalars(query.limit(200))
    ]


@bp.route("/requests/<int:request_id>/propose", methods=["GET", "POST"])
@permission_required("visits.host")
def propose(request_id: int):
    """Answer a request with one of the host's slots in the teacher's window."""
    found = load(VisitRequest, request_id, hidden_unless="visits.requests")
    form = ProposeForm(slots=_proposable_slots(found))
    if form.validate_on_submit():
        slot = db.session.get(VisitSlot, form.slot_id.data)
        policy.authorize(current_user, "visits.host", slot)
        done = act(
            lambda: visit_requests.propose_slot(
                current_user, found, slot, message=form.message.data, now=utcnow()
            ),
            form=form,
            show=show_problems,
            success=gettext("Your proposal is sent to the teacher."),
            then=url_for("visits.visit_request", request_id=found.id),
        )
        if done:
            return done
    return render_template(
        "visits/propose.html",
        visit_request=found,
        form=form,
        sites_exist=db.session.scalar(
            sa.select(sa.func.count(LabSite.id)).where(
                LabSite.organization_id == own_organization_id()
            )
        )
        > 0,
    )


@bp.route("/requests/<int:request_id>/withdraw", methods=["POST"])
@permission_required("visits.manage")
def withdraw_request(request_id: int):
    """Withdraw an open request."""
    found = load(VisitRequest, request_id, hidden_unless="visits.requests")
    policy.authorize(current_user, "visits.manage", found)
    form = EmptyForm()
    back = url_for("visits.visit_request", request_id=request_id)
    if form.validate_on_submit():
        done = act(
            lambda: visit_requests.withdraw_request(current_user, found, now=utcnow()),
            form=form,
            show=show_problems,
            success=gettext("The request is withdrawn."),
            then=back,
        )
        if done:
            return done
    return redirect(back)


# Blackouts --------------------------------------------------------------------------------------


def _blackout_saved(added) -> list[tuple[str, str]]:
    """Saved, and a warning naming the booked visits that fall in the new dates."""
    _, affected = added
    said = [(gettext("The dates are saved."), "success")]
    if affected:
        said.append(
            (
                ngettext(
                    "%(num)d visit already booked falls in these dates: %(days)s. Move or "
                    "cancel it.",
                    "%(num)d visits already booked fall in these dates: %(days)s. Move or "
                    "cancel them.",
                    len(affected),
                    days=", ".join(show_day(local_date(v.slot.starts_at)) for v in affected),
                ),
                "warning",
            )
        )
    return said


@bp.route("/blackouts", methods=["GET", "POST"])
@permission_required("visits.blackouts")
def blackout_list():
    """A school's holidays and exam weeks, when its classes take no visits; add more."""
    chooses = works_everywhere()
    form = BlackoutForm(schools=organization_options(SCHOOLS) if chooses else None)
    if form.validate_on_submit():
        school_id = form.school_id.data if chooses else own_organization_id()
        school = db.session.get(Organization, school_id)
        if school is not None:
            policy.authorize(current_user, "visits.blackouts", school)
        done = act(
            lambda: blackouts.add_blackout(
                current_user,
                school,
                starts_on=form.starts_on.data,
                ends_on=form.ends_on.data,
                reason=form.reason.data,
                now=utcnow(),
            ),
            success=_blackout_saved,
            then=url_for("visits.blackout_list"),
            form=form,
            show=show_problems,
        )
        if done:
            return done
    query = blackouts.blackouts_query(
        school_id=None if chooses else own_organization_id(),
        from_day=local_date(utcnow()),
    )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("visits/blackouts.html", form=form, page=page, button=EmptyForm())


@bp.route("/blackouts/<int:blackout_id>/delete", methods=["POST"])
@permission_required("visits.blackouts")
def delete_blackout(blackout_id: int):
    """Remove blackout dates."""
    found = load(SchoolBlackout, blackout_id, hidden_unless="visits.blackouts")
    form = EmptyForm()
    if form.validate_on_submit():
        return act(
            lambda: blackouts.remove_blackout(current_user, found, now=utcnow()),
            success=gettext("The dates are removed."),
            then=url_for("visits.blackout_list"),
        ) or redirect(url_for("visits.blackout_list"))
    return redirect(url_for("visits.blackout_list"))
