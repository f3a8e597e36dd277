"""Visits: the list and a school's history, booking, one visit's page and what people do
with it (change, move, cancel, confirm, decline, checklist, attendance, feedback)."""

from __future__ import annotations

import logging

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required, public
from talent.clock import today_for
from talent.db import utcnow
from talent.errors import DomainError
from talent.extensions import db
from talent.people.models import Organization, User
from talent.schools.models import SchoolClass
from talent.schools.services import school_year_of
from talent.visits.forms import (
    AttendanceForm,
    BookingForm,
    ClassChoiceForm,
    EmptyForm,
    FeedbackForm,
    GroupForm,
    MoveForm,
    ReasonForm,
    VisitFilterForm,
)
from talent.visits.links import feedback_giver, make_feedback_token
from talent.visits.models import (
    ChecklistItem,
    ChecklistKind,
    LabVisit,
    RequestState,
    VisitRequest,
    VisitSlot,
    VisitState,
)
from talent.visits.services import booking, followup, queries, slots
from talent.visits.services.common import show_span
from talent.visits.services.rules import consent_blockers
from talent.visits.views.common import (
    PER_PAGE,
    bp,
    class_options,
    show_problems,
    teacher_options,
    works_everywhere,
)
from talent.web.actions import act
from talent.web.loading import load
from talent.web.options import SCHOOLS, organization_options
from talent.web.paging import page_number

log = logging.getLogger(__name__)


def _visit(visit_id: int, permission: str) -> LabVisit:
    """The visit if the user may see it (else 404), and use ``permission`` on it (else 403)."""
    visit = load(LabVisit, visit_id, hidden_unless="visits.read", loader=queries.visit_page)
    policy.authorize(current_user, permission, visit)
    return visit


def _today():
    return today_for(current_user, utcnow())


# Lists --------------------------------------------------------------------------------------


def _when_choices():
    return [
        (queries.When.UPCOMING.value, gettext("Upcoming")),
        (queries.When.PAST.value, gettext("Past")),
    ]


@bp.route("/")
@permission_required("visits.read")
def index():
    """The visits the user may see: their school's, their sites', or (staff) all."""
    form = VisitFilterForm(
        request.args,
        schools=organization_options(SCHOOLS) if works_everywhere() else None,
        states=[(state.value, state.label) for state in VisitState],
        whens=_when_choices(),
        data={"when": queries.When.UPCOMING.value},
    )
    form.validate()
    state = form.value("state")
    when = form.value("when")
    query = queries.visits_query(
        current_user,
        school_id=form.value("school"),
        state=VisitState(state) if state else None,
        when=queries.When(when) if when else None,
        now=utcnow(),
    )
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template("visits/index.html", form=form, page=page)


@bp.route("/schools/<int:school_id>/history")
@permission_required("visits.manage")
def history(school_id: int):
    """Every visit of one school, newest first, with attendance and feedback."""
    school = load(Organization, school_id, hidden_unless="visits.blackouts")
    query = queries.visits_query(current_user, school_id=school.id, now=utcnow())
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    ids = [visit.id for visit in page.items]
    return render_template(
        "visits/history.html",
        school=school,
        page=page,
        present=queries.present_counts(ids),
        feedback=followup.feedback_summary(ids),
    )


# Booking ------------------------------------------------------------------------------------


def _booking_request() -> VisitRequest | None:
    request_id = request.args.get("request_id", type=int)
    if request_id is None:
        return None
    visit_request = load(VisitRequest, request_id, hidden_unless="visits.manage")
    if visit_request.state is not RequestState.OPEN:
        abort(404)
    return visit_request


@bp.route("/slots/<int:slot_id>/book", methods=["GET", "POST"])
@permission_required("visits.book")
def book(slot_id: int):
    """Book a class on a slot: choose the class, then the pupils and adults."""
    slot = load(VisitSlot, slot_id, loader=queries.slot_page)
    visit_request = _booking_request()
    classes = class_options(school_year_of(_today()) - 1)
    chooser = ClassChoiceForm(request.args, classes=classes)
    class_id = (
        visit_request.school_class_id
        if visit_request is not None
        else request.args.get("class_id", type=int)
    )
    school_class = load(SchoolClass, class_id, hidden_unless="visits.book") if class_id else None
    if school_class is None:
        return render_template(
            "visits/book.html",
            slot=slot,
            chooser=chooser,
            form=None,
            school_class=None,
            visit_request=visit_request,
        )
    pupils = [(pupil.id, pupil.name) for pupil in school_class.students]
    data = {}
    if visit_request is not None and request.method == "GET":
        data = {
            "pupils_count": visit_request.pupils_count,
            "adults_count": visit_request.adults_count,
            "teacher_id": visit_request.teacher_id,
        }
    form = BookingForm(
        pupils=pupils,
        teachers=teacher_options(school_class.school_id) if works_everywhere() else None,
        data=data,
    )
    if form.validate_on_submit():
        teacher = (
            db.session.get(User, form.teacher_id.data)
            if form.teacher_id is not None
            else current_user
        )
        done = act(
            lambda: booking.book_visit(
                current_user,
                slot,
                school_class=school_class,
                teacher=teacher,
                pupils=booking.load_pupils(school_class, form.pupils.data),
                pupils_count=form.pupils_count.data,
                adults_count=form.adults_count.data,
                notes=form.notes.data,
                request=visit_request,
                now=utcnow(),
            ),
            success=gettext(
                "The visit is booked. %(host)s will confirm it.", host=slot.site.organization.name
            ),
            then=lambda visit: url_for("visits.visit", visit_id=visit.id),
            form=form,
            show=show_problems,
        )
        if done:
            return done
    return render_template(
        "visits/book.html",
        slot=slot,
        chooser=chooser,
        form=form,
        school_class=school_class,
        visit_request=visit_request,
    )


