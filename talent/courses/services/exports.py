"""The rows of a course's roster, waitlist, applications and attendance CSV files.

``talent.web.csv_export`` writes them (delimiter, BOM, cells a spreadsheet would run).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from talent.courses.models import Course, CourseEnrollment, EnrollmentState
from talent.courses.services import attendance
from talent.courses.services.certificates import display_code
from talent.extensions import db

EXPORTS = ("roster", "waitlist", "applications", "attendance")


def _iso(moment) -> str:
    return moment.isoformat(timespec="minutes") if moment is not None else ""


def _organization(enrollment: CourseEnrollment) -> str:
    return enrollment.organization.name if enrollment.organization is not None else ""


def waitlist_query(course: Course) -> sa.Select:
    """Open offers first (by deadline), then the waitlist in line order."""
    waiting = sa.case((CourseEnrollment.state == EnrollmentState.OFFERED, 0), else_=1)
    return (
        sa.select(CourseEnrollment)
        .where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.state.in_((EnrollmentState.OFFERED, EnrollmentState.WAITLISTED)),
        )
        .options(selectinload(CourseEnrollment.user), selectinload(CourseEnrollment.organization))
        .order_by(waiting, CourseEnrollment.offer_expires_at, CourseEnrollment.queue_number)
    )


def applications_query(course: Course, *, state: EnrollmentState | None = None) -> sa.Select:
    """Sent applications, best score first, then oldest first."""
    query = (
        sa.select(CourseEnrollment)
        .where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.state != EnrollmentState.DRAFT,
            CourseEnrollment.submitted_at.is_not(None),
        )
        .options(selectinload(CourseEnrollment.user), selectinload(CourseEnrollment.organization))
        .order_by(
            CourseEnrollment.score.is_(None),
            CourseEnrollment.score.desc(),
            CourseEnrollment.submitted_at,
            CourseEnrollment.id,
        )
    )
    if state is not None:
        query = query.where(CourseEnrollment.state == state)
    return query


def roster_rows(course: Course) -> list[list]:
    participants = list(db.session.scalars(attendance.participants_query(course)))
    counts = attendance.attended_counts(e.id for e in participants)
    sessions = attendance.session_count(course)
    header = [
        _l("Name"),
        _l("E-mail"),
        _l("Organisation"),
        _l("Status"),
        _l("Sessions attended"),
        _l("Sessions"),
        _l("Certificate"),
    ]
    rows = [[str(h) for h in header]]
    for e in participants:
        certificate = e.certificate
        rows.append(
            [
                e.user.name,
                e.user.email,
                _organization(e),
                str(e.state.label),
                counts.get(e.id, 0),
                sessions,
                display_code(certificate.code) if certificate and certificate.is_valid else "",
            ]
        )
    return rows


def waitlist_rows(course: Course) -> list[list]:
    header = [
        _l("Position"),
        _l("Name"),
        _l("E-mail"),
        _l("Organisation"),
        _l("Status"),
        _l("Waiting since"),
        _l("Offer expires"),
    ]
    rows = [[str(h) for h in header]]
    position = 0
    for e in db.session.scalars(waitlist_query(course)):
        if e.state is EnrollmentState.WAITLISTED:
            position += 1
        rows.append(
            [
                position if e.state is EnrollmentState.WAITLISTED else "",
                e.user.name,
                e.user.email,
                _organization(e),
                str(e.state.label),
                _iso(e.waitlisted_at),
                _iso(e.offer_expires_at),
            ]
        )
    return rows


def application_rows(course: Course) -> list[list]:
    header = [
        _l("Name"),
        _l("E-mail"),
        _l("Organisation"),
        _l("Sent"),
        _l("Score"),
        _l("Status"),
        _l("Motivation"),
    ]
    rows = [[str(h) for h in header]]
    for e in db.session.scalars(applications_query(course)):
        rows.append(
            [
                e.user.name,
                e.user.email,
                _organization(e),
                _iso(e.submitted_at),
                "" if e.score is None else e.score,
                str(e.state.label),
                e.motivation,
            ]
        )
    return rows


def attendance_rows(course: Course) -> list[list]:
    participants = list(db.session.scalars(attendance.participants_query(course)))
    marks = attendance.attendance_marks(e.id for e in participants)
    sessions = list(course.sessions)
    header = [str(_l("Name")), str(_l("E-mail"))]
    header += [f"{_iso(s.starts_at)} {s.title}".strip() for s in sessions]
    rows = [header]
    for e in participants:
        rows.append(
            [e.user.name, e.user.email] + ["x" if (e.id, s.id) in marks else "" for s in sessions]
        )
    return rows


def export_rows(course: Course, kind: str) -> list[list]:
    builders = {
        "roster": roster_rows,
        "waitlist": waitlist_rows,
        "applications": application_rows,
        "attendance": attendance_rows,
    }
    return builders[kind](course)
