"""The world tests/test_routes.py walks: one of everything a URL of the app can point at.

The teacher and the student belong to the world's school; the host, mentor, researcher,
coordinator and admin to the world's company, which owns the lab site and is the partner of the
activity. The mentor mentors the world's pupil, whose account is the student's. Besides one user
per role there are outsiders, with a role but outside the world's objects: a teacher of another
school, a host of another company, a mentor without the pairing and a pupil of another school.

Objects are made with the features' own services where those are simple to call, else with
their models. Routes that delete or end something get an object of their own (``doomed_*``),
so that the rest of the walk still finds what it needs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from flask import current_app

from talent.activities import services as activities
from talent.activities.models import ActivityKind
from talent.calendar import services as calendar
from talent.consents import links as consent_links
from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian
from talent.courses.models import AdmissionMode, Course, CourseFormat, CourseSession
from talent.courses.models import EnrollmentState as CourseEnrollmentState
from talent.courses.services import certificates
from talent.courses.services import enrollment as course_enrollment
from talent.courses.services.management import new_attendance_code
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring import links as mentoring_links
from talent.mentoring.models import (
    Concern,
    FeedbackStage,
    Goal,
    MenteeKind,
    MenteeProfile,
    MentoringProgramme,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
    PlannedSession,
    SessionMode,
)
from talent.people.models import Role
from talent.programmes.models import (
    EnrollmentState,
    Programme,
    ProgrammeEnrollment,
    ProgrammeTrack,
)
from talent.reminders.models import NotificationState
from talent.reminders.notices import send_test_message
from talent.rosters import services as rosters
from talent.visits.links import make_feedback_token
from talent.visits.models import LabSite, VisitSlot
from talent.visits.services import blackouts, booking
from talent.visits.services import requests as visit_requests

ANONYMOUS = "anonymous"
#: Outsiders: they have the role, but none of the world's objects are theirs.
OTHER_TEACHER = "teacher-elsewhere"
OTHER_HOST = "host-elsewhere"
OTHER_MENTOR = "mentor-elsewhere"
OTHER_STUDENT = "student-elsewhere"
OUTSIDERS = (OTHER_TEACHER, OTHER_HOST, OTHER_MENTOR, OTHER_STUDENT)
#: Everyone the walk logs in as (or not), in order.
IDENTITIES = (ANONYMOUS, *Role, *OUTSIDERS)

#: A roster file that can be saved, and one with a line in error (a date not in the calendar).
ROSTER = (
    "navn;fødselsdato;klasse;foresatt navn;foresatt e-post;foresatt telefon\n"
    "Emma Hansen;17.05.2010;2STA;Kari Hansen;kari@example.no;+47 912 34 567\n"
    "Nora Lie;02.01.2010;2STA;Lise Lie;lise@example.no;\n"
)
ROSTER_WITH_ERROR = ROSTER + "Ola Dahl;31.02.2010;2STA;;;\n"


def _course(now: datetime) -> Course:
    """A published first-come course with two sessions, open for enrollment now."""
    starts_on = (now + timedelta(days=10)).date()
    course = Course(
        title="Innovation course",
        summary="From idea to product.",
        language="en",
        format=CourseFormat.ON_SITE,
        location="Oslo Cancer Cluster Innovation Park",
        timezone="Europe/Oslo",
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=1),
        enrollment_opens_at=now - timedelta(days=1),
        enrollment_closes_at=now + timedelta(days=3),
        capacity=2,
        seats_taken=0,
        last_queue_number=0,
        admission_mode=AdmissionMode.FIRST_COME,
        eligible_roles=[],
        eligible_kinds=[],
        is_published=True,
        created_at=now,
        updated_at=now,
        partners=[],
    )
    db.session.add(course)
    db.session.flush()
    for number in range(2):
        day = starts_on + timedelta(days=number)
        starts_at = datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)
        db.session.add(
            CourseSession(
                course=course,
                title=f"Session {number + 1}",
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=3),
                attendance_code=new_attendance_code(),
            )
        )
    db.session.flush()
    return course


def _mentor_profile(user, organization) -> MentorProfile:
    profile = MentorProfile(
        user=user,
        organization=organization,
        expertise=["oncology"],
        languages=["nb", "en"],
        capacity=3,
        open_pairings=0,
        police_certificate_on=date(2025, 1, 10),
        police_certificate_expires_on=date(2030, 1, 10),
        safeguarding_training_on=date(2025, 2, 1),
        code_of_conduct_accepted_on=date(2025, 2, 1),
    )
    db.session.add(profile)
    db.session.flush()
    return profile


def _pairing(mentor: MentorProfile, mentee: MenteeProfile, programme, today: date) -> Pairing:
    starts_on = today - timedelta(days=10)
    pairing = Pairing(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        state=PairingState.ACTIVE,
        starts_on=starts_on,
        planned_end_on=starts_on + timedelta(days=270),
        cadence_days=21,
        cadence_from=starts_on,
        proposed_at=utcnow() - timedelta(days=12),
        respond_by=utcnow() - timedelta(days=7),
        responded_at=utcnow() - timedelta(days=11),
    )
    mentor.open_pairings += 1
    db.session.add(pairing)
    db.session.flush()
    return pairing


def _roster_import(teacher, school, text: str, now):
    found = rosters.start_import(
        teacher,
        school,
        school_year=2026,
        filename="2sta.csv",
        data=text.encode(),
        max_bytes=1024 * 1024,
        now=now,
    )
    rosters.check_all(found, now=now)
    return found


def build_world(make) -> SimpleNamespace:
    now = utcnow()
    today = now.date()
    w = SimpleNamespace(now=now)

    # People and organisations ------------------------------------------------------------------
    w.school = make.school("Ullern videregående skole")
    w.other_school = make.school("Oslo katedralskole")
    w.company = make.organization("Nordic Nanovector")
    w.other_company = make.organization("Oncoinvent")
    w.school_class = make.school_class(w.school, "2STA")
    other_class = make.school_class(w.other_school, "1STB")
    w.users = {}
    for role in Role:
        organization = w.school if role in (Role.TEACHER, Role.STUDENT) else w.company
        w.users[role] = make.user(role, organization=organization, email=f"{role}@example.org")
    w.users[OTHER_TEACHER] = make.user(
        Role.TEACHER, organization=w.other_school, email="other-teacher@example.org"
    )
    w.users[OTHER_HOST] = make.user(
        Role.HOST, organization=w.other_company, email="other-host@example.org"
    )
    w.users[OTHER_MENTOR] = make.user(
        Role.MENTOR, organization=w.other_company, email="other-mentor@example.org"
    )
    w.users[OTHER_STUDENT] = make.user(
        Role.STUDENT, organization=w.other_school, email="other-student@example.org"
    )
    w.victim = make.user(Role.RESEARCHER, organization=w.company, email="victim@example.org")
    feed_owner = make.user(Role.RESEARCHER, organization=w.company, email="feed@example.org")
    teacher, coordinator = w.users[Role.TEACHER], w.users[Role.COORDINATOR]

    # Pupils: the world's pupil has the student's account and is the mentor's mentee.
    w.pupil = make.student(w.school_class, "Emma Hansen", user=w.users[Role.STUDENT])
    classmates = [make.student(w.school_class, f"Pupil {n:02d}") for n in range(1, 6)]
    w.doomed_pupil = make.student(w.school_class, "Jonas Berg")
    make.student(other_class, "Other Pupil", user=w.users[OTHER_STUDENT])

    # Reminders, the ledger and the calendar feed ---------------------------------------------
    w.inbox = {}
    for identity, user in w.users.items():
        notification = send_test_message(user, now=now)
        notification.inbox_at = now
        w.inbox[identity] = notification
    w.failed_delivery = send_test_message(feed_owner, now=now - timedelta(minutes=1))
    w.failed_delivery.state = NotificationState.FAILED
    w.doomed_delivery = send_test_message(feed_owner, now=now - timedelta(minutes=2))
    w.feed_token = calendar.replace_feed(feed_owner, now=now).token

    # Courses -----------------------------------------------------------------------------------
    w.course = _course(now)
    w.enrollment = course_enrollment.enroll(w.victim, w.course, now=now)
    w.certified_enrollment = course_enrollment.enroll(feed_owner, w.course, now=now)
    w.certified_enrollment.state = CourseEnrollmentState.COMPLETED  # certificates are for these
    w.certificate_code = certificates.display_code(
        certificates.issue_certificate(w.certified_enrollment, now=now).code
    )

    # Lab visits: the company's site and slot, a booking of the class, a request, blackouts.
    w.site = LabSite(organization_id=w.company.id, name="Cell lab", capacity=40)
    db.session.add(w.site)
    db.session.flush()
    starts_at = (now + timedelta(days=14)).replace(hour=9, minute=0, second=0, microsecond=0)
    w.slot = VisitSlot(
        site=w.site,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=30,
        persons_booked=0,
        topic="Cancer cells under the microscope",
        host_contact=w.users[Role.HOST],
    )
    db.session.add(w.slot)
    db.session.flush()
    pupils = [w.pupil, *classmates[:2]]
    w.visit = booking.book_visit(
        teacher,
        w.slot,
        school_class=w.school_class,
        teacher=teacher,
        pupils=pupils,
        pupils_count=len(pupils),
        adults_count=1,
        now=now,
    )
    w.checklist_kind = w.visit.checklist[0].kind.value
    w.feedback_token = make_feedback_token(w.visit.id, student_id=w.pupil.id)
    w.visit_request, w.doomed_request = (
        visit_requests.post_request(
            teacher,
            school_class=w.school_class,
            teacher=teacher,
            topic=topic,
            pupils_count=3,
            adults_count=1,
            earliest_on=today + timedelta(days=20),
            latest_on=today + timedelta(days=40),
            now=now,
        )
        for topic in ("Gene editing", "Radiation therapy")
    )
    w.doomed_blackout, _ = blackouts.add_blackout(
        teacher,
        w.school,
        starts_on=today + timedelta(days=60),
        ends_on=today + timedelta(days=65),
        reason="Winter holiday",
        now=now,
    )

    # Activities: a guest lecture by the company at the school ----------------------------------
    w.activity, w.doomed_activity = (
        activities.save_activity(
            teacher,
            None,
            kind=ActivityKind.GUEST_LECTURE,
            title=title,
            school=w.school,
            partner=w.company,
            contact_name="Lecturer",
            starts_on=today - timedelta(days=3),
            ends_on=today - timedelta(days=3),
            hours=1.5,
            report="",
            pupils=[w.pupil],
            now=now,
        )
        for title in ("Immunotherapy", "Recorded by mistake")
    )

    # Mentoring: the mentor mentors the pupil; a second pairing is for completing ---------------
    w.mentoring_programme = MentoringProgramme(
        name="Talent mentoring", safeguarding_lead=coordinator
    )
    db.session.add(w.mentoring_programme)
    db.session.flush()
    w.mentor_profile = _mentor_profile(w.users[Role.MENTOR], w.company)
    _mentor_profile(w.users[OTHER_MENTOR], w.other_company)
    w.mentee = MenteeProfile(kind=MenteeKind.PUPIL, student=w.pupil, interests=[], languages=["nb"])
    closing_mentee = MenteeProfile(
        kind=MenteeKind.PUPIL, student=classmates[0], interests=[], languages=["nb"]
    )
    db.session.add_all([w.mentee, closing_mentee])
    db.session.flush()
    w.pairing = _pairing(w.mentor_profile, w.mentee, w.mentoring_programme, today)
    w.closing_pairing = _pairing(w.mentor_profile, closing_mentee, w.mentoring_programme, today)
    w.goal = Goal(pairing=w.pairing, title="Write a research question")
    w.planned, w.doomed_planned = (
        PlannedSession(pairing=w.pairing, starts_at=now + timedelta(days=days), mode=mode)
        for days, mode in ((3, SessionMode.VIDEO), (5, SessionMode.ON_SITE))
    )
    w.concern = Concern(pairing=w.pairing, summary="Worry", lead_id=coordinator.id)
    w.mentoring_session = MentoringSession(
        pairing=w.pairing,
        held_on=today - timedelta(days=2),
        duration_minutes=60,
        mode=SessionMode.VIDEO,
    )
    w.pairing.last_session_on = w.mentoring_session.held_on
    db.session.add_all([w.goal, w.planned, w.doomed_planned, w.concern, w.mentoring_session])
    db.session.flush()
    secret = current_app.config["SECRET_KEY"]
    w.confirm_token = mentoring_links.make_confirm_token(secret, w.mentoring_session)
    w.mentoring_feedback_token = mentoring_links.make_feedback_token(
        secret, w.pairing, FeedbackStage.MID
    )

    # Guardians and consents of the pupil --------------------------------------------------------
    w.guardian, w.linked_guardian, w.doomed_guardian = (
        Guardian(student=w.pupil, name=name, email=f"{name.split()[0].lower()}@example.no")
        for name in ("Kari Hansen", "Per Hansen", "Old Address")
    )
    db.session.add_all([w.guardian, w.linked_guardian, w.doomed_guardian])
    db.session.flush()
    w.consent = Consent(
        student=w.pupil,
        kind=ConsentKind.LAB_VISITS,
        guardian=w.guardian,
        given_by=w.guardian.name,
        given_at=now - timedelta(days=5),
        method=ConsentMethod.PAPER,
        expires_on=today + timedelta(days=200),
    )
    db.session.add(w.consent)
    db.session.flush()
    w.consent_token = consent_links.make_token(w.linked_guardian, teacher.id)

    # A talent programme of the school with the pupil as an applicant ---------------------------
    w.programme = Programme(
        name="Young researchers",
        school_year=today.year if today.month >= 8 else today.year - 1,
        school=w.school,
        capacity=10,
        places_taken=0,
        tracks=[ProgrammeTrack(name="Natural science")],
    )
    db.session.add(w.programme)
    db.session.flush()
    w.programme_enrollment = ProgrammeEnrollment(
        programme=w.programme, student=w.pupil, state=EnrollmentState.APPLIED, applied_at=now
    )
    db.session.add(w.programme_enrollment)
    db.session.flush()

    # Roster imports: one with an error to look at, one to save and one to discard -------------
    w.roster_import, w.saved_import, w.discarded_import = (
        _roster_import(teacher, w.school, text, now) for text in (ROSTER_WITH_ERROR, ROSTER, ROSTER)
    )

    db.session.commit()
    return w
