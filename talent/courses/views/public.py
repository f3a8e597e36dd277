"""Pages anyone may see: the catalogue (HTML, JSON, iCalendar), a course, and certificate
verification."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Response, abort, jsonify, render_template, request, url_for
from flask_babel import gettext

from talent.auth import policy
from talent.auth.guards import public
from talent.courses.forms import FORMAT_LABELS, CatalogueFilterForm, CheckInForm, VerifyForm
from talent.courses.services import catalogue, certificates, enrollment, management, waitlist
from talent.courses.views.common import absolute_url, bp, signed_in_user
from talent.db import utcnow
from talent.extensions import db
from talent.i18n import local_zone
from talent.web.paging import page_number

#: The most courses one JSON or iCalendar answer holds.
FEED_LIMIT = 500
#: Cards per catalogue page: whole rows in the two- and three-column layouts.
CATALOGUE_PER_PAGE = 12


def _filtered_query(now):
    today = now.astimezone(local_zone()).date()
    form = CatalogueFilterForm(request.args, partners=catalogue.partner_options(today=today))
    form.validate()
    query = catalogue.catalogue_query(
        today=today,
        now=now,
        search=form.value("q") or "",
        format=form.value("format"),
        language=form.value("language"),
        partner_id=form.value("partner"),
        open_only=bool(form.value("open")),
    )
    return form, query


@bp.route("/courses")
@public
def index():
    """List upcoming courses with seats left; search and filter them."""
    now = utcnow()
    form, query = _filtered_query(now)
    page = db.paginate(
        catalogue.for_cards(query),
        page=page_number(),
        per_page=CATALOGUE_PER_PAGE,
        error_out=False,
    )
    user = signed_in_user()
    mine = (
        catalogue.my_enrollment_states(user, page.items)
        if policy.has_permission(user, "courses.apply")
        else {}
    )
    return render_template(
        "courses/catalogue.html",
        form=form,
        page=page,
        partners=catalogue.partner_names(page.items),
        sessions=catalogue.session_lines(page.items),
        mine=mine,
        now=now,
    )


@bp.route("/courses.json")
@public
def catalogue_json():
    """The catalogue (with the same filters) as JSON."""
    now = utcnow()
    _form, query = _filtered_query(now)
    courses = db.session.scalars(catalogue.for_feeds(query).limit(FEED_LIMIT)).all()
    documents = [
        catalogue.course_document(
            course,
            url=absolute_url(url_for("courses.course", course_id=course.id)),
            now=now,
            labels={"format": str(FORMAT_LABELS[course.format])},
        )
        for course in courses
    ]
    return jsonify({"generated_at": now.isoformat(), "courses": documents})


@bp.route("/courses.ics")
@public
def catalogue_ics():
    """The sessions of the catalogue's courses as an iCalendar feed."""
    now = utcnow()
    _form, query = _filtered_query(now)
    courses = db.session.scalars(catalogue.for_feeds(query).limit(FEED_LIMIT)).all()
    body = catalogue.catalogue_calendar(
        courses,
        course_url=lambda course: absolute_url(url_for("courses.course", course_id=course.id)),
        domain=urlsplit(absolute_url("/")).hostname or "talent.invalid",
        name=gettext("School of Health Innovation"),
    )
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="courses.ics"'
    return response


@bp.route("/courses/<int:course_id>")
@public
def course(course_id: int):
    """A course with its sessions and seats left, and what the visitor can do about it."""
    found = catalogue.load_course(course_id)
    user = signed_in_user()
    if found is None or not (found.is_published or policy.can(user, "courses.manage", found)):
        abort(404)
    now = utcnow()
    mine = position = problem = None
    if policy.has_permission(user, "courses.apply"):
        mine = enrollment.latest_enrollment(user, found)
        position = waitlist.waitlist_position(mine) if mine is not None else None
        if mine is None or not mine.state.is_live:
            problem = management.eligibility_problem(user, found)
    return render_template(
        "courses/course.html",
        course=found,
        mine=mine,
        position=position,
        problem=problem,
        now=now,
        check_in_form=CheckInForm(),
    )


@bp.route("/certificates/verify")
@public
def verify():
    """Check a certificate's verification code; anyone may."""
    form = VerifyForm(request.args)
    form.validate()
    code = form.value("code")
    certificate = certificates.find_certificate(code) if code else None
    status = 404 if code and certificate is None else 200
    return (
        render_template(
            "courses/verify.html", form=form, certificate=certificate, checked=bool(code)
        ),
        status,
    )
