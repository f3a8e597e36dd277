"""Integrity checks of lab visits: places booked on slots, and the rules a visit ahead keeps."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from talent.clock import local_date
from talent.consents.models import Consent, ConsentKind
from talent.integrity.checks import (
    ADULT_AGE,
    Counter,
    Drift,
    WithinLimit,
    age_on,
    born_after_for_minor,
)
from talent.schools.models import Student
from talent.visits.models import (
    HOLDING_STATES,
    OPEN_VISIT_STATES,
    LabSite,
    LabVisit,
    VisitParticipant,
    VisitSlot,
    VisitState,
)


def _persons_holding_places() -> sa.Select:
    return (
        sa.select(
            LabVisit.slot_id.label("key"),
            sa.func.sum(LabVisit.pupils_count + LabVisit.adults_count).label("value"),
        )
        .where(LabVisit.state.in_(HOLDING_STATES))
        .group_by(LabVisit.slot_id)
    )


persons_booked = Counter(
    "visits.persons_booked",
    VisitSlot,
    "persons_booked",
    "visit slot",
    _persons_holding_places,
    limit="capacity",
)


slot_within_capacity = WithinLimit(
    "visits.slot_within_capacity", persons_booked, "persons on visits holding a place"
)


def no_open_visit_on_cancelled_slot(session: Session, now: datetime) -> list[Drift]:
    """Cancelling a slot cancels its visits; none may still be awaiting or confirmed."""
    query = (
        sa.select(LabVisit.id, LabVisit.state, VisitSlot.id)
        .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
        .where(LabVisit.state.in_(OPEN_VISIT_STATES), VisitSlot.cancelled_at.is_not(None))
        .order_by(LabVisit.id)
    )
    return [
        Drift(
            "visits.open_visit_on_cancelled_slot",
            f"lab visit {visit_id}",
            f"state {state.value}",
            f"its slot {slot_id} is cancelled",
        )
        for visit_id, state, slot_id in session.execute(query)
    ]


def class_in_one_place(session: Session, now: datetime) -> list[Drift]:
    """A class has no two open visits at overlapping times."""
    first, second = aliased(LabVisit), aliased(LabVisit)
    first_slot, second_slot = aliased(VisitSlot), aliased(VisitSlot)
    query = (
        sa.select(first.school_class_id, first.id, second.id)
        .join(first_slot, first_slot.id == first.slot_id)
        .join(
            second,
            sa.and_(second.school_class_id == first.school_class_id, second.id > first.id),
        )
        .join(second_slot, second_slot.id == second.slot_id)
        .where(
            first.state.in_(OPEN_VISIT_STATES),
            second.state.in_(OPEN_VISIT_STATES),
            first_slot.starts_at < second_slot.ends_at,
            second_slot.starts_at < first_slot.ends_at,
        )
        .order_by(first.id, second.id)
    )
    return [
        Drift(
            "visits.class_in_one_place",
            f"school class {class_id}",
            f"lab visits {one} and {other} are open",
            "their slots overlap in time",
        )
        for class_id, one, other in session.execute(query)
    ]


def _pupils_on_visits_ahead(session: Session, now: datetime, states, *, born_after=None):
    """Pupils on visits ahead with the site's minimum age and their lab-visit consent in force:
    one query; the exact age on the visit's day is worked out from its rows."""
    consent = aliased(Consent)
    query = (
        sa.select(
            LabVisit.id,
            LabVisit.state,
            VisitSlot.starts_at,
            LabSite.minimum_age,
            Student.id,
            Student.birth_date,
            consent.id,
            consent.expires_on,
        )
        .join(VisitSlot, VisitSlot.id == LabVisit.slot_id)
        .join(LabSite, LabSite.id == VisitSlot.site_id)
        .join(VisitParticipant, VisitParticipant.visit_id == LabVisit.id)
        .join(Student, Student.id == VisitParticipant.student_id)
        .outerjoin(
            consent,
            sa.and_(
                consent.student_id == Student.id,
                consent.kind == ConsentKind.LAB_VISITS,
                consent.withdrawn_at.is_(None),
                consent.superseded_at.is_(None),
            ),
        )
        .where(LabVisit.state.in_(states), VisitSlot.starts_at > now)
        .order_by(LabVisit.id, Student.id)
    )
    if born_after is not None:
        query = query.where(Student.birth_date > born_after)
    return session.execute(query)


def minors_have_consent(session: Session, now: datetime) -> list[Drift]:
    """Every pupil under 18 on a confirmed visit ahead has a lab-visit consent valid that day."""
    # Only pupils under 18 today can be under 18 on a day ahead.
    minors_today = born_after_for_minor(local_date(now))
    drifts = []
    for (
        visit_id,
        _,
        starts_at,
        _,
        pupil_id,
        birth,
        consent_id,
        expires_on,
    ) in _pupils_on_visits_ahead(session, now, [VisitState.CONFIRMED], born_after=minors_today):
        day = local_date(starts_at)
        if age_on(birth, day) >= ADULT_AGE:
            continue
        if consent_id is not None and (expires_on is None or expires_on >= day):
            continue
        reason = "no lab-visit consent in force" if consent_id is None else "consent expired"
        drifts.append(
            Drift(
                "visits.minors_have_consent",
                f"lab visit {visit_id}, pupil {pupil_id}",
                f"confirmed for {day.isoformat()}",
                f"aged {age_on(birth, day)} with {reason}",
            )
        )
    return drifts


def pupils_old_enough(session: Session, now: datetime) -> list[Drift]:
    """No pupil on an open visit ahead is younger than the site's minimum age that day."""
    drifts = []
    for visit_id, state, starts_at, minimum_age, pupil_id, birth, _, _ in _pupils_on_visits_ahead(
        session, now, OPEN_VISIT_STATES
    ):
        day = local_date(starts_at)
        if minimum_age and age_on(birth, day) < minimum_age:
            drifts.append(
                Drift(
                    "visits.pupils_old_enough",
                    f"lab visit {visit_id}, pupil {pupil_id}",
                    f"{state.value} for {day.isoformat()} at a site from {minimum_age} years",
                    f"aged {age_on(birth, day)}",
                )
            )
    return drifts


CHECKS = (
    persons_booked,
    slot_within_capacity,
    no_open_visit_on_cancelled_slot,
    class_in_one_place,
    minors_have_consent,
    pupils_old_enough,
)