# One visit ----------------------------------------------------------------------------------


@bp.route("/<int:visit_id>")
@permission_required("visits.read")
def visit(visit_id: int):
    """A visit: who comes, its state, the checklist, and what the user may do next."""
    found = load(LabVisit, visit_id, hidden_unless="visits.read", loader=queries.visit_page)
    now = utcnow()
    blockers = consent_blockers(found) if found.is_open else []
    own_feedback_link = None
    if found.teacher_id == current_user.id and followup.can_take_feedback(found, now):
        own_feedback_link = url_for(
            "visits.feedback", token=make_feedback_token(found.id, user_id=current_user.id)
        )
    return render_template(
        "visits/visit.html",
        visit=found,
        blockers=blockers,
        now=now,
        started=found.slot.starts_at <= now,
        feedback=followup.feedback_summary([found.id]).get(found.id),
        own_feedback_link=own_feedback_link,
        button=EmptyForm(),
    )


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@permission_required("visits.manage")
def edit_visit(visit_id: int):
    """Change the pupils, adults and notes of a visit; every rule is checked again."""
    found = _visit(visit_id, "visits.manage")
    pupils = [(pupil.id, pupil.name) for pupil in found.school_class.students]
    form = GroupForm(
        obj=found,
        pupils=pupils,
        data={"pupils": [p.student_id for p in found.participants]}
        if request.method == "GET"
        else None,
    )
    if form.validate_on_submit():
        done = act(
            lambda: booking.update_visit(
                current_user,
                found,
                pupils=booking.load_pupils(found.school_class, form.pupils.data),
                pupils_count=form.pupils_count.data,
                adults_count=form.adults_count.data,
                notes=form.notes.data,
                now=utcnow(),
            ),
            form=form,
            show=show_problems,
            success=gettext("The visit is changed."),
            then=url_for("visits.visit", visit_id=found.id),
        )
        if done:
            return done
    return render_template("visits/edit.html", visit=found, form=form)


def _move_choices(visit: LabVisit) -> list[tuple[int, str]]:
    criteria = slots.SlotFilter(min_free=visit.persons)
    query = slots.slots_query(criteria, now=utcnow()).where(VisitSlot.id != visit.slot_id)
    return [
        (
            slot.id,
            f"{show_span(slot.starts_at, slot.ends_at)} · {slot.site.name} · {slot.topic} "
            f"({slot.free})",
        )
        for slot in db.session.scalars(query.limit(200))
    ]


@bp.route("/<int:visit_id>/move", methods=["GET", "POST"])
@permission_required("visits.manage")
def move(visit_id: int):
    """Move a visit to another slot; the host confirms again and everyone is told."""
    found = _visit(visit_id, "visits.manage")
    form = MoveForm(slots=_move_choices(found))
    if form.validate_on_submit():
        target = db.session.get(VisitSlot, form.slot_id.data)
        done = act(
            lambda: booking.move_visit(current_user, found, target, now=utcnow()),
            form=form,
            show=show_problems,
            success=gettext("The visit is moved. Everyone involved is told."),
            then=url_for("visits.visit", visit_id=found.id),
        )
        if done:
            return done
    return render_template("visits/move.html", visit=found, form=form)


@bp.route("/<int:visit_id>/cancel", methods=["GET", "POST"])
@permission_required("visits.cancel")
def cancel(visit_id: int):
    """Cancel a visit with a reason; everyone involved is told."""
    found = _visit(visit_id, "visits.cancel")
    form = ReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: booking.cancel_visit(
                current_user, found, reason=form.reason.data, now=utcnow()
            ),
            form=form,
            show=show_problems,
            success=gettext("The visit is cancelled. Everyone involved is told."),
            then=url_for("visits.visit", visit_id=found.id),
        )
        if done:
            return done
    return render_template(
        "visits/reason.html",
        form=form,
        title=gettext("Cancel the visit"),
        intro=gettext("The teacher and the host are told, with your reason."),
        back=url_for("visits.visit", visit_id=found.id),
        button=gettext("Cancel the visit"),
    )


