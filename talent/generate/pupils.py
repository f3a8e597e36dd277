"""Classes and pupils per school year, their guardians and consents, a few pupil accounts,
and each school year's talent programme (talent.generate.programmes).

What the later phases must respect is kept in ``ctx.facts``: each pupil's birth date
(``births``), when each pupil's lab-visit consent was withdrawn, None while it is in force
(``lab_consents``; pupils never given one are absent), and the anchor class's pupils whose
lab-visit consent the demo's teacher still has to chase (``consent_gaps``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from talent.consents.models import Consent, ConsentKind, ConsentMethod, Guardian
from talent.generate.base import EMAIL_DOMAIN, Context
from talent.generate.people import user
from talent.generate.programmes import add_programme
from talent.people.models import Role
from talent.schools.models import SchoolClass, Student

#: The consents the demo's pupil has, so that the pupil's programme and visits are in order.
SURE_KINDS = (ConsentKind.DATA_PROCESSING, ConsentKind.LAB_VISITS, ConsentKind.PROGRAMME)
CLASS_CODES = ("STA", "STB", "STC", "MK", "STD", "STE", "ID", "STF", "STG", "MKB", "STH", "STI")


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
    pupil = values["id"] = ctx.writer.new_id(Student)
    # The retention rule has anonymised those who left school long enough ago.
    if left <= ctx.retention_cutoff and not values["user_id"]:
        values.update(
            name=f"Erased pupil #{pupil}",
            birth_date=date(birth.year, 7, 1),
            erased_at=ctx.at(left + timedelta(days=3 * 365 + 7), 3),
        )
        ctx.facts["erased"].add(pupil)
    ctx.add(Student, **values)
    ctx.facts["births"][pupil] = values["birth_date"]
    ctx.facts["pupil_names"][pupil] = values["name"]
    if values["user_id"]:
        ctx.facts["pupil_accounts"][pupil] = values["user_id"]
    return pupil


def _erased_consents(ctx: Context, pupil: int, year: int) -> dict[ConsentKind, datetime | None]:
    """What erasure leaves of an anonymised pupil's consents: kind and dates, no names."""
    kinds = (ConsentKind.DATA_PROCESSING, ConsentKind.LAB_VISITS)
    for kind in kinds:
        given = ctx.at(date(year, 8, 25) + timedelta(days=ctx.rng.randint(0, 30)), 19)
        ctx.add(
            Consent,
            student_id=pupil,
            kind=kind,
            guardian_id=None,
            given_by="",
            given_at=given,
            method=ConsentMethod.PAPER,
            expires_on=date(year + 1, 6, 30) if kind is ConsentKind.LAB_VISITS else None,
            withdrawn_at=None,
            withdrawn_by="",
            superseded_at=None,
            recorded_by_id=None,
            note="",
            created_at=given,
        )
    return dict.fromkeys(kinds)


def _consents(
    ctx: Context, pupil: int, year: int, school: int, *, skip=(), enrolled=False, sure=False
) -> dict[ConsentKind, datetime | None]:
    """A pupil's guardians and the consents they gave; return when each kind given was
    withdrawn (None while in force). With ``sure`` (the demo's pupil) every consent the
    programme needs is given and stays in force."""
    rng = ctx.rng
    if pupil in ctx.facts["erased"]:
        return _erased_consents(ctx, pupil, year)
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
    if sure:
        chances.update(dict.fromkeys(SURE_KINDS, 1.0))
    recorded = {}
    for kind, chance in chances.items():
        if kind in skip or rng.random() >= chance:
            continue
        given = ctx.at(date(year, 8, 25) + timedelta(days=rng.randint(0, 30)), 19)
        # Withdrawn some weeks after it was given: never later than now.
        withdrawn_at = given + timedelta(days=40)
        withdrawn = rng.random() < 0.04 and withdrawn_at < ctx.now and not sure
        recorded[kind] = withdrawn_at if withdrawn else None
        ctx.add(
            Consent,
            student_id=pupil,
            kind=kind,
            guardian_id=guardian,
            given_by=guardian_name,
            given_at=given,
            method=rng.choice(tuple(ConsentMethod)),
            expires_on=date(year + 1, 6, 30) if kind is ConsentKind.LAB_VISITS else None,
            withdrawn_at=recorded[kind],
            withdrawn_by=guardian_name if withdrawn else "",
            superseded_at=None,
            recorded_by_id=ctx.rng.choice(ctx.facts["teachers"][school]),
            note="",
            created_at=given,
        )
    return recorded


def generate_pupils(ctx: Context):
    """One year at a time: classes, pupils, guardians, consents and the programmes."""
    rng = ctx.rng
    per_school = _pupils_per_school_year(ctx)
    classes = ctx.facts.setdefault("classes", {})
    ctx.facts["pupil_names"], ctx.facts["pupil_accounts"], ctx.facts["class_names"] = {}, {}, {}
    ctx.facts["erased"] = set()
    ctx.facts["births"], ctx.facts["lab_consents"], ctx.facts["consent_gaps"] = {}, {}, []
    anchors = ctx.anchors
    for year in ctx.years:
        for school in ctx.ids["schools"]:
            if ctx.facts["school_joins"][school] > year:
                continue
            count = max(1, round(per_school / 22))
            made = []
            for index in range(count):
                grade = (2, 3, 1)[index % 3]  # the programme takes 2nd and 3rd years
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
                    and index == 0
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
            programme_consents = {}
            for class_id, pupils, _grade in made:
                for position, pupil in enumerate(pupils):
                    # The anchor class has a few pupils without lab-visit consent: gaps to chase.
                    gap = class_id == ctx.facts.get("anchor_class") and 1 <= position <= 3
                    if gap:
                        ctx.facts["consent_gaps"].append(pupil)
                    recorded = _consents(
                        ctx,
                        pupil,
                        year,
                        school,
                        skip=(ConsentKind.LAB_VISITS,) if gap else (),
                        enrolled=pupil in chosen,
                        sure=pupil == anchor_pupil,
                    )
                    if ConsentKind.LAB_VISITS in recorded:
                        ctx.facts["lab_consents"][pupil] = recorded[ConsentKind.LAB_VISITS]
                    if ConsentKind.PROGRAMME in recorded:
                        programme_consents[pupil] = recorded[ConsentKind.PROGRAMME]
            if enrolled:
                add_programme(ctx, school, year, enrolled, programme_consents)
        yield 1


def pupils_steps(ctx: Context) -> int:
    return len(ctx.years)
