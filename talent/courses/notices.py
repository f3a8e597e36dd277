"""The one place courses talk to the reminder engine (talent.reminders).

Every function here is called inside the business transaction; it only writes notification
rows, and the scheduler delivers them after the commit. Reminders: the enrollment window
closing (to people with an unsent application), each session 24 hours before, an offer's
deadline approaching. Notices: an offer, a selection decision, a certificate, and a
coordinator's message to the participants.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.courses.models import (
    Certificate,
    Course,
    CourseEnrollment,
    CourseSession,
    EnrollmentState,
)
from talent.extensions import db
from talent.reminders import services as engine
from talent.reminders.kinds import Kind
from talent.reminders.models import Category

log = logging.getLogger(__name__)

WINDOW_CLOSING = "courses.window_closing"
SESSION_SOON = "courses.session_soon"
OFFER = "courses.offer"
OFFER_DEADLINE = "courses.offer_deadline"
DECISION = "courses.decision"
CERTIFICATE = "courses.certificate"
MESSAGE = "courses.message"

#: How long before the event each reminder goes out.
WINDOW_LEAD = timedelta(hours=48)
SESSION_LEAD = timedelta(hours=24)
OFFER_LEAD = timedelta(hours=12)


def _to_course(notification):
    return "courses.course", {"course_id": notification.context["course_id"]}


#: The notification kinds this module defines; its feature registers them (feature.py).
KINDS: list[Kind] = []


def _register(name, label, subject, body, model, relevant=None, link=_to_course) -> None:
    KINDS.append(Kind(name, Category.COURSES, label, subject, body, link, model, relevant))


def _in_state(*states: EnrollmentState):
    return lambda enrollment: enrollment.state in states


_register(
    WINDOW_CLOSING,
    _l("Course application not sent"),
    _l("Send your application for %(course)s"),
    _l(
        "Applications for %(course)s close on %(closes_at)s, and yours is not sent yet.\n\n"
        "Open the course to finish and send it."
    ),
    CourseEnrollment,
    _in_state(EnrollmentState.DRAFT),
    link=lambda n: ("courses.apply", {"course_id": n.context["course_id"]}),
)
_register(
    SESSION_SOON,
    _l("Course session soon"),
    _l("%(course)s: %(session)s tomorrow"),
    _l("Your session of %(course)s starts on %(starts_at)s. Place: %(place)s"),
    CourseSession,
)
_register(
    OFFER,
    _l("Course seat offered"),
    _l("A seat on %(course)s is free for you"),
    _l(
        "A seat has freed on %(course)s, and you are first in line.\n\n"
        "Accept it by %(expires_at)s, or it passes to the next person."
    ),
    CourseEnrollment,
    _in_state(EnrollmentState.OFFERED),
)
_register(
    OFFER_DEADLINE,
    _l("Course offer deadline"),
    _l("Your seat on %(course)s: answer by %(expires_at)s"),
    _l("The seat offered to you on %(course)s passes to the next person at %(expires_at)s."),
    CourseEnrollment,
    _in_state(EnrollmentState.OFFERED),
)
_register(
    DECISION,
    _l("Course application decided"),
    _l("Your application for %(course)s"),
    lambda values: {
        "confirmed": _l("You are admitted to %(course)s. Welcome!", **values),
        "waitlisted": _l(
            "You are admitted to %(course)s, but it is full: you are on the waitlist and hear "
            "from us when a seat frees.",
            **values,
        ),
    }.get(
        values.get("state"),
        _l("We are sorry: there was no seat for you on %(course)s this time.", **values),
    ),
    CourseEnrollment,
)
_register(
    CERTIFICATE,
    _l("Course certificate"),
    _l("Your certificate for %(course)s is ready"),
    _l("You have completed %(course)s. Download your certificate from the course page."),
    Certificate,
    lambda certificate: certificate.is_valid,
)
_register(
    MESSAGE,
    _l("Message from a course coordinator"),
    _l("%(course)s: %(subject)s"),
    _l("%(body)s"),
    Course,
)


def _course_context(course: Course) -> dict:
    return {"course": course.title, "course_id": course.id}


def _session_context(session: CourseSession) -> dict:
    return {
        **_course_context(session.course),
        "session": session.title or session.course.title,
        "starts_at": session.starts_at,
        "place": session.place,
    }


def _remind_of_session(session: CourseSession, enrollment: CourseEnrollment, now) -> None:
    engine.schedule(
        enrollment.user,
        SESSION_SOON,
        session,
        now=now,
        event_at=session.starts_at,
        lead=SESSION_LEAD,
        context=_session_context(session),
        zone=session.course.timezone,
    )


def application_started(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Remind an applicant who has not sent their application before the window closes."""
    course = enrollment.course
    engine.schedule(
        enrollment.user,
        WINDOW_CLOSING,
        enrollment,
        now=now,
        event_at=course.enrollment_closes_at,
        lead=WINDOW_LEAD,
        context={**_course_context(course), "closes_at": course.enrollment_closes_at},
        zone=course.timezone,
    )