@bp.route("/<int:visit_id>/confirm", methods=["POST"])
@permission_required("visits.confirm")
def confirm(visit_id: int):
    """Confirm a booking, unless consents are missing."""
    found = _visit(visit_id, "visits.confirm")
    form = EmptyForm()
    back = url_for("visits.visit", visit_id=visit_id)
    if form.validate_on_submit():
        done = act(
            lambda: booking.confirm_visit(current_user, found, now=utcnow()),
            form=form,
            show=show_problems,
            success=gettext("The visit is confirmed. The teacher is told."),
            then=back,
        )
        if done:
            return done
    return redirect(back)


@bp.route("/<int:visit_id>/decline", methods=["GET", "POST"])
@permission_required("visits.confirm")
def decline(visit_id: int):
    """Decline a booking with a reason."""
    found = _visit(visit_id, "visits.confirm")
    form = ReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: booking.decline_visit(
                current_user, found, reason=form.reason.data, now=utcnow()
            ),
            form=form,
            show=show_problems,
            success=gettext("The visit is declined. The teacher is told why."),
            then=url_for("visits.visit", visit_id=found.id),
        )
        if done:
            return done
    return render_template(
        "visits/reason.html",
        form=form,
        title=gettext("Decline the visit"),
        intro=gettext("Tell the teacher why, so they can choose something else."),
        back=url_for("visits.visit", visit_id=found.id),
        button=gettext("Decline the visit"),
    )


@bp.route("/<int:visit_id>/checklist/<kind>", methods=["POST"])
@permission_required("visits.manage")
def checklist(visit_id: int, kind: str):
    """Tick a checklist item off (or on again)."""
    found = _visit(visit_id, "visits.manage")
    try:
        wanted = ChecklistKind(kind)
    except ValueError:
        abort(404)
    item: ChecklistItem | None = next((i for i in found.checklist if i.kind is wanted), None)
    if item is None:
        abort(404)
    form = EmptyForm()
    then = url_for("visits.visit", visit_id=visit_id) + "#checklist"
    if form.validate_on_submit():
        done = request.form.get("done") == "1"
        return act(
            lambda: followup.tick_item(current_user, item, done=done, now=utcnow()),
            success=None,
            then=then,
            form=form,
            show=show_problems,
        ) or redirect(then)
    return redirect(then)


@bp.route("/<int:visit_id>/attendance", methods=["GET", "POST"])
@permission_required("visits.confirm")
def attendance(visit_id: int):
    """Record who came; nobody at all is a no-show."""
    found = _visit(visit_id, "visits.confirm")
    participants = sorted(found.participants, key=lambda p: p.student.name)
    data = None
    if request.method == "GET":
        recorded = found.attendance_recorded_at is not None
        data = {
            "present": [p.student_id for p in participants if p.attended or not recorded],
            "adults_attended": found.adults_attended if recorded else found.adults_count,
        }
    form = AttendanceForm(pupils=[(p.student_id, p.student.name) for p in participants], data=data)
    if form.validate_on_submit():
        done = act(
            lambda: followup.record_attendance(
                current_user,
                found,
                present_ids=form.present.data,
                adults_attended=form.adults_attended.data,
                now=utcnow(),
            ),
            form=form,
            show=show_problems,
            success=gettext("Attendance is saved."),
            then=url_for("visits.visit", visit_id=found.id),
        )
        if done:
            return done
    return render_template("visits/attendance.html", visit=found, form=form)


@bp.route("/<int:visit_id>/feedback-links")
@permission_required("visits.manage")
def feedback_links(visit_id: int):
    """A printable sheet of each pupil's own feedback link (pupils need no account)."""
    found = _visit(visit_id, "visits.manage")
    links = [
        (
            p.student.name,
            url_for(
                "visits.feedback",
                token=make_feedback_token(found.id, student_id=p.student_id),
                _external=True,
            ),
        )
        for p in sorted(found.participants, key=lambda p: p.student.name)
    ]
    return render_template(
        "visits/feedback_links.html",
        visit=found,
        links=links,
        open_now=followup.can_take_feedback(found, utcnow()),
    )


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@public
def feedback(token: str):
    """Rate a visit from 1 to 5 with a comment, through a signed link; no login needed."""
    try:
        giver = feedback_giver(token)
    except DomainError as error:
        return render_template("visits/link_invalid.html", message=str(error.message)), 400
    form = FeedbackForm()
    done = followup.existing_feedback(giver.visit, student=giver.student, user=giver.user)
    if done is None and form.validate_on_submit():
        try:
            followup.give_feedback(
                giver.visit,
                student=giver.student,
                user=giver.user,
                rating=form.rating.data,
                comment=form.comment.data,
                now=utcnow(),
            )
        except DomainError as error:
            show_problems(form, error)
        else:
            db.session.commit()
            return render_template("visits/feedback_thanks.html", giver=giver)
    return render_template(
        "visits/feedback.html",
        giver=giver,
        form=form,
        done=done,
        open_now=followup.can_take_feedback(giver.visit, utcnow()),
    )
