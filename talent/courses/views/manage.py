"""The coordinator's pages: courses and sessions, roster, waitlist, applications,
attendance, exports and messages."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user

from talent.auth.guards import permission_required
from talent.clock import span_to_utc, to_utc
from talent.courses.forms import (
    AttendanceForm,
    CopyCourseForm,
    CourseForm,
    MessageForm,
    ReviewForm,
    SearchForm,
    SessionForm,
)
from talent.courses.models import Course, CourseEnrollment, CourseSession, EnrollmentState
from talent.courses.services import (
    attendance,
    catalogue,
    enrollment,
    exports,
    management,
    messages,
)
from talent.courses.views.common import PER_PAGE, bp, to_local
from talent.db import utcnow
from talent.extensions import db
from talent.i18n import timezone_choices
from talent.web.actions import act
from talent.web.csv_export import csv_response
from talent.web.loading import load
from talent.web.paging import page_number
from talent.web.redirects import is_local_path

log = logging.getLogger(__name__)


# Courses ---------------------------------------------------------------------------------------


@bp.route("/courses/manage")
@permission_required("courses.manage")
def manage():
    """Every course, published or not, with its seats, waitlist and applications."""
    form = SearchForm(request.args)
    form.validate()
    query = management.courses_query(search=form.value("q") or "")
    page = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    counts = management.state_counts(page.items)
    return render_template("courses/manage.html", form=form, page=page, counts=counts)


def _course_form(course: Course | None) -> CourseForm:
    form = CourseForm(
        obj=course,
        organizations=management.organization_options(
            include_ids=[p.id for p in course.partners] if course else ()
        ),
        timezones=timezone_choices(),
    )
    if request.method == "GET":
        zone = course.timezone if course else current_app.config["DEFAULT_TIMEZONE"]
        form.timezone.data = zone
        if course is not None:
            form.partners.data = [partner.id for partner in course.partners]
            form.eligible_roles.data = list(course.eligible_roles)
            form.eligible_kinds.data = list(course.eligible_kinds)
            form.enrollment_opens_at.data = to_local(course.enrollment_opens_at, zone)
            form.enrollment_closes_at.data = to_local(course.enrollment_closes_at, zone)
    return form


def _details(form: CourseForm) -> management.CourseDetails:
    zone = form.timezone.data
    return management.CourseDetails(
        title=form.title.data,
        summary=form.summary.data or "",
        description=form.description.data or "",
        partner_ids=form.partners.data or [],
        language=form.language.data,
        format=form.format.data,
        ects=form.ects.data,
        hours=form.hours.data,
        location=form.location.data or "",
        timezone=zone,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        enrollment_opens_at=to_utc(
            form.enrollment_opens_at.data, zone, field="enrollment_opens_at"
        ),
        enrollment_closes_at=to_utc(
            form.enrollment_closes_at.data, zone, field="enrollment_closes_at"
        ),
        capacity=form.capacity.data,
        admission_mode=form.admission_mode.data,
        institution_quota=form.institution_quota.data,
        eligible_roles=form.eligible_roles.data or [],
        eligible_kinds=form.eligible_kinds.data or [],
        completion_percent=form.completion_percent.data,
        offer_hours=form.offer_hours.data,
        is_published=form.is_published.data,
    )


def _save_course(form: CourseForm, course: Course | None):
    return act(
        lambda: management.save_course(current_user, course, _details(form), now=utcnow()),
        success=lambda saved: gettext("%(title)s is saved.", title=saved.title),
        then=lambda saved: url_for("courses.overview", course_id=saved.id),
        form=form,
    )


@bp.route("/courses/new", methods=["GET", "POST"])
@permission_required("courses.manage")
def new():
    """Create a course."""
    form = _course_form(None)
    if form.validate_on_submit() and (done := _save_course(form, None)):
        return done
    return render_template("courses/course_form.html", form=form, course=None)


@bp.route("/courses/<int:course_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage")
def edit(course_id: int):
    """Change a course; its capacity cannot drop below the seats already taken."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    form = _course_form(course)
    if form.validate_on_submit() and (done := _save_course(form, course)):
        return done
    return render_template("courses/course_form.html", form=form, course=course)


