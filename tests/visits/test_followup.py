"""Requests and proposals, blackout dates, attendance, feedback, the host digest, the calendar
feed and the pupil's timeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from talent.activities.models import Activity, ActivityKind, ActivityParticipant
from talent.auth import policy
from talent.calendar.registry import events_for
from talent.errors import AlreadyDone, InvalidState, ValidationFailed
from talent.extensions import db
from talent.people.models import Role
from talent.reminders.models import Notification
from talent.timeline.registry import timeline_for
from talent.visits import jobs
from talent.visits.models import RequestState, VisitState
from talent.visits.services import blackouts, booking, followup
from talent.visits.services import requests as visit_requests
from tests.visits.conftest import NOW, add_slot, give_consents

pytestmark = pytest.mark.usefixtures("in_request")

TUESDAY = NOW + timedelta(days=8, hours=1)


def _request(world, **fields):
    values = {
        "school_class": world.school_class,
        "teacher": world.teacher,
        "topic": "Gene editing",
        "pupils_count": 20,
        "adults_count": 2,
        "earliest_on": date(2026, 9, 14),
        "latest_on": date(2026, 9, 30),
    }
    values.update(fields)
    return visit_requests.post_request(world.teacher, now=NOW, **values)


def test_request_propose_and_book(world, book):
    visit_request = _request(world)
    slot = add_slot(world.site, TUESDAY, capacity=30)
    proposal = visit_requests.propose_slot(
        world.host, visit_request, slot, message="Welcome!", now=NOW
    )
    notice = db.session.scalar(
        sa.select(Notification).where(Notification.kind == "visits.proposal")
    )
    assert notice.recipient_id == world.teacher.id
    assert proposal.slot == slot
    with pytest.raises(AlreadyDone):
        visit_requests.propose_slot(world.host, visit_request, slot, message="", now=NOW)
    visit = book(slot, pupils=20, adults=2, request=visit_request)
    assert visit.request == visit_request
    assert visit_request.state is RequestState.BOOKED
    with pytest.raises(InvalidState):
        visit_requests.withdraw_request(world.teacher, visit_request, now=NOW)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": ""}, "topic"),
        ({"pupils_count": 30}, "pupils_count"),
        ({"adults_count": 1}, "adults_count"),
        ({"earliest_on": date(2026, 9, 7)}, "earliest_on"),
        ({"latest_on": date(2026, 9, 10)}, "latest_on"),
        ({"latest_on": date(2027, 6, 1)}, "latest_on"),
    ],
)
def test_bad_requests(world, fields, field):
    with pytest.raises(ValidationFailed) as error:
        _request(world, **fields)
    assert error.value.field == field


def test_proposal_outside_the_window_is_refused(world):
    visit_request = _request(world)
    late = add_slot(world.site, TUESDAY + timedelta(days=30))
    with pytest.raises(ValidationFailed) as error:
        visit_requests.propose_slot(world.host, visit_request, late, message="", now=NOW)
    assert "outside the teacher's window" in str(error.value.message)


def test_blackout_reports_visits_already_booked(world, book):
    visit = book(add_slot(world.site, TUESDAY), pupils=10)
    _, affected = blackouts.add_blackout(
        world.teacher,
        world.school,
        starts_on=date(2026, 9, 15),
        ends_on=date(2026, 9, 16),
        reason="Exam week",
        now=NOW,
    )
    assert affected == [visit]
    with pytest.raises(ValidationFailed) as error:
        blackouts.add_blackout(
            world.teacher,
            world.school,
            starts_on=date(2026, 9, 16),
            ends_on=date(2026, 9, 15),
            reason="Oops",
            now=NOW,
        )
    assert error.value.field == "ends_on"
    with pytest.raises(ValidationFailed):
        blackouts.add_blackout(
            world.teacher,
            world.company,
            starts_on=date(2026, 9, 16),
            ends_on=date(2026, 9, 16),
            reason="Not a school",
            now=NOW,
        )


def _confirmed(world, book, pupils=3):
    visit = book(add_slot(world.site, TUESDAY), pupils=pupils)
    give_consents(world.pupils[:pupils])
    booking.confirm_visit(world.host, visit, now=NOW)
    return visit


def test_attendance_and_no_show(world, book):
    visit = _confirmed(world, book)
    with pytest.raises(InvalidState):
        followup.record_attendance(world.host, visit, present_ids=[], adults_attended=1, now=NOW)
    after = TUESDAY + timedelta(hours=3)
    with pytest.raises(ValidationFailed):
        followup.record_attendance(
            world.host, visit, present_ids=[world.pupils[10].id], adults_attended=1, now=after
        )
    followup.record_attendance(world.host, visit, present_ids=[], adults_attended=0, now=after)
    assert visit.state is VisitState.NO_SHOW
    followup.record_attendance(
        world.host, visit, present_ids=[world.pupils[0].id], adults_attended=1, now=after
    )
    assert visit.state is VisitState.COMPLETED


def test_feedback_once_per_person_after_the_visit(world, book):
    visit = _confirmed(world, book)
    pupil = world.pupils[0]
    with pytest.raises(InvalidState):
        followup.give_feedback(visit, student=pupil, rating=5, comment="", now=NOW)
    after = TUESDAY + timedelta(days=1)
    with pytest.raises(ValidationFailed):
        followup.give_feedback(visit, student=pupil, rating=6, comment="", now=after)
    followup.give_feedback(visit, student=pupil, rating=5, comment="Great", now=after)
    followup.give_feedback(visit, user=world.teacher, rating=4, comment="", now=after)
    with pytest.raises(AlreadyDone):
        followup.give_feedback(visit, student=pupil, rating=3, comment="", now=after)
    assert followup.feedback_summary([visit.id]) == {visit.id: (2, 4.5)}
    with pytest.raises(InvalidState):
        followup.give_feedback(
            visit, student=world.pupils[1], rating=3, comment="", now=after + timedelta(days=40)
        )


def test_host_digest_once_a_day(world, book):
    book(add_slot(world.site, NOW + timedelta(days=2)), pupils=10)
    morning = datetime(2026, 9, 7, 6, 0, tzinfo=UTC)  # 08:00 in Oslo
    assert jobs.send_host_digests(now=morning) == 1
    assert jobs.send_host_digests(now=morning + timedelta(hours=1)) == 1  # same row, not a new one
    digests = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "visits.host_digest")
    ).all()
    assert len(digests) == 1
    assert digests[0].recipient_id == world.host.id
    assert "2STA" in digests[0].context["lines"]
    assert jobs.send_host_digests(now=datetime(2026, 9, 8, 3, 0, tzinfo=UTC)) == 0  # too early


def test_calendar_feed_has_the_visit_for_teacher_and_host(world, book):
    visit = book(add_slot(world.site, TUESDAY), pupils=10)
    window = {"start": NOW, "end": NOW + timedelta(days=60)}
    for person in (world.teacher, world.host):
        uids = [event.uid for event in events_for(person, **window)]
        assert f"lab-visit-{visit.id}" in uids
    assert f"lab-visit-{visit.id}" not in [e.uid for e in events_for(world.other_host, **window)]
    booking.cancel_visit(world.teacher, visit, reason="Ill", now=NOW)
    event = next(e for e in events_for(world.host, **window) if e.uid == f"lab-visit-{visit.id}")
    assert event.cancelled


def test_timeline_shows_the_visit(world, book):
    book(add_slot(world.site, TUESDAY), pupils=2)
    entries = [e for e in timeline_for(world.pupils[0], world.teacher) if e.kind == "visit"]
    assert len(entries) == 1
    assert entries[0].url is not None


def test_timeline_links_what_the_policy_lets_the_viewer_read(world, book, make):
    """Entries are read as rows and the policy judges objects built from them: the links
    must be those the policy gives on the visit and activity themselves."""
    pupil = world.pupils[0]
    visit = book(add_slot(world.site, TUESDAY), pupils=2)
    activity = Activity(
        kind=ActivityKind.GUEST_LECTURE,
        title="Gene editing",
        school_id=world.school.id,
        partner_id=world.company.id,
        starts_on=date(2026, 9, 1),
        ends_on=date(2026, 9, 1),
        hours=1.5,
    )
    db.session.add(activity)
    db.session.flush()
    db.session.add(ActivityParticipant(activity_id=activity.id, student_id=pupil.id))
    mentor = make.user(Role.MENTOR)
    db.session.commit()
    viewers = (
        world.teacher,
        world.other_teacher,
        world.host,
        world.other_host,
        world.coordinator,
        mentor,
    )
    for viewer in viewers:
        links = {e.kind: e.url for e in timeline_for(pupil, viewer) if e.kind != "class"}
        assert (links["visit"] is not None) == policy.can(viewer, "visits.read", visit)
        assert (links["activity"] is not None) == policy.can(viewer, "activities.read", activity)
    assert links == {"visit": None, "activity": None}  # the mentor
    teacher_links = {e.kind: e.url for e in timeline_for(pupil, world.teacher)}
    assert teacher_links["visit"] == f"/visits/{visit.id}"
    assert teacher_links["activity"] == f"/activities/{activity.id}"
    assert {e.url for e in timeline_for(pupil, world.other_host)} == {None}
