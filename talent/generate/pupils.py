"""Classes and pupils per school year, their guardians and consents, a few pupil accounts,
the talent programmes with tracks and enrollments, and what alumni went on to study."""

from __future__ import annotations

from datetime import date, timedelta

from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian
from talent.generate.base import EMAIL_DOMAIN, Context
from talent.generate.people import user
from talent.people.models import Role
from talent.programmes.models import (
    AlumniOutcome,
    EnrollmentState,
    FieldOfStudy,
    Programme,
    ProgrammeEnrollment,
    ProgrammeTrack,
)
from talent.schools.models import SchoolClass, Student

CLASS_CODES = ("STA", "STB", "STC", "MK", "STD", "STE", "ID", "STF", "STG", "MKB", "STH", "STI")
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


def _pupils_per_school_year(ctx: Context) -> int:
    joins = ctx.facts["school_joins"]
    school_years = sum(ctx.current_year - joined + 1 for joined in joins.values())
    return max(10, round(ctx.sizes.pupils / school_years))


def _pupil(ctx: Context, school: int, class_id: int, year: int, grade: int, **extra) -> int:
    rng = ctx.rng
    birth = date(year - 15 - grade, rng.randint(1, 12), rng.randint(1, 28))
    left = date(year + 4 - grade, 6, 20)
    values = {
        "school_id": school,
        "school_class_id": class_id,
        "name": ctx.name(),
        "birth_date": birth,
        "user_id": None,
        "created_at": ctx.at(date(year, 8, 20), 8),
        "left_school_on": left if left < ctx.today else None,
        "erased_at": None,
    }
    values.update(extra)
    pupil = ctx.add(Student, **values)
    ctx.facts["pupil_names"][pupil] = values["name"]
    if values["user_id"]:
        ctx.facts["pupil_accounts"][pupil] = values["user_id"]
    return pupil


def _consents(ctx: Context, pupil: int, year: int, school: int, *, skip=(), enrolled=False):
    rng = ctx.rng
    guardian_name = ctx.name()
    guardian = ctx.add(
        Guardian,
        student_id=pupil,
        name=guardian_name,
        email=f"guardian{pupil}@{EMAIL_DOMAIN}",
        phone="",
        link_sent_at=None,
        created_at=ctx.at(date(year, 8, 21), 9),
    )
    if rng.random() < 0.4:
        ctx.add(
            Guardian,
            student_id=pupil,
            name=ctx.name(),
            email="",
            phone=f"+47 9{rng.randint(1000000, 9999999)}",
            link_sent_at=None,
            created_at=ctx.at(date(year, 8, 21), 9),
        )
    chances = {
        ConsentKind.DATA_PROCESSING: 0.95,
        ConsentKind.LAB_VISITS: 0.85,
        ConsentKind.PHOTO_MEDIA: 0.6,
        ConsentKind.PROGRAMME: 0.9 if enrolled else 0.0,
    }
    for kind, chance in chances.items():
        if kind in skip or rng.random() >= chance:
            continue
        given = ctx.at(date(year, 8, 25) + timedelta(days=rng.randint(0, 30)), 19)
        withdrawn = rng.random() < 0.04 and given < ctx.now
        ctx.add(
            Consent,
            student_id=pupil,
            kind=kind,
            guardian_id=guardian,
            given_by=guardian_name,
            given_at=given,
            method=rng.choice(tuple(ConsentMethod)),
            expires_on=date(year + 1, 6, 30) if kind is ConsentKind.LAB_VISITS else None,
            withdrawn_at=given + timedelta(days=40) if withdrawn else None,
            withdrawn_by=guardian_name if withdrawn else "",
            superseded_at=None,
            recorded_by_id=ctx.rng.choice(ctx.facts["teachers"][school]),
            note="",
            created_at=given,
        )


