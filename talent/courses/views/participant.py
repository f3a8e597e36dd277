"""A participant's pages: enroll or apply, answer offers, withdraw, check in, certificates."""

from __future__ import annotations

import logging

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, gettext, ngettext
from flask_login import current_user

from talent.auth.guards import permission_required
from talent.courses.forms import ApplicationForm, CheckInForm
from talent.courses.models import Course, CourseEnrollment, CourseSession, EnrollmentState
from talent.courses.services import attendance, certificates, enrollment, waitlist
from talent.courses.views.common import PER_PAGE, absolute_url, bp
from talent.db import utcnow
from talent.extensions import db
from talent.web.actions import act
from talent.web.loading import load
from talent.web.paging import page_number

log = logging.getLogger(__name__)


def _published_course(course_id: int) -> Course:
    course = load(Course, course_id)
    if not course.is_published:
        abort(404)
    return course


def _where_you_stand(found: CourseEnrollment) -> list[tuple[str, str]]:
    """What the participant is told after enrolling or applying: a seat, the waitlist, sent,
    or a draft kept."""
    if found.state is EnrollmentState.DRAFT:
        return [(gettext("Your draft is saved. Send it before enrollment closes."), "info")]
    if found.state is EnrollmentState.CONFIRMED:
        return [(gettext("You have a seat on %(title)s.", title=found.course.title), "success")]
    if found.state is EnrollmentState.WAITLISTED:
        position = waitlist.waitlist_position(found)
        return [
            (
                gettext(
                    "The course is full. You are number %(position)d on the waitlist; "
                    "we will tell you if a seat frees.",
                    position=position,
                ),
                "info",
            )
        ]
    if found.state is EnrollmentState.APPLIED:
        return [(gettext("Your application is sent to the coordinator."), "success")]
    return []


@bp.route("/courses/mine")
@permission_required("courses.apply")
def mine():
    """The courses one enrolled in or applied to, with offers, positions and certificates."""
    page = db.paginate(
        enrollment.my_enrollments_query(current_user),
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    positions = waitlist.waitlist_positions(page.items)
    return render_template(
        "courses/mine.html", page=page, positions=positions, form=CheckInForm(), now=utcnow()
    )


@bp.route("/courses/<int:course_id>/enroll", methods=["POST"])
@permission_required("courses.apply")
def enroll(course_id: int):
    """Take a seat, or a place on the waitlist when the course is full."""
    course = _published_course(course_id)
    then = url_for("courses.course", course_id=course_id)
    return act(
        lambda: enrollment.enroll(current_user, course, now=utcnow()),
        success=_where_you_stand,
        then=then,
    ) or redirect(then)


@bp.route("/courses/<int:course_id>/apply", methods=["GET", "POST"])
@permission_required("courses.apply")
def apply(course_id: int):
    """Write, save and send an application (courses that select their participants)."""
    course = _published_course(course_id)
    current = enrollment.live_enrollment(current_user, course)
    form = ApplicationForm(data={"motivation": current.motivation if current else ""})
    if form.validate_on_submit():
        done = act(
            lambda: enrollment.save_application(
                current_user,
                course,
                motivation=form.motivation.data or "",
                submit=bool(form.send.data),
                now=utcnow(),
            ),
            success=_where_you_stand,
            then=lambda found: url_for(
                "courses.apply" if found.state is EnrollmentState.DRAFT else "courses.course",
                course_id=course_id,
            ),
            form=form,
        )
        if done:
            return done
    return render_template("courses/apply.html", course=course, form=form, current=current)


def _answer(found: CourseEnrollment, change, success: str):
    """Make a participant's change to their enrollment and go back to the course page."""
    target = url_for("courses.course", course_id=found.course_id)
    return act(change, success=success, then=target) or redirect(target)


@bp.route("/courses/enrollments/<int:enrollment_id>/withdraw", methods=["POST"])
@permission_required("courses.apply")
def withdraw(enrollment_id: int):
    """Leave the course, the waitlist or an application; a freed seat goes to the next person."""
    found = load(CourseEnrollment, enrollment_id, "courses.apply")
    return _answer(
        found,
        lambda: enrollment.withdraw(current_user, found, now=utcnow()),
        gettext("You have withdrawn from %(title)s.", title=found.course.title),
    )


@bp.route("/courses/enrollments/<int:enrollment_id>/accept", methods=["POST"])
@permission_required("courses.apply")
def accept(enrollment_id: int):
    """Accept the offer of a freed seat."""
    found = load(CourseEnrollment, enrollment_id, "courses.apply")
    return _answer(
        found,
        lambda: waitlist.accept_offer(current_user, found, now=utcnow()),
        gettext("You have a seat on %(title)s.", title=found.course.title),
    )


@bp.route("/courses/enrollments/<int:enrollment_id>/decline", methods=["POST"])
@permission_required("courses.apply")
def decline(enrollment_id: int):
    """Turn down the offer of a freed seat; it passes to the next person waiting."""
    found = load(CourseEnrollment, enrollment_id, "courses.apply")
    return _answer(
        found,
        lambda: waitlist.decline_offer(current_user, found, now=utcnow()),
        gettext("You declined the seat. Thank you for letting us know."),
    )


@bp.route("/courses/check-in", methods=["POST"])
@permission_required("courses.apply")
def check_in():
    """Record one's own attendance with the code shown in the room."""
    form = CheckInForm()
    if form.validate_on_submit():
        checked: list[CourseSession] = []
        done = act(
            lambda: checked.append(attendance.check_in(current_user, form.code.data, now=utcnow())),
            success=None,
            then=url_for("courses.mine"),
            form=form,
        )
        if done is not None:
            if checked:
                title = checked[0].course.title
                flash(gettext("Your attendance at %(title)s is recorded.", title=title), "success")
            return done
    page = db.paginate(
        enrollment.my_enrollments_query(current_user), page=1, per_page=PER_PAGE, error_out=False
    )
    positions = waitlist.waitlist_positions(page.items)
    return (
        render_template(
            "courses/mine.html", page=page, positions=positions, form=form, now=utcnow()
        ),
        400,
    )


@bp.route("/courses/enrollments/<int:enrollment_id>/certificate.pdf")
@permission_required("courses.certificate")
def certificate(enrollment_id: int):
    """Download the certificate of a completed course."""
    found = load(CourseEnrollment, enrollment_id, "courses.certificate")
    issued = found.certificate
    if issued is None or not issued.is_valid:
        abort(404)
    course = found.course
    verify_url = absolute_url(
        url_for("courses.verify", code=certificates.display_code(issued.code))
    )
    dates = (
        format_date(course.starts_on, "long")
        if course.starts_on == course.ends_on
        else f"{format_date(course.starts_on, 'long')} – {format_date(course.ends_on, 'long')}"
    )
    hours = ""
    if course.ects is not None:
        hours = gettext("%(ects)s ECTS credits", ects=course.ects)
    elif course.hours:
        hours = ngettext("%(num)d hour", "%(num)d hours", course.hours)
    pdf = certificates.render_pdf(
        issued,
        verify_url=verify_url,
        dates=dates,
        issued=format_date(issued.issued_at, "long"),
        hours=hours,
    )
    response = Response(pdf, mimetype="application/pdf")
    filename = f"certificate-{course.id}-{found.id}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    log.info("user %s downloaded certificate %s", current_user.id, issued.id)
    return response