@bp.route("/courses/<int:course_id>/copy", methods=["GET", "POST"])
@permission_required("courses.manage")
def copy(course_id: int):
    """Copy a course with its sessions to a new start date, such as next year."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    form = CopyCourseForm()
    if request.method == "GET":
        form.starts_on.data = _next_year(course.starts_on)
    if form.validate_on_submit():
        done = act(
            lambda: management.copy_course(
                current_user, course, starts_on=form.starts_on.data, now=utcnow()
            ),
            success=gettext("The copy is saved, unpublished. Check it and publish it."),
            then=lambda copied: url_for("courses.edit", course_id=copied.id),
            form=form,
        )
        if done:
            return done
    return render_template("courses/copy_form.html", form=form, course=course)


def _next_year(day):
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@bp.route("/courses/<int:course_id>/overview")
@permission_required("courses.manage")
def overview(course_id: int):
    """A course at a glance for its coordinator: figures, sessions and their codes, actions."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    counts = management.state_counts([course]).get(course.id, {})
    return render_template(
        "courses/overview.html", course=course, counts=counts, exports=exports.EXPORTS
    )


# Sessions --------------------------------------------------------------------------------------


def _save_session(form: SessionForm, course: Course, session: CourseSession | None):
    def save():
        starts_at, ends_at = span_to_utc(
            form.starts_at.data,
            form.ends_at.data,
            course.timezone,
            fields=("starts_at", "ends_at"),
        )
        return management.save_session(
            current_user,
            course,
            session,
            title=form.title.data or "",
            starts_at=starts_at,
            ends_at=ends_at,
            location=form.location.data or "",
            now=utcnow(),
        )

    return act(
        save,
        success=gettext("The session is saved."),
        then=url_for("courses.overview", course_id=course.id),
        form=form,
    )


@bp.route("/courses/<int:course_id>/sessions/new", methods=["GET", "POST"])
@permission_required("courses.manage")
def new_session(course_id: int):
    """Add a session; it must lie within the course's dates."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    form = SessionForm()
    if form.validate_on_submit() and (done := _save_session(form, course, None)):
        return done
    return render_template("courses/session_form.html", form=form, course=course, session=None)


@bp.route("/courses/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@permission_required("courses.manage")
def edit_session(session_id: int):
    """Move or rename a session."""
    session = load(CourseSession, session_id, "courses.manage")
    course = session.course
    form = SessionForm(obj=session)
    if request.method == "GET":
        form.starts_at.data = to_local(session.starts_at, course.timezone)
        form.ends_at.data = to_local(session.ends_at, course.timezone)
    if form.validate_on_submit() and (done := _save_session(form, course, session)):
        return done
    return render_template("courses/session_form.html", form=form, course=course, session=session)


@bp.route("/courses/sessions/<int:session_id>/delete", methods=["POST"])
@permission_required("courses.manage")
def delete_session(session_id: int):
    """Remove a session without recorded attendance."""
    session = load(CourseSession, session_id, "courses.manage")
    course_id = session.course_id
    target = url_for("courses.overview", course_id=course_id)
    return act(
        lambda: management.delete_session(current_user, session, now=utcnow()),
        success=gettext("The session is removed."),
        then=target,
    ) or redirect(target)


# People ----------------------------------------------------------------------------------------


@bp.route("/courses/<int:course_id>/roster")
@permission_required("courses.manage")
def roster(course_id: int):
    """The participants, with their attendance at each session."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    page = db.paginate(
        attendance.roster_query(course),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    marks = attendance.attendance_marks(participant.id for participant in page.items)
    return render_template("courses/roster.html", course=course, page=page, marks=marks)


