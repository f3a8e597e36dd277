"""Pairings from proposal to their end, with the mentor's places held in the database."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from talent.audit.services import record_event
from talent.clock import today_for
from talent.errors import AlreadyDone, Conflict, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.mentoring.models import (
    MAX_CADENCE_DAYS,
    MIN_CADENCE_DAYS,
    OPEN_STATES,
    MenteeProfile,
    MentoringProgramme,
    MentoringSession,
    MentorProfile,
    Pairing,
    PairingState,
    PlannedSession,
)
from talent.mentoring.services import reminders
from talent.mentoring.services.matching import Joined, blocking_reasons, next_suggestion
from talent.people.models import User
from talent.schools.models import Student

log = logging.getLogger(__name__)

#: A pairing longer than this is a typing error.
MAX_PAIRING_DAYS = 3 * 366


def open_pairing_for(mentee: MenteeProfile, programme: MentoringProgramme) -> Pairing | None:
    return db.session.scalar(
        sa.select(Pairing).where(
            Pairing.mentee_id == mentee.id,
            Pairing.programme_id == programme.id,
            Pairing.state.in_(OPEN_STATES),
        )
    )


def _take_place(mentor: MentorProfile) -> bool:
    """Atomically take one of the mentor's places; False when none is free."""
    result = db.session.execute(
        sa.update(MentorProfile)
        .where(MentorProfile.id == mentor.id, MentorProfile.open_pairings < MentorProfile.capacity)
        .values(open_pairings=MentorProfile.open_pairings + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(mentor, ["open_pairings"])
    return result.rowcount == 1


def _release_place(mentor_id: int) -> None:
    db.session.execute(
        sa.update(MentorProfile)
        # Not clamped at zero: the pairing is locked, so its place is counted; a count below
        # zero would be drift, which the CHECK refuses rather than hides.
        .where(MentorProfile.id == mentor_id)
        .values(open_pairings=MentorProfile.open_pairings - 1)
        .execution_options(synchronize_session=False)
    )
    mentor = db.session.get(MentorProfile, mentor_id)
    if mentor is not None:
        db.session.expire(mentor, ["open_pairings"])


def _check_dates(starts_on: date | None, planned_end_on: date | None, cadence_days) -> None:
    if starts_on is None:
        raise ValidationFailed(_l("Give a start date."), field="starts_on")
    if planned_end_on is None:
        raise ValidationFailed(_l("Give a planned end date."), field="planned_end_on")
    if planned_end_on <= starts_on:
        raise ValidationFailed(
            _l("The planned end must be after the start."), field="planned_end_on"
        )
    if (planned_end_on - starts_on).days > MAX_PAIRING_DAYS:
        raise ValidationFailed(
            _l("A pairing can last at most three years."), field="planned_end_on"
        )
    if cadence_days is None or not MIN_CADENCE_DAYS <= cadence_days <= MAX_CADENCE_DAYS:
        raise ValidationFailed(
            _l("Between %(low)d and %(high)d days.", low=MIN_CADENCE_DAYS, high=MAX_CADENCE_DAYS),
            field="cadence_days",
        )


def propose_pairing(
    actor: User,
    mentee: MenteeProfile,
    mentor: MentorProfile,
    programme: MentoringProgramme,
    *,
    starts_on: date,
    planned_end_on: date,
    cadence_days: int | None = None,
    now: datetime,
) -> Pairing:
    """Propose a mentor for a mentee; the mentor has the programme's deadline to answer."""
    today = today_for(actor, now)
    if not programme.is_active:
        raise InvalidState(_l("This programme is closed for new pairings."), field="programme")
    if cadence_days is None:
        cadence_days = programme.cadence_for(mentee.kind)
    _check_dates(starts_on, planned_end_on, cadence_days)
    if starts_on < today - timedelta(days=31):
        raise ValidationFailed(_l("The start is too far in the past."), field="starts_on")
    if open_pairing_for(mentee, programme) is not None:
        raise Conflict(_l("%(name)s already has a pairing in this programme.", name=mentee.name))
    blocked = blocking_reasons(mentee, mentor, today=today)
    if blocked:
        if mentee.is_minor_on(today) and not mentor.is_vetted_on(today):
            message = _l(
                "%(mentor)s cannot be paired with a pupil under 18: %(reasons)s",
                mentor=mentor.name,
                reasons=Joined(blocked, " "),
            )
            raise NotAllowed(message)
        raise Conflict(
            _l(
                "%(mentor)s cannot be proposed: %(reasons)s",
                mentor=mentor.name,
                reasons=Joined(blocked, " "),
            )
        )
    pairing = Pairing(
        programme=programme,
        mentor=mentor,
        mentee=mentee,
        state=PairingState.PROPOSED,
        starts_on=starts_on,
        planned_end_on=planned_end_on,
        cadence_days=cadence_days,
        cadence_from=starts_on,
        proposed_at=now,
        proposed_by_id=actor.id,
        respond_by=now + timedelta(days=programme.proposal_days),
        created_at=now,
    )
    mentee_name = mentee.name  # a failed flush leaves nothing to load it with
    db.session.add(pairing)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise Conflict(
            _l("%(name)s was just paired in this programme by someone else.", name=mentee_name)
        ) from error
    if not _take_place(mentor):
        raise Conflict(
            _l("%(mentor)s has no free place left. Choose another mentor.", mentor=mentor.name)
        )
    record_event(actor, "pairing.propose", pairing, now=now, label=_label(pairing))
    reminders.proposal_made(pairing, now=now)
    log.info("pairing %s proposed by %s", pairing.id, actor.id)
    return pairing


def _label(pairing: Pairing) -> str:
    return f"{pairing.mentor.name} – {pairing.mentee.name}"


def _begin(pairing: Pairing, target: PairingState) -> None:
    """Lock the pairing and read it again before deciding; AlreadyDone if it got to the
    target state meanwhile (a double-click, a second scheduler, someone quicker)."""
    lock(pairing)
    if pairing.state is target:
        raise AlreadyDone(_l("This pairing is already %(state)s.", state=target.label))


def _move(
    actor: User | None, pairing: Pairing, target: PairingState, *, now: datetime, **fields
) -> None:
    """Change state along an allowed transition, with the fields that go with the new state;
    leaving the open states frees the mentor's place."""
    if not pairing.can_become(target):
        raise InvalidState(
            _l(
                "This pairing is %(state)s, so it cannot become %(target)s.",
                state=pairing.state.label,
                target=target.label,
            )
        )
    before = pairing.state
    for name, value in fields.items():
        setattr(pairing, name, value)
    pairing.state = target
    if before in OPEN_STATES and target not in OPEN_STATES:
        _release_place(pairing.mentor_id)
        pairing.ended_at = now
        _cancel_planned(pairing, now=now)
    db.session.flush()
    record_event(
        actor,
        f"pairing.{target.value}",
        pairing,
        now=now,
        label=_label(pairing),
        before={"state": before.value},
        after={"state": target.value},
    )


def _cancel_planned(pairing: Pairing, *, now: datetime) -> None:
    upcoming = db.session.scalars(
        sa.select(PlannedSession).where(
            PlannedSession.pairing_id == pairing.id,
            PlannedSession.cancelled_at.is_(None),
            PlannedSession.starts_at > now,
        )
    )
    for planned in upcoming:
        planned.cancelled_at = now
        reminders.planned_session_cancelled(planned, now=now)


def _check_answerable(pairing: Pairing, *, now: datetime) -> None:
    if pairing.state is PairingState.PROPOSED and now > pairing.respond_by:
        raise InvalidState(
            _l("The deadline to answer this proposal has passed. Ask the coordinator.")
        )


def accept_pairing(actor: User, pairing: Pairing, *, now: datetime) -> None:
    """The mentor accepts a proposal before its deadline."""
    _begin(pairing, PairingState.ACTIVE)
    _check_answerable(pairing, now=now)
    today = today_for(actor, now)
    if pairing.state is PairingState.PROPOSED and pairing.mentee.is_minor_on(today):
        problems = pairing.mentor.vetting_problems(today)
        if problems:
            raise NotAllowed(
                _l(
                    "Your vetting must be complete before you mentor a pupil under 18: "
                    "%(reasons)s Contact the coordinator.",
                    reasons=Joined(problems, " "),
                )
            )
    _move(actor, pairing, PairingState.ACTIVE, now=now, responded_at=now)
    reminders.proposal_answered(pairing, now=now)


def decline_pairing(actor: User, pairing: Pairing, *, reason: str = "", now: datetime) -> None:
    """The mentor declines; the coordinator hears of it with the next suggestion."""
    _begin(pairing, PairingState.DECLINED)
    _check_answerable(pairing, now=now)
    _move(
        actor,
        pairing,
        PairingState.DECLINED,
        now=now,
        responded_at=now,
        decline_reason=(reason or "").strip()[:500],
    )
    _tell_coordinator_of_refusal(pairing, now=now)


def lapse_pairing(pairing: Pairing, *, now: datetime) -> None:
    """A proposal nobody answered in time lapses (run by the scheduler)."""
    _begin(pairing, PairingState.LAPSED)
    _move(None, pairing, PairingState.LAPSED, now=now)
    _tell_coordinator_of_refusal(pairing, now=now)


def _tell_coordinator_of_refusal(pairing: Pairing, *, now: datetime) -> None:
    suggestion = next_suggestion(pairing.mentee, pairing.programme, today=today_for(None, now))
    reminders.proposal_answered(
        pairing, now=now, next_mentor_name=suggestion.mentor.name if suggestion else ""
    )


def pause_pairing(actor: User, pairing: Pairing, *, now: datetime) -> None:
    _begin(pairing, PairingState.PAUSED)
    _move(actor, pairing, PairingState.PAUSED, now=now)


def resume_pairing(actor: User, pairing: Pairing, *, now: datetime) -> None:
    """Resume a paused pairing; cadence counts afresh from today."""
    _begin(pairing, PairingState.ACTIVE)
    _move(
        actor,
        pairing,
        PairingState.ACTIVE,
        now=now,
        nudged_cycles=0,
        escalated_at=None,
        closing_warned_at=None,
        cadence_from=max(today_for(actor, now), pairing.cadence_from),
    )


def complete_pairing(actor: User, pairing: Pairing, *, now: datetime) -> None:
    _begin(pairing, PairingState.COMPLETED)
    _move(actor, pairing, PairingState.COMPLETED, now=now)
    reminders.pairing_closed(pairing, now=now)


def end_pairing_early(actor: User | None, pairing: Pairing, *, reason: str, now: datetime) -> None:
    """End a pairing before its planned end (or withdraw a proposal), saying why."""
    _begin(pairing, PairingState.ENDED_EARLY)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_l("Say why the pairing ends early."), field="reason")
    if len(reason) > 500:
        raise ValidationFailed(_l("Keep the reason under 500 characters."), field="reason")
    _move(actor, pairing, PairingState.ENDED_EARLY, now=now, end_reason=reason)
    reminders.pairing_closed(pairing, now=now)


# --- reading -------------------------------------------------------------------------------


def pairing_options():
    """Load a pairing's people, organisation and programme in the pairing's own query.

    They are all many-to-one, so joins add no rows; the roles of those people are not needed
    on a pairing's pages and are left unloaded.
    """
    mentor = joinedload(Pairing.mentor)
    mentee = joinedload(Pairing.mentee)
    return (
        mentor.joinedload(MentorProfile.user).lazyload(User.role_assignments),
        mentor.joinedload(MentorProfile.organization),
        mentee.joinedload(MenteeProfile.student)
        .joinedload(Student.user)
        .lazyload(User.role_assignments),
        mentee.joinedload(MenteeProfile.user).lazyload(User.role_assignments),
        joinedload(Pairing.programme),
    )


#: Built once: building the select with its loader options again on every request cost
#: more than running it.
_PAIRING_BY_ID = (
    sa.select(Pairing).where(Pairing.id == sa.bindparam("pairing_id")).options(*pairing_options())
)


def load_pairing(pairing_id: int) -> Pairing | None:
    return db.session.scalar(_PAIRING_BY_ID, {"pairing_id": pairing_id})


def minutes_by_pairing(pairing_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Logged and confirmed minutes per pairing, in one query."""
    if not pairing_ids:
        return {}
    confirmed = sa.case(
        (MentoringSession.confirmed_at.is_not(None), MentoringSession.duration_minutes), else_=0
    )
    rows = db.session.execute(
        sa.select(
            MentoringSession.pairing_id,
            sa.func.sum(MentoringSession.duration_minutes),
            sa.func.sum(confirmed),
        )
        .where(MentoringSession.pairing_id.in_(pairing_ids))
        .group_by(MentoringSession.pairing_id)
    )
    return {pairing_id: (int(logged or 0), int(done or 0)) for pairing_id, logged, done in rows}


def next_planned_by_pairing(pairing_ids: list[int], *, now: datetime) -> dict[int, PlannedSession]:
    """The next planned, not cancelled session of each pairing, in one query."""
    if not pairing_ids:
        return {}
    planned = db.session.scalars(
        sa.select(PlannedSession)
        .where(
            PlannedSession.pairing_id.in_(pairing_ids),
            PlannedSession.cancelled_at.is_(None),
            PlannedSession.starts_at > now,
        )
        .order_by(PlannedSession.starts_at)
    )
    found: dict[int, PlannedSession] = {}
    for item in planned:
        found.setdefault(item.pairing_id, item)
    return found


def pairings_of_mentor(profile: MentorProfile, *, page: int, per_page: int = 20):
    """The mentor's own pairings: open ones first, then the latest."""
    open_first = sa.case((Pairing.state.in_(OPEN_STATES), 0), else_=1)
    select = (
        sa.select(Pairing)
        .where(Pairing.mentor_id == profile.id)
        .options(*pairing_options())
        .order_by(open_first, Pairing.proposed_at.desc(), Pairing.id.desc())
    )
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


def pairings_of_mentee(mentee: MenteeProfile) -> list[Pairing]:
    return list(
        db.session.scalars(
            sa.select(Pairing)
            .where(
                Pairing.mentee_id == mentee.id,
                Pairing.state.in_(
                    [
                        PairingState.ACTIVE,
                        PairingState.PAUSED,
                        PairingState.COMPLETED,
                        PairingState.ENDED_EARLY,
                    ]
                ),
            )
            .options(*pairing_options())
            .order_by(Pairing.starts_on.desc(), Pairing.id.desc())
        )
    )


def pairing_overview(
    *,
    page: int,
    per_page: int = 25,
    state: PairingState | None = None,
    programme_id: int | None = None,
    overdue_on: date | None = None,
):
    """All pairings for coordinators, filtered by state, programme or being overdue."""
    select = sa.select(Pairing).options(*pairing_options())
    if state is not None:
        select = select.where(Pairing.state == state)
    if programme_id is not None:
        select = select.where(Pairing.programme_id == programme_id)
    if overdue_on is not None:
        select = select.where(
            Pairing.state == PairingState.ACTIVE,
            Pairing.cadence_from < _days_before(overdue_on, Pairing.cadence_days),
        )
    select = select.order_by(Pairing.proposed_at.desc(), Pairing.id.desc())
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


def _days_before(day: date, days_column):
    """SQL for ``day - days_column days`` on SQLite and PostgreSQL alike."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        return sa.cast(sa.literal(day), sa.Date) - days_column
    return sa.func.date(sa.literal(day.isoformat()), sa.func.printf("-%d days", days_column))
