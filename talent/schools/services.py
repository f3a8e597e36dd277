"""School classes and pupil records: creating, changing, moving and inviting pupils."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from talent.audit.services import record_event, snapshot
from talent.auth import policy
from talent.auth.services import normalize_email
from talent.clock import school_year_label, school_year_of, today_for
from talent.errors import AlreadyDone, Conflict, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Organization, OrganizationKind, Role, User
from talent.people.services import invite_user
from talent.schools.models import SchoolClass, Student
from talent.text import require_single_line

log = logging.getLogger(__name__)

CLASS_FIELDS = ("name", "school_id", "school_year")
STUDENT_FIELDS = ("name", "birth_date", "school_class_id")

CLASS_NAME_MAX = 40
STUDENT_NAME_MAX = 200
#: Letters (any alphabet) and digits, with single spaces or hyphens between them.
CLASS_NAME_PATTERN = re.compile(r"[^\W_]+(?:[ -]+[^\W_]+)*")
MIN_AGE, MAX_AGE = 5, 30
#: How many earlier school years the class form offers, besides this one and the next.
EARLIER_YEARS = 3
FIRST_SCHOOL_YEAR, LAST_SCHOOL_YEAR = 2000, 2100


# Dates -----------------------------------------------------------------------------------------


def school_year_options(today: date, *, include: int | None = None) -> list[int]:
    """Recent school years, newest first: next year, this one and a few before it."""
    current = school_year_of(today)
    years = set(range(current - EARLIER_YEARS, current + 2))
    if include is not None:
        years.add(include)
    return sorted(years, reverse=True)


def age_on(birth_date: date, day: date) -> int:
    """Whole years between a birth date and a day."""
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


# Checks ----------------------------------------------------------------------------------------


def _clean_class_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_l("Give the class a name, like 2STA."), field="name")
    if len(name) > CLASS_NAME_MAX:
        raise ValidationFailed(
            _l("Use at most %(max)d characters.", max=CLASS_NAME_MAX), field="name"
        )
    if not CLASS_NAME_PATTERN.fullmatch(name):
        raise ValidationFailed(
            _l("Use only letters, digits, spaces and hyphens, like 2STA or 3 MK-A."),
            field="name",
        )
    return name


def _clean_student_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed(_l("Type the pupil's name."), field="name")
    if len(name) > STUDENT_NAME_MAX:
        raise ValidationFailed(
            _l("Use at most %(max)d characters.", max=STUDENT_NAME_MAX), field="name"
        )
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise ValidationFailed(
            _l("The name contains characters that cannot be used."), field="name"
        )
    return name


def _check_birth_date(birth_date: date | None, today: date) -> None:
    if birth_date is None:
        raise ValidationFailed(_l("Type the birth date."), field="birth_date")
    if birth_date > today:
        raise ValidationFailed(_l("The birth date cannot be in the future."), field="birth_date")
    age = age_on(birth_date, today)
    if not MIN_AGE <= age <= MAX_AGE:
        raise ValidationFailed(
            _l(
                "That makes the pupil %(age)d years old; pupils are %(low)d to %(high)d. "
                "Check the year.",
                age=age,
                low=MIN_AGE,
                high=MAX_AGE,
            ),
            field="birth_date",
        )


def _check_school(actor: User, school: Organization | None, *, field: str) -> Organization:
    if school is None:
        raise ValidationFailed(
            _l("Your account is not linked to a school. Ask a coordinator to link it."),
            field=field,
        )
    if school.kind is not OrganizationKind.SCHOOL:
        raise ValidationFailed(_l("%(name)s is not a school.", name=school.name), field=field)
    if not policy.can(actor, "classes.manage", school):
        raise NotAllowed(_l("You can only manage the classes of your own school."))
    return school


def _class_name_taken(
    school_id: int, school_year: int, name: str, *, except_id: int | None
) -> bool:
    query = sa.select(SchoolClass.id).where(
        SchoolClass.school_id == school_id,
        SchoolClass.school_year == school_year,
        sa.func.lower(SchoolClass.name) == name.lower(),
    )
    if except_id is not None:
        query = query.where(SchoolClass.id != except_id)
    return db.session.scalar(query.limit(1)) is not None


def _flush_or_conflict(message, field: str | None = None) -> None:
    """Flush; a unique constraint that fails (someone was quicker) becomes a Conflict."""
    try:
        db.session.flush()
    except IntegrityError as error:
        log.info("unique constraint refused a change: %s", error.orig)
        raise Conflict(message, field=field) from error


# Classes ---------------------------------------------------------------------------------------


def save_class(
    actor: User,
    school_class: SchoolClass | None,
    *,
    name: str,
    school_year: int,
    school: Organization | None,
    now: datetime,
) -> SchoolClass:
    """Create a class, or change the given one's name, school year or school."""
    require_single_line(name=name)
    if school_class is not None:
        lock(school_class)
    name = _clean_class_name(name)
    if not FIRST_SCHOOL_YEAR <= school_year <= LAST_SCHOOL_YEAR:
        raise ValidationFailed(_l("Choose a school year from the list."), field="school_year")
    school = _check_school(actor, school, field="school_id")
    creating = school_class is None
    if not creating and school.id != school_class.school_id and _has_students(school_class):
        raise ValidationFailed(
            _l("The class has pupils, so it cannot change school. Move the pupils first."),
            field="school_id",
        )
    duplicate = _l(
        "%(school)s already has a class with this name in that school year.", school=school.name
    )
    if _class_name_taken(
        school.id, school_year, name, except_id=None if creating else school_class.id
    ):
        raise Conflict(duplicate, field="name")
    before = None if creating else snapshot(school_class, CLASS_FIELDS)
    if creating:
        school_class = SchoolClass(created_at=now)
        db.session.add(school_class)
    school_class.name, school_class.school_year = name, school_year
    school_class.school_id = school.id
    _flush_or_conflict(duplicate, "name")
    record_event(
        actor,
        "class.create" if creating else "class.update",
        school_class,
        now=now,
        label=f"{school_class.name} ({school_year_label(school_year)}), {school.name}",
        before=before,
        after=snapshot(school_class, CLASS_FIELDS),
    )
    log.info("class %s saved by user %s", school_class.id, actor.id)
    return school_class