def _programme(ctx: Context, school: int, year: int, enrolled: list[int]) -> None:
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
        withdrawn_at = applied + timedelta(days=rng.randint(20, 150))
        ctx.add(
            ProgrammeEnrollment,
            programme_id=programme,
            student_id=pupil,
            track_id=rng.choice(tracks),
            state=state,
            intended_field_at_start=start,
            intended_field_at_completion=completion,
            withdrawal_reason="Too much at school" if state is EnrollmentState.WITHDRAWN else "",
            applied_at=applied,
            activated_at=activated if held else None,
            completed_at=ended if state is EnrollmentState.COMPLETED else None,
            withdrawn_at=min(withdrawn_at, ctx.now) if state is EnrollmentState.WITHDRAWN else None,
            created_by_id=coordinator,
        )
        if completion is not None and year + 1 < ctx.current_year and rng.random() < 0.6:
            field = completion if rng.random() < 0.7 else rng.choice(tuple(FieldOfStudy)[:-2])
            ctx.add(
                AlumniOutcome,
                student_id=pupil,
                field=field,
                institution=rng.choice(INSTITUTIONS),
                study=field.value.replace("_", " ").capitalize(),
                reported_on=date(year + 2, 10, 1),
                recorded_by_id=coordinator,
                created_at=ctx.at(date(year + 2, 10, 1), 12),
            )


def generate_pupils(ctx: Context):
    """One year at a time: classes, pupils, guardians, consents and the programmes."""
    rng = ctx.rng
    per_school = _pupils_per_school_year(ctx)
    classes = ctx.facts.setdefault("classes", {})
    ctx.facts["pupil_names"], ctx.facts["pupil_accounts"], ctx.facts["class_names"] = {}, {}, {}
    anchors = ctx.anchors
    for year in ctx.years:
        for school in ctx.ids["schools"]:
            if ctx.facts["school_joins"][school] > year:
                continue
            count = max(1, round(per_school / 22))
            made = []
            for index in range(count):
                grade = 1 + index % 3
                name = f"{grade}{CLASS_CODES[(index // 3) % len(CLASS_CODES)]}"
                if index >= 3 * len(CLASS_CODES):
                    name += str(index // (3 * len(CLASS_CODES)) + 1)
                class_id = ctx.add(
                    SchoolClass,
                    school_id=school,
                    name=name,
                    school_year=year,
                    created_at=ctx.at(date(year, 8, 15), 9),
                )
                ctx.facts["class_names"][class_id] = name
                size = max(5, round(per_school / count) + rng.randint(-3, 3))
                pupils = []
                anchor_here = (
                    anchors.student
                    and year == ctx.current_year
                    and school == ctx.ids["schools"][0]
                    and index == 1 % count
                )
                if anchor_here:
                    pupils.append(
                        _pupil(
                            ctx,
                            school,
                            class_id,
                            year,
                            grade,
                            user_id=anchors.student,
                            name=ctx.facts["names"][anchors.student],
                        )
                    )
                    ctx.facts["anchor_pupil"] = pupils[0]
                    ctx.facts["anchor_pupil_school"] = school
                    ctx.facts["anchor_class"] = class_id
                while len(pupils) < size:
                    extra = {}
                    if year == ctx.current_year and rng.random() < 0.04:
                        extra["user_id"] = user(ctx, Role.STUDENT, school)
                    pupils.append(_pupil(ctx, school, class_id, year, grade, **extra))
                made.append((class_id, pupils, grade))
            classes[(school, year)] = made
            everyone = [pupil for _class, pupils, grade in made if grade >= 2 for pupil in pupils]
            anchor_pupil = ctx.facts.get("anchor_pupil")
            enrolled = rng.sample(everyone, max(1, len(everyone) // 4)) if everyone else []
            if anchor_pupil and any(anchor_pupil in pupils for _c, pupils, _g in made):
                enrolled = [anchor_pupil] + [p for p in enrolled if p != anchor_pupil]
            chosen = set(enrolled)
            for class_id, pupils, _grade in made:
                for position, pupil in enumerate(pupils):
                    # The anchor class has a few pupils without lab-visit consent: gaps to chase.
                    gap = class_id == ctx.facts.get("anchor_class") and 1 <= position <= 3
                    skip = (ConsentKind.LAB_VISITS,) if gap else ()
                    _consents(ctx, pupil, year, school, skip=skip, enrolled=pupil in chosen)
            if enrolled:
                _programme(ctx, school, year, enrolled)
        yield 1


def pupils_steps(ctx: Context) -> int:
    return len(ctx.years)
