"""The same change ten times at once (a double-click, a retried request, a resending proxy):
it happens once, the others are told it already happened, and the slot's count stays true.

Each thread has its own app context, session and connection and reads the visit itself, as
a request does, then all change it together. Run on SQLite and on PostgreSQL
(TALENT_TEST_DATABASE_URL): PostgreSQL is where requests really interleave.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import sqlalchemy as sa

from talent.audit.models import AuditEvent
from talent.extensions import db
from talent.people.models import User
from talent.reminders.models import Notification
from talent.visits.models import LabVisit, VisitSlot, VisitState
from talent.visits.services import booking
from talent.visits.services.rules import consent_blockers
from tests.support.integrity import assert_integrity_clean
from tests.support.together import once, repeated
from tests.visits.conftest import NOW, add_slot, give_consents

TIMES = 10


def _audit(action: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def _notices(kind: str) -> Counter:
    rows = db.session.scalars(sa.select(Notification.recipient_id).where(Notification.kind == kind))
    return Counter(rows)


def _booked_world(world, book, *, consents: bool = False):
    slot = add_slot(world.site, NOW + timedelta(days=9), capacity=30)
    other = add_slot(world.site, NOW + timedelta(days=10), capacity=30)
    visit = book(slot, pupils=10)
    if consents:
        give_consents(world.pupils)
        assert not consent_blockers(visit)
    db.session.commit()
    ids = (visit.id, slot.id, other.id, world.teacher.id, world.host.id)
    db.session.close()  # hold no transaction: on SQLite it would keep the write lock
    return ids


def _persons_on(slot_id: int) -> tuple[int, int]:
    """The slot's counter, and the persons of its open visits counted from the rows."""
    slot = db.session.get(VisitSlot, slot_id)
    real = sum(visit.persons for visit in slot.visits if visit.is_open)
    return slot.persons_booked, real


def test_cancelling_ten_times_at_once_cancels_once(app, world, book):
    visit_id, slot_id, _, teacher_id, _ = _booked_world(world, book)

    def cancel():
        visit = db.session.get(LabVisit, visit_id)
        booking.cancel_visit(db.session.get(User, teacher_id), visit, reason="Bus strike", now=NOW)

    assert repeated(app, cancel, TIMES) == once(TIMES)
    assert _audit("lab_visit.cancel") == 1
    assert max(_notices("visits.cancelled").values()) == 1
    assert _persons_on(slot_id) == (0, 0)
    assert_integrity_clean(now=NOW)


def test_confirming_ten_times_at_once_tells_the_teacher_once(app, world, book):
    visit_id, _, _, _, host_id = _booked_world(world, book, consents=True)

    def confirm():
        visit = db.session.get(LabVisit, visit_id)
        booking.confirm_visit(db.session.get(User, host_id), visit, now=NOW)

    assert repeated(app, confirm, TIMES) == once(TIMES)
    assert _audit("lab_visit.confirm") == 1
    assert list(_notices("visits.confirmed").values()) == [1]
    assert_integrity_clean(now=NOW)


def test_changing_the_group_ten_times_at_once_counts_the_places_once(app, world, book):
    pupil_ids = [pupil.id for pupil in world.pupils[:10]]
    visit_id, slot_id, _, teacher_id, _ = _booked_world(world, book)

    def one_more_adult():
        visit = db.session.get(LabVisit, visit_id)
        booking.update_visit(
            db.session.get(User, teacher_id),
            visit,
            pupils=booking.load_pupils(visit.school_class, pupil_ids),
            pupils_count=10,
            adults_count=2,
            notes="",
            now=NOW,
        )

    assert repeated(app, one_more_adult, TIMES) == once(TIMES)
    assert _audit("lab_visit.change") == 1
    assert _persons_on(slot_id) == (12, 12)
    assert_integrity_clean(now=NOW)


def test_moving_ten_times_at_once_moves_once(app, world, book):
    visit_id, slot_id, other_id, teacher_id, _ = _booked_world(world, book)

    def move():
        visit = db.session.get(LabVisit, visit_id)
        booking.move_visit(
            db.session.get(User, teacher_id), visit, db.session.get(VisitSlot, other_id), now=NOW
        )

    assert repeated(app, move, TIMES) == once(TIMES)
    assert _audit("lab_visit.move") == 1
    assert max(_notices("visits.moved").values()) == 1
    assert _persons_on(slot_id) == (0, 0)
    assert _persons_on(other_id) == (11, 11)
    assert db.session.get(LabVisit, visit_id).state is VisitState.REQUESTED
    assert_integrity_clean(now=NOW)


def test_cancelling_a_slot_ten_times_at_once_cancels_its_visits_once(app, world, book):
    visit_id, slot_id, _, _, host_id = _booked_world(world, book)

    def cancel_slot():
        slot = db.session.get(VisitSlot, slot_id)
        booking.cancel_slot(db.session.get(User, host_id), slot, reason="Lab flooded", now=NOW)

    assert repeated(app, cancel_slot, TIMES) == once(TIMES)
    assert _audit("visit_slot.cancel") == 1
    assert _audit("lab_visit.cancel") == 1
    assert _persons_on(slot_id) == (0, 0)
    assert db.session.get(LabVisit, visit_id).state is VisitState.CANCELLED
    assert_integrity_clean(now=NOW)
