"""Every role's dashboard issues at most 15 queries, as many with ten times the data as with
little: the lists are cut in SQL and their details loaded in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.courses.models import EnrollmentState
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.models import Concern, ConcernStatus, PairingState
from talent.people.models import Role
from talent.programmes.models import EnrollmentState as ProgrammeState
from talent.programmes.models import Programme, ProgrammeEnrollment
from talent.reminders.models import Notification, NotificationState
from talent.visits.models import RequestState, VisitRequest
from tests import factories
from tests.home.conftest import book, course, enroll, get_home
from tests.mentoring import conftest as mentoring

BUDGET = 15


@pytest.fixture
def people(world):
    student = factories.user(Role.STUDENT, name="Pupil Account")
    world.pupils[0].user = student
    pupil_mentee = mentoring.pupil()
    pupil_mentee.student = world.pupils[0]
    researcher = factories.user(Role.RESEARCHER, name="Rita Researcher")
    programme = mentoring.programme()
    mentor = mentoring.mentor(name="Mona Mentor", capacity=20)
    helper = mentoring.mentor(name="Hugo Helper", capacity=2)
    db.session.flush()
    return dict(
        world=world,
        programme=programme,
        mentor=mentor,
        student_pairing=mentoring.pairing(helper, pupil_mentee, programme),
        researcher_pairing=mentoring.pairing(
            helper, mentoring.researcher(user=researcher), programme
        ),
        users={
            "teacher": world.teacher,
            "host": world.host,
            "coordinator": world.coordinator,
            "admin": world.admin,
            "mentor": mentor.user,
            "researcher": researcher,
            "student": student,
            "several roles": factories.user(
                Role.TEACHER, Role.HOST, Role.RESEARCHER, organization=world.school
            ),
        },
    )


def fill(people, numbers: range, *, open_pairings: int) -> None:
    """Add, for each number, one of everything the dashboards list: a visit, a request, a
    course with enrollments, sessions, a programme, a failed delivery, pupils whose consent
    runs out or who are due for retention, and a pairing with a session and a concern."""
    world = people["world"]
    today = utcnow().date()
    base = utcnow().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    for number in numbers:
        # Visits of one class, three hours apart, all within the next two weeks.
        book(
            world.site,
            base + timedelta(hours=3 * number),
            teacher=world.teacher,
            school_class=world.school_class,
            pupils=world.pupils,
        )
        db.session.add(
            VisitRequest(
                school_id=world.school.id,
                school_class_id=world.school_class.id,
                teacher_id=world.teacher.id,
                topic=f"Wish {number}",
                pupils_count=5,
                adults_count=1,
                earliest_on=today + timedelta(days=5),
                latest_on=today + timedelta(days=50),
                state=RequestState.OPEN,
            )
        )
        offered = course()
        enroll(
            offered,
            people["users"]["researcher"],
            # Few offers, so that waitlist places show among the first rows too.
            {1: EnrollmentState.OFFERED, 2: EnrollmentState.WAITLISTED}.get(
                number % 5, EnrollmentState.CONFIRMED
            ),
            queue_number=1,
            offer_expires_at=utcnow() + timedelta(hours=20),
        )
        enroll(
            offered,
            factories.user(Role.RESEARCHER),
            EnrollmentState.APPLIED,
            submitted_at=utcnow(),
        )
        for pairing in (people["student_pairing"], people["researcher_pairing"]):
            mentoring.session(pairing)
        programme = Programme(
            name=f"Programme {number}", school_year=2026, capacity=5, school=world.school
        )
        db.session.add(programme)
        db.session.add(
            ProgrammeEnrollment(
                programme=programme, student=world.pupils[0], state=ProgrammeState.ACTIVE
            )
        )
        db.session.add(
            Notification(
                recipient_id=world.teacher.id,
                kind="test.notice",
                due_at=utcnow(),
                next_attempt_at=utcnow(),
                state=NotificationState.FAILED,
                idempotency_key=f"count-{number}",
            )
        )
        gone = factories.student(world.other_class)
        gone.left_school_on = today - timedelta(days=5 * 366)
        db.session.add(
            Consent(
                student_id=factories.student(world.other_class).id,
                kind=ConsentKind.LAB_VISITS,
                given_by="Guardian",
                given_at=utcnow() - timedelta(days=number),
                method=ConsentMethod.PAPER,
                expires_on=today + timedelta(days=5),
                recorded_by_id=world.teacher.id,
            )
        )
    mentor = people["mentor"]
    for index, number in enumerate(numbers):
        state = PairingState.ACTIVE if index < open_pairings else PairingState.COMPLETED
        if number % 5 == 0 and state is PairingState.ACTIVE:
            state = PairingState.PROPOSED
        pairing = mentoring.pairing(
            mentor,
            mentoring.pupil(),
            people["programme"],
            state=state,
            starts_on=today - timedelta(days=60),
            now=utcnow(),
        )
        if number % 2:
            pairing.escalated_at = utcnow()
        mentoring.session(pairing, private="never shown")
        db.session.add(Concern(pairing=pairing, summary="Concern", status=ConcernStatus.OPEN))
    db.session.commit()


def measure(app, count_queries, users) -> dict[str, tuple[int, str]]:
    """Log each user in on a client of their own and count the queries of their home page."""
    found = {}
    for name, user in users.items():
        client = app.test_client()
        response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
        assert response.status_code == 302, name
        page, count = get_home(client, count_queries)
        found[name] = (count, page)
    return found


def test_each_dashboard_stays_within_budget_and_does_not_grow_with_data(app, people, count_queries):
    fill(people, range(1, 4), open_pairings=3)
    small = measure(app, count_queries, people["users"])
    fill(people, range(4, 31), open_pairings=17)  # the mentor's twenty places, and closed pairings
    large = measure(app, count_queries, people["users"])

    counts = {name: (small[name][0], large[name][0]) for name in people["users"]}
    for name, (few, many) in counts.items():
        assert few == many, str(counts)
        # A user with several roles sees several boards: bounded, but not one dashboard.
        assert many <= (BUDGET if name != "several roles" else 2 * BUDGET), str(counts)
    print("queries per dashboard (small, large):", counts)
    # The large pages really show more (the lists are cut, not empty).
    assert large["teacher"][1].count('data-testid="visit-') > small["teacher"][1].count(
        'data-testid="visit-'
    )
    assert large["mentor"][1].count('data-testid="pairing-') > small["mentor"][1].count(
        'data-testid="pairing-'
    )
    assert "See all" in large["coordinator"][1]
    assert "never shown" not in large["mentor"][1]
