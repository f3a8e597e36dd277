"""A school's talent programme for one school year: tracks, enrollments with the intended
field of study at start and at completion, and what alumni went on to study."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from talent.consents.services import AGE_OF_CONSENT
from talent.generate.base import Context
from talent.programmes.models import (
    ALUMNI_FIELDS,
    AlumniOutcome,
    EnrollmentState,
    FieldOfStudy,
    Programme,
    ProgrammeEnrollment,
    ProgrammeTrack,
)
from talent.schools.services import age_on

TRACKS = ("Natural science", "Media", "Entrepreneurship")
START_FIELDS = (
    [FieldOfStudy.UNDECIDED] * 6
    + [FieldOfStudy.MEDICINE] * 4
    + [FieldOfStudy.NATURAL_SCIENCES] * 4
    + [FieldOfStudy.TECHNOLOGY] * 3
    + [FieldOfStudy.OTHER] * 3
)
TARGET = (FieldOfStudy.MEDICINE, FieldOfStudy.NATURAL_SCIENCES)
INSTITUTIONS = ("Universitetet i Oslo", "NTNU", "Universitetet i Bergen", "UiT", "Karolinska")


def _without_consent(
    ctx: Context, pupil: int, state: EnrollmentState, consents: dict[int, datetime | None]
) -> tuple[EnrollmentState, datetime | None]:
    """What becomes of an enrollment this school year while a pupil under 18 has no programme
    consent in force: an applicant waits for it, and a pupil whose guardian withdrew it left.

    Returns the state and, for a withdrawal, when it happened."""
    in_force = pupil in consents and consents[pupil] is None
    if state is not EnrollmentState.ACTIVE or in_force:
        return state, None
    if age_on(ctx.facts["births"][pupil], ctx.today) >= AGE_OF_CONSENT:
        return state, None
    if pupil not in consents:
        return EnrollmentState.APPLIED, None
    return EnrollmentState.WITHDRAWN, consents[pupil]


def _withdrawal_reason(ctx: Context, pupil: int, state: EnrollmentState, consent_withdrawn) -> str:
    if state is not EnrollmentState.WITHDRAWN or pupil in ctx.facts["erased"]:
        return ""
    if pupil in consent_withdrawn:
        return "The guardian withdrew the consent."
    return "Too much at school"


def add_programme(
    ctx: Context,
    school: int,
    year: int,
    enrolled: list[int],
    consents: dict[int, datetime | None],
) -> None:
    """``consents`` says when each pupil's programme consent was withdrawn (None while in force;
    pupils never given one are absent)."""
    rng = ctx.rng
    current = year == ctx.current_year
    states = []
    for _ in enrolled:
        roll = rng.random()
        if current:
            states.append(
                EnrollmentState.ACTIVE
                if roll < 0.75
                else EnrollmentState.APPLIED
                if roll < 0.9
                else EnrollmentState.WITHDRAWN
            )
        else:
            states.append(EnrollmentState.COMPLETED if roll < 0.78 else EnrollmentState.WITHDRAWN)
    if current and ctx.facts.get("anchor_pupil_school") == school:
        states[0] = EnrollmentState.ACTIVE
    consent_withdrawn = {}
    for index, pupil in enumerate(enrolled):
        states[index], withdrawn_at = _without_consent(ctx, pupil, states[index], consents)
        if withdrawn_at is not None:
            consent_withdrawn[pupil] = withdrawn_at
    taken = sum(s in (EnrollmentState.ACTIVE, EnrollmentState.COMPLETED) for s in states)
    programme = ctx.add(
        Programme,
        name=f"Talent programme {ctx.facts['org_names'][school]}",
        school_year=year,
        school_id=school,
        description="Lab visits, guest lectures, projects and a mentor for pupils curious "
        "about medicine and the natural sciences.",
        capacity=max(30, taken + 5),
        places_taken=taken,
        created_at=ctx.at(date(year, 8, 15), 9),
    )
    tracks = [ctx.add(ProgrammeTrack, programme_id=programme, name=name) for name in TRACKS]
    ctx.facts.setdefault("programmes", {})[(school, year)] = programme
    coordinator = rng.choice(ctx.ids["coordinators"])
    applied = ctx.at(date(year, 9, 1) + timedelta(days=rng.randint(0, 20)), 10)
    for pupil, state in zip(enrolled, states, strict=True):
        start = rng.choice(START_FIELDS)
        completion = None
        if state is EnrollmentState.COMPLETED:
            completion = start
            if start not in TARGET and rng.random() < 0.35:
                completion = rng.choice(TARGET)
        activated = applied + timedelta(days=14)
        held = state is not EnrollmentState.APPLIED and activated < ctx.now
        ended = ctx.at(date(year + 1, 6, 10), 12)
        withdrawn_at = consent_withdrawn.get(
            pupil, min(applied + timedelta(days=rng.randint(20, 150)), ctx.now)
        )
        ctx.add(
            ProgrammeEnrollment,
            programme_id=programme,
            student_id=pupil,
            track_id=rng.choice(tracks),
            state=state,
            intended_field_at_start=start,
            intended_field_at_completion=completion,
            withdrawal_reason=_withdrawal_reason(ctx, pupil, state, consent_withdrawn),
            applied_at=applied,
            activated_at=activated if held else None,
            completed_at=ended if state is EnrollmentState.COMPLETED else None,
            withdrawn_at=withdrawn_at if state is EnrollmentState.WITHDRAWN else None,
            created_by_id=coordinator,
        )
        if completion is not None and year + 1 < ctx.current_year and rng.random() < 0.6:
            field = completion if rng.random() < 0.7 else rng.choice(ALUMNI_FIELDS)
            erased = pupil in ctx.facts["erased"]
            ctx.add(
                AlumniOutcome,
                student_id=pupil,
                field=field,
                institution="" if erased else rng.choice(INSTITUTIONS),
                study="" if erased else field.value.replace("_", " ").capitalize(),
                reported_on=date(year + 2, 10, 1),
                recorded_by_id=coordinator,
                created_at=ctx.at(date(year + 2, 10, 1), 12),
            )