def _has_students(school_class: SchoolClass) -> bool:
    query = sa.select(Student.id).where(Student.school_class_id == school_class.id).limit(1)
    return db.session.scalar(query) is not None


def own_school(actor: User) -> Organization | None:
    """The school a user limited to one school works at, or None if they have none."""
    school = actor.organization
    return school if school is not None and school.kind is OrganizationKind.SCHOOL else None


def classes_query(
    actor: User, *, school_id: int | None = None, school_year: int | None = None
) -> sa.Select:
    """The classes the actor may manage, newest school year first, then by school and name."""
    query = (
        sa.select(SchoolClass)
        .join(SchoolClass.school)
        .options(contains_eager(SchoolClass.school))
        .order_by(
            SchoolClass.school_year.desc(),
            sa.func.lower(Organization.name),
            sa.func.lower(SchoolClass.name),
            SchoolClass.id,
        )
    )
    scope = policy.school_scope(actor)
    if scope is not None:
        query = query.where(SchoolClass.school_id == scope)
    if school_id is not None:
        query = query.where(SchoolClass.school_id == school_id)
    if school_year is not None:
        query = query.where(SchoolClass.school_year == school_year)
    return query


def student_counts(class_ids: Iterable[int]) -> dict[int, int]:
    """How many pupils each of these classes has, in one query."""
    ids = list(class_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Student.school_class_id, sa.func.count(Student.id))
        .where(Student.school_class_id.in_(ids))
        .group_by(Student.school_class_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({class_id: count for class_id, count in rows})
    return counts


def class_years(actor: User) -> list[int]:
    """The school years in which the actor can see classes, newest first."""
    query = sa.select(SchoolClass.school_year).distinct().order_by(SchoolClass.school_year.desc())
    scope = policy.school_scope(actor)
    if scope is not None:
        query = query.where(SchoolClass.school_id == scope)
    return list(db.session.scalars(query))


def school_classes(school_id: int) -> list[SchoolClass]:
    """Every class of a school, newest school year first, by name."""
    query = (
        sa.select(SchoolClass)
        .where(SchoolClass.school_id == school_id)
        .order_by(SchoolClass.school_year.desc(), sa.func.lower(SchoolClass.name), SchoolClass.id)
    )
    return list(db.session.scalars(query))


# Pupils ----------------------------------------------------------------------------------------


def students_query(school_class: SchoolClass) -> sa.Select:
    """The pupils of a class by name."""
    return (
        sa.select(Student)
        .where(Student.school_class_id == school_class.id)
        .order_by(sa.func.lower(Student.name), Student.id)
    )


def unplaced_students_query(actor: User, *, school_id: int | None = None) -> sa.Select:
    """Pupils the actor may manage who are in no class, by school and name."""
    query = (
        sa.select(Student)
        .join(Student.school)
        .options(contains_eager(Student.school))
        .where(Student.school_class_id.is_(None))
        .order_by(sa.func.lower(Organization.name), sa.func.lower(Student.name), Student.id)
    )
    scope = policy.school_scope(actor)
    if scope is not None:
        query = query.where(Student.school_id == scope)
    if school_id is not None:
        query = query.where(Student.school_id == school_id)
    return query


def add_student(
    actor: User, school_class: SchoolClass, *, name: str, birth_date: date | None, now: datetime
) -> Student:
    """Add a pupil record to a class; the pupil needs no account."""
    require_single_line(name=name)
    if not policy.can(actor, "classes.manage", school_class):
        raise NotAllowed(_l("You can only manage the classes of your own school."))
    name = _clean_student_name(name)
    _check_birth_date(birth_date, today_for(actor, now))
    student = Student(
        school_id=school_class.school_id,
        school_class=school_class,
        name=name,
        birth_date=birth_date,
        created_at=now,
    )
    db.session.add(student)
    db.session.flush()
    record_event(
        actor,
        "student.create",
        student,
        now=now,
        after=snapshot(student, STUDENT_FIELDS),
    )
    log.info("pupil %s added to class %s by user %s", student.id, school_class.id, actor.id)
    return student


def _check_student(actor: User, student: Student) -> None:
    if not policy.can(actor, "classes.manage", student):
        raise NotAllowed(_l("You can only manage the pupils of your own school."))


def update_student(
    actor: User, student: Student, *, name: str, birth_date: date | None, now: datetime
) -> None:
    """Correct a pupil's name or birth date."""
    require_single_line(name=name)
    lock(student)
    _check_student(actor, student)
    name = _clean_student_name(name)
    _check_birth_date(birth_date, today_for(actor, now))
    before = snapshot(student, STUDENT_FIELDS)
    student.name, student.birth_date = name, birth_date
    db.session.flush()
    record_event(
        actor,
        "student.update",
        student,
        now=now,
        before=before,
        after=snapshot(student, STUDENT_FIELDS),
    )


def move_student(
    actor: User, student: Student, target: SchoolClass | None, *, now: datetime
) -> None:
    """Put a pupil in another class of the same school, or in none (the record stays)."""
    _check_student(actor, student)
    if target is not None and target.school_id != student.school_id:
        raise ValidationFailed(
            _l("Choose a class at the pupil's own school."), field="school_class_id"
        )
    target_id = target.id if target is not None else None
    lock(student)
    if target_id == student.school_class_id:
        raise AlreadyDone(
            _l("%(name)s is already in %(class_name)s.", name=student.name, class_name=target.label)
            if target is not None
            else _l("%(name)s is not in any class.", name=student.name)
        )
    before = snapshot(student, STUDENT_FIELDS)
    student.school_class = target
    db.session.flush()
    record_event(
        actor,
        "student.move" if target is not None else "student.remove",
        student,
        now=now,
        before=before,
        after=snapshot(student, STUDENT_FIELDS),
    )
    log.info("pupil %s moved to class %s by user %s", student.id, target_id, actor.id)


def invite_student(
    actor: User, student: Student, *, email: str, language: str = "nb", now: datetime
) -> User:
    """Give a pupil an account and e-mail them the invitation link (through the ledger)."""
    require_single_line(email=email)
    _check_student(actor, student)
    lock(student)
    if student.user_id is not None:
        if student.user.email == normalize_email(email):  # the same invitation sent twice
            raise AlreadyDone(_l("%(name)s already has an account.", name=student.name))
        raise Conflict(_l("This pupil already has an account."))
    user = invite_user(
        actor,
        email=email,
        name=student.name,
        roles={Role.STUDENT},
        organization=student.school,
        language=language,
        now=now,
    )
    student.user = user
    _flush_or_conflict(_l("This pupil already has an account."))
    record_event(
        actor,
        "student.invite",
        student,
        now=now,
        before={"user_id": None},
        after={"user_id": user.id},
    )
    log.info("pupil %s invited as user %s by user %s", student.id, user.id, actor.id)
    return user


def pupil_record_of(user: User) -> Student | None:
    """The pupil record linked to this account, with its school and class, if any."""
    return db.session.scalar(
        sa.select(Student)
        .where(Student.user_id == user.id, Student.erased_at.is_(None))
        .options(sa.orm.joinedload(Student.school), sa.orm.joinedload(Student.school_class))
    )
