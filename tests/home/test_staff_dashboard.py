"""The coordinator's dashboard (and the admin's, which is the same): everything that waits for
a decision, each item linking to where it is decided, and nothing that does not wait."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from talent.consents.models import Consent, ConsentKind, ConsentMethod
from talent.courses.models import EnrollmentState
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.models import Concern, ConcernStatus, PairingState
from talent.people.models import Role
from talent.reminders.models import Notification, NotificationState
from talent.visits.models import VisitState
from tests import factories
from tests.home.conftest import book, course, enroll, get_home, soon
from tests.mentoring import conftest as mentoring


def _consent(pupil, *, expires_in_days):
    item = Consent(
        student_id=pupil.id,
        kind=ConsentKind.LAB_VISITS,
        given_by="Guardian",
        given_at=utcnow() - timedelta(days=100),
        method=ConsentMethod.PAPER,
        expires_on=utcnow().date() + timedelta(days=expires_in_days),
    )
    db.session.add(item)
    db.session.flush()
    return item


def _notification(recipient, state, number, *, days_ago=0):
    due_at = utcnow() - timedelta(days=days_ago, hours=1)
    db.session.add(
        Notification(
            recipient_id=recipient.id,
            kind="test.notice",
            due_at=due_at,
            next_attempt_at=due_at,
            state=state,
            idempotency_key=f"home-test-{number}",
        )
    )


@pytest.fixture
def decisions(world):
    """One of each thing a coordinator decides on, and one like it that needs nothing."""
    awaiting = book(
        world.site,
        soon(6),
        teacher=world.teacher,
        school_class=world.school_class,
        pupils=world.pupils,
    )
    confirmed = book(
        world.site,
        soon(9),
        teacher=world.other_teacher,
        school_class=world.other_class,
        pupils=world.other_pupils,
    )
    confirmed.state = VisitState.CONFIRMED
    applicants = [factories.user(Role.RESEARCHER) for _ in range(3)]
    selective = course(title="Selective course")
    enroll(selective, applicants[0], EnrollmentState.APPLIED, submitted_at=utcnow())
    enroll(selective, applicants[1], EnrollmentState.APPLIED, submitted_at=utcnow())
    enroll(selective, applicants[2], EnrollmentState.DRAFT)
    past_day = utcnow().date() - timedelta(days=20)
    over = course(title="Course over", starts_on=past_day, ends_on=past_day + timedelta(days=1))
    enroll(over, applicants[0], EnrollmentState.APPLIED, submitted_at=utcnow())
    quiet = course(title="Quiet course")
    enroll(quiet, applicants[0], EnrollmentState.CONFIRMED)
    lapsing = enroll(
        course(title="Lapsing course"),
        applicants[1],
        EnrollmentState.OFFERED,
        offered_at=utcnow(),
        offer_expires_at=utcnow() + timedelta(hours=20),
    )
    relaxed = enroll(
        course(title="Relaxed course"),
        applicants[2],
        EnrollmentState.OFFERED,
        offered_at=utcnow(),
        offer_expires_at=utcnow() + timedelta(days=5),
    )
    programme = mentoring.programme()
    mentor = mentoring.mentor(name="Mona Mentor", capacity=5)
    proposal = mentoring.pairing(
        mentor, mentoring.pupil(), programme, state=PairingState.PROPOSED, now=utcnow()
    )
    escalated = mentoring.pairing(
        mentor, mentoring.pupil(), programme, starts_on=utcnow().date() - timedelta(days=60)
    )
    escalated.escalated_at = utcnow() - timedelta(days=2)
    running = mentoring.pairing(mentor, mentoring.pupil(), programme)
    open_concern = Concern(pairing=running, summary="Worrying message", status=ConcernStatus.OPEN)
    closed_concern = Concern(pairing=running, summary="Sorted out", status=ConcernStatus.CLOSED)
    db.session.add_all([open_concern, closed_concern])
    for number, state in enumerate(
        [NotificationState.FAILED, NotificationState.FAILED, NotificationState.SENT]
    ):
        _notification(world.teacher, state, number)
    _notification(world.teacher, NotificationState.FAILED, 99, days_ago=40)  # left to the ledger
    soon_gone = _consent(world.pupils[0], expires_in_days=10)
    far_off = _consent(world.pupils[1], expires_in_days=200)
    world.other_pupils[0].left_school_on = utcnow().date() - timedelta(days=5 * 366)
    world.other_pupils[1].left_school_on = utcnow().date() - timedelta(days=30)
    db.session.commit()
    return dict(
        awaiting=awaiting,
        confirmed=confirmed,
        selective=selective,
        over=over,
        quiet=quiet,
        lapsing=lapsing,
        relaxed=relaxed,
        proposal=proposal,
        escalated=escalated,
        running=running,
        open_concern=open_concern,
        closed_concern=closed_concern,
        soon_gone=soon_gone,
        far_off=far_off,
    )


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_staff_see_what_waits_for_a_decision_and_where_to_decide(
    client, login, world, decisions, who
):
    d = decisions
    login(getattr(world, who))

    page, _ = get_home(client)

    assert f'data-role="{who}"' in page
    # The staff board replaces the other roles' boards, even for a user with every role.
    for role in Role:
        if role.value != who:
            assert f'data-role="{role}"' not in page
    assert f'data-testid="visit-{d["awaiting"].id}"' in page
    assert f'href="/visits/{d["awaiting"].id}"' in page
    assert f'data-testid="visit-{d["confirmed"].id}"' not in page
    assert f'href="/courses/{d["selective"].id}/applications?state=applied"' in page
    assert "2 applications" in page
    assert f"applications-{d['quiet'].id}" not in page
    assert f"applications-{d['over'].id}" not in page
    assert f'data-testid="offer-{d["lapsing"].id}"' in page
    assert f'data-testid="offer-{d["relaxed"].id}"' not in page
    assert f'href="/mentoring/pairings/{d["proposal"].id}"' in page
    assert f'data-testid="escalation-{d["escalated"].id}"' in page
    assert f'data-testid="escalation-{d["running"].id}"' not in page
    assert f'href="/mentoring/concerns/{d["open_concern"].id}"' in page
    assert "Sorted out" not in page
    since = utcnow().astimezone(ZoneInfo("Europe/Oslo")).date() - timedelta(days=30)
    assert f"2 reminders since {since.day}. " in page
    assert f'href="/ledger/?state=failed&amp;date_from={since.isoformat()}"' in page
    assert f'data-testid="consent-{d["soon_gone"].id}"' in page
    assert f'data-testid="consent-{d["far_off"].id}"' not in page
    assert "1 pupil who left school over 3 years ago is due for anonymisation" in page
    assert 'href="/privacy/"' in page
    assert "Nothing waits for a decision today." not in page


def test_each_line_names_what_it_is_about(client, login, world, decisions):
    """The lines are read as plain columns: each name must come from the right table."""
    d = decisions
    login(world.coordinator)

    page, _ = get_home(client)

    visit = d["awaiting"]
    assert (
        f'{world.site.name}</a>\n        <div class="small text-body-secondary">'
        f"{visit.school.name} · {world.school_class.name} · {world.site.organization.name}</div>"
    ) in page
    lapsing = d["lapsing"]
    assert (
        '>Lapsing course</a>\n        <span class="small text-body-secondary">'
        f"· {lapsing.user.name} ·"
    ) in page
    for pairing in (d["proposal"], d["escalated"]):
        assert f">Mona Mentor – {pairing.mentee.student.name}</a>" in page
    due = d["escalated"].next_session_due()
    assert f"session due since {due.day}. " in page
    assert (
        f'>{world.pupils[0].name}</a>\n        <span class="small text-body-secondary">· ' in page
    )


def test_a_clear_desk_says_so(client, login, world):
    login(world.coordinator)

    page, _ = get_home(client)

    assert "Nothing waits for a decision today." in page
    assert "No booking waits for a host’s answer." in page
    assert "was delivered or is on its way." in page
