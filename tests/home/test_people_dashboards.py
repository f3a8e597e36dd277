"""The mentor's, the researcher's and the pupil's dashboards, through real requests: each sees
their own pairings, courses and visits, and nobody else's; a mentor's private notes never
show."""

from __future__ import annotations

from datetime import timedelta

from talent.courses.models import EnrollmentState
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.models import PairingState
from talent.people.models import Role
from talent.programmes.models import EnrollmentState as ProgrammeState
from talent.programmes.models import Programme, ProgrammeEnrollment
from tests import factories
from tests.home.conftest import book, course, enroll, get_home, soon
from tests.mentoring import conftest as mentoring


def _mentor(name):
    return mentoring.mentor(name=name, capacity=5)


def test_mentor_sees_own_mentees_overdue_pairings_and_unconfirmed_sessions(client, login, app):
    programme = mentoring.programme()
    mine = _mentor("Mona Mentor")
    other = _mentor("Magnus Mentor")
    today = utcnow().date()
    on_time = mentoring.pairing(
        mine, mentoring.pupil(name="Pia Pupil"), programme, starts_on=today - timedelta(days=5)
    )
    overdue = mentoring.pairing(
        mine,
        mentoring.researcher(user=factories.user(Role.RESEARCHER, name="Rolf Researcher")),
        programme,
        starts_on=today - timedelta(days=40),
        cadence_days=14,
    )
    proposed = mentoring.pairing(
        mine, mentoring.pupil(name="Per Proposed"), programme, state=PairingState.PROPOSED
    )
    theirs = mentoring.pairing(other, mentoring.pupil(name="Siri Someone"), programme)
    ended = mentoring.pairing(
        mine, mentoring.pupil(name="Erik Ended"), programme, state=PairingState.COMPLETED
    )
    unconfirmed = mentoring.session(on_time, private="SECRET-NOTE-1", shared="shared words")
    confirmed = mentoring.session(on_time, confirmed=True)
    other_session = mentoring.session(theirs)
    db.session.commit()
    login(mine.user)

    page, _ = get_home(client)

    assert 'data-role="mentor"' in page
    assert f'data-testid="pairing-{on_time.id}"' in page
    assert f'data-testid="overdue-{overdue.id}"' in page
    assert f'data-testid="overdue-{on_time.id}"' not in page
    assert f'data-testid="proposal-{proposed.id}"' in page
    assert "Siri Someone" not in page
    assert "Erik Ended" not in page
    assert f'data-testid="pairing-{ended.id}"' not in page
    assert f'data-testid="unconfirmed-{unconfirmed.id}"' in page
    assert f'data-testid="unconfirmed-{confirmed.id}"' not in page
    assert f'data-testid="unconfirmed-{other_session.id}"' not in page
    assert "SECRET-NOTE-1" not in page
    # Each line names the mentee, the programme and the date it is about.
    assert (
        f'>Pia Pupil</a>\n        <span class="small text-body-secondary">· {programme.name} ·'
        in (page)
    )
    assert ">Rolf Researcher</a>" in page
    assert ">Per Proposed</a>" in page
    due = overdue.next_session_due()
    assert f"Overdue: a session was due on {due.day}. " in page
    assert f"Next session due by {on_time.next_session_due().day}. " in page
    assert page.count(">Pia Pupil</a>") == 2  # her pairing, and her unconfirmed session


def test_mentor_without_profile_is_told_to_write_one(client, login, app):
    user = factories.user(Role.MENTOR, name="New Mentor")
    db.session.commit()
    login(user)

    page, _ = get_home(client)

    assert "You have no mentor profile yet" in page
    assert f'href="/mentoring/mentors/{user.id}"' in page


def test_researcher_sees_courses_waitlist_position_and_offer_deadline(client, login, app):
    me = factories.user(Role.RESEARCHER, name="Rita Researcher")
    others = [factories.user(Role.RESEARCHER) for _ in range(2)]
    full = course(title="Full course")
    enroll(full, others[0], EnrollmentState.WAITLISTED, queue_number=1)
    waiting = enroll(full, me, EnrollmentState.WAITLISTED, queue_number=2)
    offered = enroll(
        course(title="Offered course"),
        me,
        EnrollmentState.OFFERED,
        offered_at=utcnow(),
        offer_expires_at=utcnow() + timedelta(hours=30),
    )
    confirmed = enroll(course(title="Running course"), me, EnrollmentState.CONFIRMED)
    withdrawn = enroll(course(title="Left course"), me, EnrollmentState.WITHDRAWN)
    past_day = utcnow().date() - timedelta(days=30)
    over = enroll(
        course(title="Old course", starts_on=past_day, ends_on=past_day + timedelta(days=1)),
        me,
        EnrollmentState.CONFIRMED,
    )
    someone_else = enroll(course(title="Not mine"), others[1], EnrollmentState.CONFIRMED)
    db.session.commit()
    login(me)

    page, _ = get_home(client)

    assert 'data-role="researcher"' in page
    assert f'data-testid="position-{waiting.id}">Number 2 on the waitlist' in page
    assert f'data-testid="offer-{offered.id}"' in page
    assert "answer by" in page
    assert f'data-testid="enrollment-{confirmed.id}"' in page
    for hidden in (withdrawn, over, someone_else):
        assert f'data-testid="enrollment-{hidden.id}"' not in page
    # The open offer comes first.
    assert page.index(f"enrollment-{offered.id}") < page.index(f"enrollment-{waiting.id}")


def test_researcher_without_courses_is_pointed_to_the_catalogue(client, login, app):
    me = factories.user(Role.RESEARCHER)
    db.session.commit()
    login(me)

    page, _ = get_home(client)

    assert "You are not enrolled in any coming course" in page
    assert 'href="/courses"' in page


def test_pupil_sees_programme_next_visit_and_mentor(client, login, world):
    account = factories.user(Role.STUDENT, name="Pupil Account")
    pupil = world.pupils[0]
    pupil.user = account
    programme = Programme(name="Talent programme 2026", school_year=2026, capacity=30)
    db.session.add(programme)
    db.session.flush()
    enrollment = ProgrammeEnrollment(
        programme=programme, student=pupil, state=ProgrammeState.ACTIVE
    )
    db.session.add(enrollment)
    later = book(
        world.site,
        soon(12),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    first = book(
        world.other_site,
        soon(4),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils[:1],
    )
    not_on_it = book(
        world.site,
        soon(2),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils[1:],
    )
    mentee = mentoring.pupil(name="ignored")
    mentee.student = pupil
    mentor = _mentor("Marte Mentor")
    pairing = mentoring.pairing(mentor, mentee, mentoring.programme())
    to_confirm = mentoring.session(pairing, private="PRIVATE-NOTE-2")
    db.session.commit()
    login(account)

    page, _ = get_home(client)

    assert 'data-role="student"' in page
    assert f'data-testid="programme-{enrollment.id}"' in page
    assert "Talent programme 2026" in page
    assert f'data-testid="next-visit-{first.id}"' in page
    assert f"next-visit-{later.id}" not in page
    assert f"next-visit-{not_on_it.id}" not in page
    programme = pairing.programme.name
    assert f'>Marte Mentor</a>\n    <span class="small text-body-secondary">· {programme} ·' in page
    assert f'data-testid="confirm-session-{to_confirm.id}"' in page
    assert "PRIVATE-NOTE-2" not in page


def test_pupil_account_without_record_is_told_why_it_is_empty(client, login, app):
    account = factories.user(Role.STUDENT)
    db.session.commit()
    login(account)

    page, _ = get_home(client)

    assert "not linked to a pupil record yet" in page