def application_sent(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Cancel the window-closing reminder of a sent application."""
    engine.cancel_for(enrollment, now=now, kinds=(WINDOW_CLOSING,), reason="Application sent.")


def enrollment_window_changed(course: Course, *, now: datetime) -> None:
    """Move the window-closing reminders of the course's unsent applications."""
    drafts = db.session.scalars(
        sa.select(CourseEnrollment).where(
            CourseEnrollment.course_id == course.id,
            CourseEnrollment.state == EnrollmentState.DRAFT,
        )
    )
    for draft in drafts:
        engine.reschedule_for(
            draft,
            event_at=course.enrollment_closes_at,
            now=now,
            context={"closes_at": course.enrollment_closes_at},
            kinds=(WINDOW_CLOSING,),
            zone=course.timezone,
        )


def seat_confirmed(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Remind the participant 24 hours before each session."""
    for session in enrollment.course.sessions:
        _remind_of_session(session, enrollment, now)


def decided(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Tell an applicant the coordinator's decision: a seat, the waitlist, or no."""
    engine.notify(
        enrollment.user,
        DECISION,
        enrollment,
        now=now,
        context={**_course_context(enrollment.course), "state": enrollment.state.value},
    )


def enrollment_ended(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Cancel everything still pending for a person who left the course."""
    reason = f"Enrollment {enrollment.state.value}."
    engine.cancel_for(enrollment, now=now, kinds=(WINDOW_CLOSING, OFFER_DEADLINE), reason=reason)
    for session in enrollment.course.sessions:
        engine.cancel_for(
            session, now=now, kinds=(SESSION_SOON,), recipient=enrollment.user, reason=reason
        )


def offer_made(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Tell the person of the offer now, and again before its deadline."""
    context = {
        **_course_context(enrollment.course),
        "expires_at": enrollment.offer_expires_at,
    }
    engine.notify(enrollment.user, OFFER, enrollment, now=now, context=context)
    if enrollment.offer_expires_at - OFFER_LEAD > now + timedelta(hours=1):
        engine.schedule(
            enrollment.user,
            OFFER_DEADLINE,
            enrollment,
            now=now,
            event_at=enrollment.offer_expires_at,
            lead=OFFER_LEAD,
            context=context,
            zone=enrollment.course.timezone,
        )


def offer_closed(enrollment: CourseEnrollment, *, now: datetime) -> None:
    """Cancel the deadline reminder of an offer that was answered or lapsed."""
    engine.cancel_for(
        enrollment, now=now, kinds=(OFFER, OFFER_DEADLINE), reason=f"Offer {enrollment.state}."
    )


def session_planned(
    session: CourseSession, participants: list[CourseEnrollment], *, now: datetime
) -> None:
    """Remind the participants 24 hours before a new or moved session."""
    engine.reschedule_for(
        session,
        event_at=session.starts_at,
        now=now,
        context=_session_context(session),
        kinds=(SESSION_SOON,),
        zone=session.course.timezone,
    )
    for enrollment in participants:
        _remind_of_session(session, enrollment, now)


def session_removed(session: CourseSession, *, now: datetime) -> None:
    engine.cancel_for(session, now=now, reason="Session removed.")


def certificate_ready(certificate: Certificate, *, now: datetime) -> None:
    enrollment = certificate.enrollment
    engine.notify(
        enrollment.user,
        CERTIFICATE,
        certificate,
        now=now,
        context=_course_context(enrollment.course),
        discriminator=certificate.issued_at.isoformat(),
    )


def message_sent(
    course: Course,
    recipients: list[CourseEnrollment],
    *,
    subject: str,
    body: str,
    key: str,
    now: datetime,
) -> None:
    """E-mail (and show in-app) a coordinator's message to each participant, once per key."""
    context = {**_course_context(course), "subject": subject, "body": body}
    for enrollment in recipients:
        engine.notify(
            enrollment.user, MESSAGE, course, now=now, context=context, discriminator=key[:64]
        )
    log.info("course %s: message %s to %d participant(s)", course.id, key, len(recipients))