@bp.route("/courses/<int:course_id>/waitlist")
@permission_required("courses.manage")
def waitlist(course_id: int):
    """Open offers and the waitlist in line order."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    page = db.paginate(
        exports.waitlist_query(course), page=page_number(), per_page=PER_PAGE, error_out=False
    )
    offered = management.state_counts([course])[course.id].get(EnrollmentState.OFFERED, 0)
    first_position = max((page.page - 1) * PER_PAGE - offered, 0)
    return render_template(
        "courses/waitlist.html", course=course, page=page, first_position=first_position
    )


@bp.route("/courses/<int:course_id>/applications")
@permission_required("courses.manage")
def applications(course_id: int):
    """Sent applications with motivations and scores, best first."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    state = request.args.get("state")
    state = EnrollmentState(state) if state in {s.value for s in EnrollmentState} else None
    page = db.paginate(
        exports.applications_query(course, state=state),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    counts = management.organization_seat_counts(course)
    return render_template(
        "courses/applications.html",
        course=course,
        page=page,
        state=state,
        counts=counts,
        form=ReviewForm(),
    )


@bp.route("/courses/enrollments/<int:enrollment_id>/review", methods=["POST"])
@permission_required("courses.manage")
def review(enrollment_id: int):
    """Score an application, and admit or reject it."""
    found = load(CourseEnrollment, enrollment_id, "courses.manage")
    target = url_for("courses.applications", course_id=found.course_id)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.score.errors) or gettext("Try again."), "danger")
        return redirect(target)
    now = utcnow()
    decided: list[str] = []

    def decide():
        if form.score.data is not None or form.save.data:
            enrollment.score_application(current_user, found, form.score.data, now=now)
        if form.admit.data:
            enrollment.admit(current_user, found, now=now)
        elif form.reject.data:
            enrollment.reject(current_user, found, now=now)
        decided.append(
            gettext("%(name)s: %(state)s.", name=found.user.name, state=found.state.label)
        )

    done = act(decide, success=None, then=target) or redirect(target)
    if decided:
        flash(decided[0], "success")
    return done


@bp.route("/courses/enrollments/<int:enrollment_id>/remove", methods=["POST"])
@permission_required("courses.manage")
def remove(enrollment_id: int):
    """Take a person off the course or its waitlist; a freed seat goes to the next in line."""
    found = load(CourseEnrollment, enrollment_id, "courses.manage")
    target = request.form.get("next", "")
    if not is_local_path(target):
        target = url_for("courses.roster", course_id=found.course_id)
    return act(
        lambda: enrollment.withdraw(current_user, found, now=utcnow()),
        success=gettext("%(name)s is taken off the course.", name=found.user.name),
        then=target,
    ) or redirect(target)


# Attendance ------------------------------------------------------------------------------------


@bp.route("/courses/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@permission_required("courses.manage")
def session_attendance(session_id: int):
    """Tick who attended a session; the session's code lets participants do it themselves."""
    session = load(CourseSession, session_id, "courses.manage")
    course = session.course
    participants = list(db.session.scalars(attendance.participants_query(course)))
    form = AttendanceForm(participants=[(e.id, e.user.name) for e in participants])
    if request.method == "GET":
        marks = attendance.attendance_marks(e.id for e in participants)
        form.present.data = [e.id for e in participants if (e.id, session.id) in marks]
    if form.validate_on_submit():
        done = act(
            lambda: attendance.record_attendance(
                current_user, session, form.present.data or [], now=utcnow()
            ),
            success=gettext("Attendance is saved."),
            then=url_for("courses.session_attendance", session_id=session.id),
            form=form,
        )
        if done:
            return done
    return render_template(
        "courses/attendance.html",
        course=course,
        session=session,
        form=form,
        participants=participants,
    )


# Exports and messages --------------------------------------------------------------------------


@bp.route("/courses/<int:course_id>/export/<kind>.csv")
@permission_required("courses.manage")
def export(course_id: int, kind: str):
    """Download the roster, waitlist, applications or attendance as CSV."""
    if kind not in exports.EXPORTS:
        abort(404)
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    header, *rows = exports.export_rows(course, kind)
    log.info("user %s exported %s of course %s", current_user.id, kind, course.id)
    return csv_response(header, rows, filename=f"course-{course.id}-{kind}.csv")


@bp.route("/courses/<int:course_id>/message", methods=["GET", "POST"])
@permission_required("courses.manage")
def message(course_id: int):
    """E-mail everyone taking part in the course."""
    course = load(Course, course_id, "courses.manage", loader=catalogue.load_course)
    form = MessageForm()
    if form.validate_on_submit():
        done = act(
            lambda: messages.message_participants(
                current_user,
                course,
                subject=form.subject.data,
                body=form.body.data,
                key=form.submission_key.data,
                now=utcnow(),
            ),
            success=lambda count: ngettext(
                "The message is on its way to %(num)d participant.",
                "The message is on its way to %(num)d participants.",
                count,
            ),
            then=url_for("courses.overview", course_id=course.id),
            form=form,
        )
        if done:
            return done
    return render_template("courses/message.html", course=course, form=form)
