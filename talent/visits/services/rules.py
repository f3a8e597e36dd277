"""The rules a booking must keep, each with a message that says what to change.

Booking, changing and moving a visit all run ``booking_problems``; confirming it also lists
the pupils without a valid lab-visit consent (``consent_blockers``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from talent.clock import local_date
from talent.errors import ValidationFailed
from talent.extensions import db
from talent.schools.models import SchoolClass, Student
from talent.visits.models import (
    OPEN_VISIT_STATES,
    LabVisit,
    SchoolBlackout,
    VisitSlot,
)
from talent.visits.services.common import show_day, show_span


@dataclass(frozen=True)
class Problem:
    message: Any
    #: The form field the message belongs beside, or None for the top of the form.
    field: str | None = None


class RulesBroken(ValidationFailed):
    """One or more rules refused the booking; every problem is in ``problems``."""

    def __init__(self, problems: Sequence[Problem]):
        first = problems[0]
        super().__init__(first.message, field=first.field)
        self.problems = list(problems)


@dataclass(frozen=True)
class Group:
    """Who goes on a visit: a class, the pupils from its roster and the adults with them."""

    school_class: SchoolClass
    pupils: Sequence[Student]
    pupils_count: int
    adults_count: int

    @property
    def persons(self) -> int:
        return self.pupils_count + self.adults_count


def class_size(school_class: SchoolClass) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Student.id)).where(Student.school_class_id == school_class.id)
    )


def adults_needed(pupils: int, pupils_per_adult: int) -> int:
    """At least one adult, and one more for every started ``pupils_per_adult`` pupils."""
    return max(1, math.ceil(pupils / pupils_per_adult))


def slot_problems(slot: VisitSlot, *, now: datetime) -> list[Problem]:
    if slot.is_cancelled:
        return [Problem(_l("This slot was cancelled by the host. Choose another slot."))]
    if slot.starts_at <= now:
        return [Problem(_l("This slot has already started. Choose a later slot."))]
    if not slot.site.is_active:
        return [Problem(_l("This lab site no longer takes visits. Choose another slot."))]
    return []


def group_problems(slot: VisitSlot, group: Group) -> list[Problem]:
    """Size of the group against the class, the slot and the site's adult ratio."""
    problems = []
    school_class = group.school_class
    size = class_size(school_class)
    if group.pupils_count < 1:
        problems.append(Problem(_l("A visit needs at least one pupil."), "pupils_count"))
    elif group.pupils_count > size:
        problems.append(
            Problem(
                _l(
                    "%(name)s has %(size)d pupils, so you cannot bring %(count)d. Lower the "
                    "number of pupils, or add the missing pupils to the class first.",
                    name=school_class.name,
                    size=size,
                    count=group.pupils_count,
                ),
                "pupils_count",
            )
        )
    elif len(group.pupils) != group.pupils_count:
        problems.append(
            Problem(
                _l(
                    "You ticked %(ticked)d pupils but wrote %(count)d. Tick exactly the pupils "
                    "who come, or change the number.",
                    ticked=len(group.pupils),
                    count=group.pupils_count,
                ),
                "pupils",
            )
        )
    site = slot.site
    needed_adults = adults_needed(max(group.pupils_count, 0), site.pupils_per_adult)
    if group.adults_count < needed_adults:
        problems.append(
            Problem(
                _l(
                    "Bring at least %(needed)d adults for %(pupils)d pupils: %(site)s asks for "
                    "one adult per %(ratio)d pupils.",
                    needed=needed_adults,
                    pupils=group.pupils_count,
                    site=site.name,
                    ratio=site.pupils_per_adult,
                ),
                "adults_count",
            )
        )
    if group.persons > slot.capacity:
        problems.append(
            Problem(
                _l(
                    "The slot takes at most %(capacity)d persons, pupils and adults together; "
                    "your group is %(persons)d. Split the class over two slots or choose a "
                    "bigger one.",
                    capacity=slot.capacity,
                    persons=group.persons,
                ),
                "pupils_count",
            )
        )
    return problems


def age_problems(slot: VisitSlot, pupils: Sequence[Student]) -> list[Problem]:
    site = slot.site
    if not site.minimum_age:
        return []
    day = local_date(slot.starts_at)
    too_young = [pupil for pupil in pupils if pupil.age_on(day) < site.minimum_age]
    if not too_young:
        return []
    names = ", ".join(f"{pupil.name} ({pupil.age_on(day)})" for pupil in too_young)
    return [
        Problem(
            _l(
                "%(site)s takes pupils from %(age)d years; on %(day)s these are younger: "
                "%(names)s. Untick them, or choose a site without this limit.",
                site=site.name,
                age=site.minimum_age,
                day=show_day(day),
                names=names,
            ),
            "pupils",
        )
    ]


