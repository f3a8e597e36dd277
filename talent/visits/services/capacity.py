"""Taking and giving back places on a slot, safely when many book at once.

Every change of ``persons_booked`` is one conditional UPDATE: the database checks the room
and adds the persons in the same statement, under the row's write lock, so two bookings can
never both take the last places. The CHECK constraint on the table is the final guarantee.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from talent.errors import Conflict
from talent.extensions import db
from talent.visits.models import VisitSlot

log = logging.getLogger(__name__)

_slots = VisitSlot.__table__


class SlotFull(Conflict):
    """The slot has no room for the group (any more)."""


def slot_full(free: int, needed: int) -> SlotFull:
    if free <= 0:
        return SlotFull(
            _l(
                "This slot just filled up. Choose another slot, or post a visit request and "
                "the hosts will propose a time."
            )
        )
    return SlotFull(
        _l(
            "This slot just filled up: only %(free)d places are left and your group needs "
            "%(needed)d (pupils and adults). Make the group smaller or choose another slot.",
            free=free,
            needed=needed,
        )
    )


def reserve(slot: VisitSlot, persons: int) -> None:
    """Take ``persons`` places on the slot, or raise SlotFull if they are not free now."""
    if persons <= 0:
        release(slot, -persons)
        return
    db.session.flush()
    result = db.session.execute(
        _slots.update()
        .where(
            _slots.c.id == slot.id,
            _slots.c.cancelled_at.is_(None),
            _slots.c.persons_booked + persons <= _slots.c.capacity,
        )
        .values(persons_booked=_slots.c.persons_booked + persons)
    )
    if result.rowcount != 1:
        db.session.refresh(slot, ["persons_booked", "capacity", "cancelled_at"])
        log.info("slot %s has no room for %d more persons", slot.id, persons)
        raise slot_full(slot.capacity - slot.persons_booked, persons)
    db.session.refresh(slot, ["persons_booked"])


def release(slot: VisitSlot, persons: int) -> None:
    """Give back ``persons`` places on the slot.

    Never clamped at zero: the visit giving them back is locked (talent/locking.py), so the
    places it holds are counted; a count below zero would mean drift, and the CHECK refuses it
    rather than hide it (``talent check-integrity`` recomputes the counter).
    """
    if persons == 0:
        return
    db.session.flush()
    db.session.execute(
        _slots.update()
        .where(_slots.c.id == slot.id)
        .values(persons_booked=_slots.c.persons_booked - persons)
    )
    db.session.refresh(slot, ["persons_booked"])


def set_capacity(slot: VisitSlot, capacity: int) -> bool:
    """Change the slot's capacity unless more persons are already booked; True if changed."""
    db.session.flush()
    result = db.session.execute(
        _slots.update()
        .where(_slots.c.id == slot.id, _slots.c.persons_booked <= capacity)
        .values(capacity=capacity)
    )
    db.session.refresh(slot, ["persons_booked", "capacity"])
    return result.rowcount == 1
