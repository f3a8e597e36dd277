"""A small world whose report numbers were counted by hand (see the tests for the counts).

This school year is 2025/26, the previous one 2024/25. Pupils of Ullern: p1–p6 and z (p6 is
erased; z only ever appears where nothing counts: a cancelled visit, a declined pairing, a
withdrawn enrollment). Pupils of Hauge: q1, q2. Hosts: the company and the hospital.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from talent.activities.models import Activity, ActivityKind, ActivityParticipant
from talent.courses.models import Course, CourseEnrollment
from talent.courses.models import EnrollmentState as CourseState
from talent.extensions import db
from talent.mentoring.models import (
    FeedbackSide,
    FeedbackStage,
    MenteeKind,
    MenteeProfile,
    MentoringProgramme,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingFeedback,
    PairingState,
    SessionMode,
)
from talent.people.models import OrganizationKind, Role
from talent.programmes.models import (
    AlumniOutcome,
    EnrollmentState,
    FieldOfStudy,
    Programme,
    ProgrammeEnrollment,
)
from talent.visits.models import (
    LabSite,
    LabVisit,
    VisitFeedback,
    VisitParticipant,
    VisitSlot,
    VisitState,
)
from tests import factories

YEAR = 2025


def _at(year, month, day, hour=10, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def build(tag: str = "") -> SimpleNamespace:
    """Make the world; ``tag`` makes a second, independent copy with other names."""
    w = SimpleNamespace()
    w.ullern = factories.school(f"Ullern{tag}")
    w.hauge = factories.school(f"Hauge{tag}")
    w.company = factories.organization(f"Nordic Nanovector{tag}", OrganizationKind.COMPANY)
    w.hospital = factories.organization(f"Radiumhospitalet{tag}", OrganizationKind.HOSPITAL)
    teacher = factories.user(Role.TEACHER, organization=w.ullern)
    ullern_class = factories.school_class(w.ullern, "2STA", school_year=YEAR)
    hauge_class = factories.school_class(w.hauge, "1STA", school_year=YEAR)
    p = {n: factories.student(ullern_class, f"p{n}{tag}") for n in range(1, 7)}
    p[6].erased_at = _at(2026, 7, 1)
    z = factories.student(ullern_class, f"z{tag}")
    q1 = factories.student(hauge_class, f"q1{tag}")
    q2 = factories.student(hauge_class, f"q2{tag}")
    w.pupils = {**{f"p{n}": s for n, s in p.items()}, "z": z, "q1": q1, "q2": q2}

    sites = {
        "company": LabSite(organization=w.company, name="Cell lab", capacity=40),
        "hospital": LabSite(organization=w.hospital, name="Proton lab", capacity=40),
    }
    db.session.add_all(sites.values())

    def visit(site, starts_at, school_class, state, participants=()):
        slot = VisitSlot(
            site=sites[site],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            capacity=40,
            topic="Cells",
        )
        lab_visit = LabVisit(
            slot=slot,
            school_id=school_class.school_id,
            school_class_id=school_class.id,
            teacher_id=teacher.id,
            pupils_count=max(len(participants), 1),
            adults_count=1,
            state=state,
        )
        db.session.add_all([slot, lab_visit])
        db.session.flush()
        for pupil, attended in participants:
            db.session.add(
                VisitParticipant(visit_id=lab_visit.id, student_id=pupil.id, attended=attended)
            )
        return lab_visit

    w.v1 = visit(
        "company",
        _at(2025, 10, 1),
        ullern_class,
        VisitState.COMPLETED,
        [(p[1], True), (p[2], False), (p[3], None)],
    )
    visit(
        "hospital",
        _at(2026, 3, 1),
        ullern_class,
        VisitState.COMPLETED,
        [(p[1], True), (p[6], True)],
    )
    w.v3 = visit("company", _at(2026, 4, 1), ullern_class, VisitState.CANCELLED, [(z, None)])
    visit("company", _at(2026, 5, 1), hauge_class, VisitState.NO_SHOW, [(q1, False)])
    visit("hospital", _at(2026, 5, 2), hauge_class, VisitState.DECLINED, [(q2, None)])
    # 00:30 on 1 August 2025 in Oslo: the first minutes of 2025/26.
    visit("company", _at(2025, 7, 31, 22, 30), hauge_class, VisitState.COMPLETED, [(q2, True)])
    # 23:30 on 31 July 2025 in Oslo: the last hour of 2024/25.
    w.v7 = visit(
        "company", _at(2025, 7, 31, 21, 30), ullern_class, VisitState.COMPLETED, [(p[5], True)]
    )
    visit("hospital", _at(2024, 11, 1), ullern_class, VisitState.CANCELLED, [(p[4], None)])

    def activity(school, partner, starts_on, hours, pupils):
        item = Activity(
            kind=ActivityKind.GUEST_LECTURE,
            title="Lecture",
            school_id=school.id,
            partner_id=partner.id,
            starts_on=starts_on,
            ends_on=starts_on,
            hours=hours,
        )
        db.session.add(item)
        db.session.flush()
        for pupil in pupils:
            db.session.add(ActivityParticipant(activity_id=item.id, student_id=pupil.id))

    activity(w.ullern, w.hospital, date(2025, 9, 10), 2.5, [p[1], p[4]])
    activity(w.hauge, w.company, date(2026, 7, 15), 3, [q1])  # July: still 2025/26
    activity(w.ullern, w.company, date(2026, 8, 1), 4, [p[5]])  # 2026/27
    activity(w.ullern, w.company, date(2025, 6, 1), 1, [p[5], p[6]])  # 2024/25

    w.programme = Programme(name=f"Ullern talent programme{tag}", school_year=YEAR, capacity=20)
    w.old_programme = Programme(
        name=f"Ullern talent programme{tag}", school_year=YEAR - 1, capacity=20
    )
    db.session.add_all([w.programme, w.old_programme])
    db.session.flush()
    F = FieldOfStudy
    for pupil, state, start, end in (
        (p[1], EnrollmentState.COMPLETED, F.OTHER, F.MEDICINE),
        (p[2], EnrollmentState.COMPLETED, F.MEDICINE, F.MEDICINE),
        (z, EnrollmentState.WITHDRAWN, F.UNDECIDED, F.NATURAL_SCIENCES),
        (p[4], EnrollmentState.ACTIVE, F.TECHNOLOGY, None),
        (p[6], EnrollmentState.COMPLETED, F.UNDECIDED, F.NATURAL_SCIENCES),
        (q1, EnrollmentState.APPLIED, F.OTHER, None),
        (p[5], EnrollmentState.COMPLETED, F.OTHER, None),
    ):
        db.session.add(
            ProgrammeEnrollment(
                programme_id=w.programme.id,
                student_id=pupil.id,
                state=state,
                intended_field_at_start=start,
                intended_field_at_completion=end,
            )
        )
    db.session.add(
        ProgrammeEnrollment(
            programme_id=w.old_programme.id,
            student_id=p[5].id,
            state=EnrollmentState.COMPLETED,
            intended_field_at_start=F.OTHER,
            intended_field_at_completion=F.OTHER,
        )
    )
    for pupil, field, day in (
        (p[5], F.NATURAL_SCIENCES, date(2025, 9, 1)),
        (p[5], F.MEDICINE, date(2026, 2, 1)),  # the latest of p5's follow-ups this year
        (p[6], F.TECHNOLOGY, date(2025, 10, 1)),
        (q2, F.OTHER, date(2024, 9, 1)),
    ):
        db.session.add(AlumniOutcome(student_id=pupil.id, field=field, reported_on=day))

    coordinator = factories.user(Role.COORDINATOR)
    mentoring = MentoringProgramme(name=f"Mentoring{tag}", safeguarding_lead_id=coordinator.id)
    mentor_user = factories.user(Role.MENTOR, organization=w.company)
    mentor = MentorProfile(user=mentor_user, organization=w.company, capacity=5)
    researcher = factories.user(Role.RESEARCHER)
    db.session.add_all([mentoring, mentor])
    db.session.flush()

    def mentee(pupil=None, user=None):
        profile = MenteeProfile(
            kind=MenteeKind.PUPIL if pupil else MenteeKind.RESEARCHER,
            student_id=pupil.id if pupil else None,
            user_id=user.id if user else None,
        )
        db.session.add(profile)
        db.session.flush()
        return profile

    def pairing(profile, state, starts_on):
        item = Pairing(
            programme_id=mentoring.id,
            mentor_id=mentor.id,
            mentee_id=profile.id,
            state=state,
            starts_on=starts_on,
            planned_end_on=starts_on + timedelta(days=200),
            cadence_days=21,
            cadence_from=starts_on,
            respond_by=_at(starts_on.year, starts_on.month, starts_on.day),
        )
        db.session.add(item)
        db.session.flush()
        return item

    x1 = pairing(mentee(p[1]), PairingState.ACTIVE, date(2025, 9, 1))
    x2 = pairing(mentee(user=researcher), PairingState.COMPLETED, date(2025, 1, 10))
    pairing(mentee(z), PairingState.DECLINED, date(2025, 10, 1))
    pairing(mentee(p[2]), PairingState.PROPOSED, date(2025, 11, 1))

    def session(item, held_on, minutes, *, confirmed=False, disputed=False):
        db.session.add(
            MentoringSession(
                pairing_id=item.id,
                held_on=held_on,
                duration_minutes=minutes,
                mode=SessionMode.VIDEO,
                confirmed_at=_at(held_on.year, held_on.month, held_on.day) if confirmed else None,
                disputed_at=_at(held_on.year, held_on.month, held_on.day) if disputed else None,
            )
        )

    session(x1, date(2025, 10, 1), 60, confirmed=True)
    session(x1, date(2025, 11, 1), 30)
    session(x1, date(2025, 12, 1), 45, confirmed=True, disputed=True)
    session(x2, date(2025, 2, 1), 90, confirmed=True)

    for visit_, pupil, rating in ((w.v1, p[1], 5), (w.v1, p[3], 4), (w.v3, z, 1), (w.v7, p[5], 2)):
        db.session.add(VisitFeedback(visit_id=visit_.id, student_id=pupil.id, rating=rating))
    db.session.add(VisitFeedback(visit_id=w.v1.id, user_id=teacher.id, rating=3))
    for item, side, stage, rating, given_at in (
        (x1, FeedbackSide.MENTEE, FeedbackStage.MID, 4, _at(2025, 12, 1)),
        (x1, FeedbackSide.MENTOR, FeedbackStage.MID, 5, _at(2025, 12, 2)),
        (x2, FeedbackSide.MENTEE, FeedbackStage.END, 3, _at(2025, 5, 1)),
    ):
        db.session.add(
            PairingFeedback(
                pairing_id=item.id, side=side, stage=stage, rating=rating, given_at=given_at
            )
        )

    def course(starts_on, partners):
        item = Course(
            title="Innovation",
            starts_on=starts_on,
            ends_on=starts_on,
            enrollment_opens_at=_at(starts_on.year - 1, 1, 1),
            enrollment_closes_at=_at(starts_on.year - 1, 6, 1),
            capacity=30,
            partners=partners,
        )
        db.session.add(item)
        db.session.flush()
        return item

    k1 = course(date(2025, 10, 1), [w.company])
    k2 = course(date(2025, 3, 1), [])
    for state in (
        CourseState.CONFIRMED,
        CourseState.COMPLETED,
        CourseState.WITHDRAWN,
        CourseState.DRAFT,
        CourseState.WAITLISTED,
        CourseState.REJECTED,
    ):
        db.session.add(
            CourseEnrollment(
                course_id=k1.id, user_id=factories.user(Role.RESEARCHER).id, state=state
            )
        )
    db.session.add(
        CourseEnrollment(course_id=k2.id, user_id=researcher.id, state=CourseState.COMPLETED)
    )
    db.session.flush()
    w.coordinator = coordinator
    return w
