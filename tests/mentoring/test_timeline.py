"""Mentoring on the pupil's timeline, and a mentor seeing only the pupils they mentor now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from talent.auth import policy
from talent.extensions import db
from talent.mentoring.models import PairingState
from talent.people.models import Role
from talent.timeline.registry import timeline_for


def test_the_timeline_shows_the_pairing_and_its_confirmed_hours(client, login, mk):
    coordinator = mk.user(Role.COORDINATOR)
    mentor = mk.mentor(name="Magnus Mentor")
    mentee = mk.pupil()
    pairing = mk.pairing(mentor, mentee, mk.programme(name="Ullern mentoring"))
    mk.session(pairing, minutes=90, confirmed=True, private="PRIVATE-NOTE")
    mk.session(pairing, minutes=30)
    db.session.commit()
    login(coordinator)
    text = client.get(f"/pupils/{mentee.student_id}/timeline").get_data(as_text=True)
    assert "Mentor: Magnus Mentor" in text
    assert "Ullern mentoring · 1.5 hours confirmed" in text
    assert f'href="/mentoring/pairings/{pairing.id}"' in text
    assert "PRIVATE-NOTE" not in text


def test_the_pairing_is_linked_for_those_the_policy_lets_read_it(app, mk):
    mentor, other_mentor = mk.mentor(), mk.mentor()
    mentee = mk.pupil()
    pairing = mk.pairing(mentor, mentee, mk.programme())
    teacher = mk.user(Role.TEACHER, organization=mentee.student.school)
    db.session.commit()
    for viewer in (mentor.user, other_mentor.user, teacher, mk.user(Role.COORDINATOR)):
        with app.test_request_context(headers={"Accept-Language": "en"}):
            entries = timeline_for(mentee.student, viewer)
        (entry,) = [e for e in entries if e.kind == "mentoring"]
        readable = policy.can(viewer, "mentoring.pairing.read", pairing)
        assert entry.url == (f"/mentoring/pairings/{pairing.id}" if readable else None)
    assert policy.can(mentor.user, "mentoring.pairing.read", pairing)
    assert not policy.can(other_mentor.user, "mentoring.pairing.read", pairing)


def test_a_mentor_sees_only_the_pupils_they_mentor_now(client, login, mk):
    mentor = mk.mentor()
    mentee, stranger = mk.pupil(), mk.pupil()
    pairing = mk.pairing(mentor, mentee, mk.programme())
    proposed = mk.pairing(mentor, stranger, mk.programme(), state=PairingState.PROPOSED)
    proposed.respond_by = datetime.now(UTC) + timedelta(days=2)
    db.session.commit()
    login(mentor.user)
    assert client.get(f"/pupils/{mentee.student_id}/timeline").status_code == 200
    assert client.get(f"/pupils/{stranger.student_id}/timeline").status_code == 403
    pairing.state = PairingState.COMPLETED
    db.session.commit()
    assert client.get(f"/pupils/{mentee.student_id}/timeline").status_code == 403


def test_the_timeline_runs_as_many_queries_with_many_pairings(client, login, mk, count_queries):
    coordinator = mk.user(Role.COORDINATOR)
    mentee = mk.pupil()
    login(coordinator)
    counts = []
    for pairings in (1, 5):
        for _ in range(pairings):
            pairing = mk.pairing(mk.mentor(), mentee, mk.programme(), state=PairingState.COMPLETED)
            mk.session(pairing, minutes=60, confirmed=True)
        db.session.commit()
        url = f"/pupils/{mentee.student_id}/timeline"
        db.session.expire_all()
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1] <= 15
