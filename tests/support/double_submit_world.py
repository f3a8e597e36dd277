"""Changes to the world that put its objects into the state a route's change applies to (an
offered seat to accept, a proposed pairing to decline), and dates as a user types them."""

from __future__ import annotations

from datetime import timedelta

from talent.calendar import services as calendar
from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.courses.models import AdmissionMode
from talent.courses.models import EnrollmentState as CourseEnrollmentState
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.models import ConcernStatus, PairingState
from talent.people.models import Role
from talent.programmes.models import EnrollmentState as ProgrammeEnrollmentState
from talent.visits.models import VisitSlot
from tests import factories
from tests.support.clock import platform_today


def offer_seat(w):
    w.enrollment.state = CourseEnrollmentState.OFFERED
    w.enrollment.offer_expires_at = utcnow() + timedelta(days=2)


def free_seats(w):
    w.course.capacity = 5


def selection_course(w):
    w.course.admission_mode = AdmissionMode.SELECTION


def course_session_now(w):
    session = w.course.sessions[0]
    session.starts_at, session.ends_at = (
        utcnow() - timedelta(minutes=10),
        utcnow() + timedelta(hours=2),
    )


def propose_pairing(w):
    w.pairing.state = PairingState.PROPOSED
    w.pairing.respond_by = utcnow() + timedelta(days=5)
    w.pairing.responded_at = None


def pause_pairing(w):
    w.pairing.state = PairingState.PAUSED


def close_concern(w):
    w.concern.status = ConcernStatus.CLOSED
    w.concern.closed_at = utcnow()


def add_consent(pupil, kind, guardian):
    db.session.add(
        Consent(
            student=pupil,
            kind=kind,
            guardian=guardian,
            given_by=guardian.name,
            given_at=utcnow() - timedelta(days=5),
            method=ConsentMethod.PAPER,
            expires_on=utcnow().date() + timedelta(days=200),
        )
    )


def consent_to_the_visit(w):
    for participant in w.visit.participants:
        if participant.student is not w.pupil:
            add_consent(participant.student, ConsentKind.LAB_VISITS, w.guardian)


def consent_to_the_programme(w):
    add_consent(w.pupil, ConsentKind.PROGRAMME, w.guardian)


def active_programme_enrollment(w):
    w.programme_enrollment.state = ProgrammeEnrollmentState.ACTIVE
    w.programme.places_taken = 1


def add_slot(w, starts_at):
    w.other_slot = VisitSlot(
        site=w.site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=30,
        persons_booked=0,
        topic="Cells again",
        host_contact=w.users[Role.HOST],
    )
    db.session.add(w.other_slot)


def another_slot(w):
    add_slot(w, w.slot.starts_at + timedelta(days=1))


def slot_in_the_request_window(w):
    add_slot(w, (utcnow() + timedelta(days=25)).replace(hour=9, minute=0, second=0, microsecond=0))


def another_class(w):
    w.other_class = factories.school_class(w.school, "3STA")
    w.other_pupil = factories.student(w.other_class, "Ola Nordmann")


def deactivate_victim(w):
    w.victim.is_active = False


def teacher_feed(w):
    calendar.replace_feed(w.users[Role.TEACHER], now=utcnow())


def day(days: int) -> str:
    return (platform_today() + timedelta(days=days)).isoformat()


def moment(days: int, hour: int = 10) -> str:
    return f"{day(days)}T{hour:02d}:00"