def overlapping_visits(
    school_class: SchoolClass, slot: VisitSlot, *, exclude_visit_id: int | None
) -> list[LabVisit]:
    """The class's other open visits at times that overlap the slot's."""
    query = (
        sa.select(LabVisit)
        .join(LabVisit.slot)
        .options(sa.orm.contains_eager(LabVisit.slot).joinedload(VisitSlot.site))
        .where(
            LabVisit.school_class_id == school_class.id,
            LabVisit.state.in_(OPEN_VISIT_STATES),
            VisitSlot.starts_at < slot.ends_at,
            VisitSlot.ends_at > slot.starts_at,
        )
        .order_by(VisitSlot.starts_at)
    )
    if exclude_visit_id is not None:
        query = query.where(LabVisit.id != exclude_visit_id)
    return list(db.session.scalars(query))


def clash_problems(
    school_class: SchoolClass, slot: VisitSlot, *, exclude_visit_id: int | None
) -> list[Problem]:
    return [
        Problem(
            _l(
                "%(name)s is already booked at %(site)s on %(when)s. A class cannot be in two "
                "places at once: cancel or move that visit first, or choose another time.",
                name=school_class.name,
                site=other.slot.site.name,
                when=show_span(other.slot.starts_at, other.slot.ends_at),
            )
        )
        for other in overlapping_visits(school_class, slot, exclude_visit_id=exclude_visit_id)
    ]


def blackouts_between(school_id: int, first, last) -> list[SchoolBlackout]:
    query = (
        sa.select(SchoolBlackout)
        .where(
            SchoolBlackout.school_id == school_id,
            SchoolBlackout.starts_on <= last,
            SchoolBlackout.ends_on >= first,
        )
        .order_by(SchoolBlackout.starts_on)
    )
    return list(db.session.scalars(query))


def blackout_problems(school_class: SchoolClass, slot: VisitSlot) -> list[Problem]:
    first, last = local_date(slot.starts_at), local_date(slot.ends_at)
    return [
        Problem(
            _l(
                "%(day)s falls in %(reason)s (%(start)s–%(end)s), when your school takes no "
                "visits. Choose a slot on another day.",
                day=show_day(first),
                reason=blackout.reason,
                start=show_day(blackout.starts_on),
                end=show_day(blackout.ends_on),
            )
        )
        for blackout in blackouts_between(school_class.school_id, first, last)
    ]


def booking_problems(
    slot: VisitSlot, group: Group, *, now: datetime, exclude_visit_id: int | None = None
) -> list[Problem]:
    """Every rule a booking on this slot breaks; empty when it may go ahead."""
    problems = slot_problems(slot, now=now)
    if problems:
        return problems
    return [
        *group_problems(slot, group),
        *age_problems(slot, group.pupils),
        *clash_problems(group.school_class, slot, exclude_visit_id=exclude_visit_id),
        *blackout_problems(group.school_class, slot),
    ]


def check_booking(
    slot: VisitSlot, group: Group, *, now: datetime, exclude_visit_id: int | None = None
) -> None:
    """Raise RulesBroken with every problem, if there is any."""
    problems = booking_problems(slot, group, now=now, exclude_visit_id=exclude_visit_id)
    if problems:
        raise RulesBroken(problems)


def missing_lab_visit_consents(pupils: Sequence[Student], *, on) -> dict[int, str]:
    """The one hook to the consent records: per pupil under 18 without a valid lab-visit
    consent on that day, what is missing."""
    from talent.consents.models import ConsentKind
    from talent.consents.services import missing_consents

    return missing_consents(pupils, ConsentKind.LAB_VISITS, on=on)


def consent_blockers(visit: LabVisit) -> list[str]:
    """Why the visit cannot be confirmed yet for want of consents: one line per pupil."""
    pupils = [participant.student for participant in visit.participants]
    missing = missing_lab_visit_consents(pupils, on=local_date(visit.slot.starts_at))
    return [
        missing[pupil.id] for pupil in sorted(pupils, key=lambda p: p.name) if pupil.id in missing
    ]
