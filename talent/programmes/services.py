"""Running talent programmes: programmes and tracks, enrollments and their states, outcomes.

Every change of an enrollment's state locks the enrollment first (``talent.locking.lock``) and
decides on the state it re-read, so a double-click or a second coordinator finds the change
made and is told so. Capacity holds under concurrent requests: a place is taken by one
conditional UPDATE (``places_taken < capacity``), and a CHECK constraint on the table is the
final guarantee.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from talent.audit.services import record_event, snapshot
from talent.auth import policy
from talent.clock import local_date
from talent.consents.models import ConsentKind
from talent.consents.services import clean_text, missing_consents
from talent.errors import AlreadyDone, Conflict, InvalidState, NotAllowed, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.people.models import Organization, OrganizationKind, User
from talent.programmes.models import (
    ALUMNI_FIELDS,
    INTENDED_FIELDS,
    AlumniOutcome,
    EnrollmentState,
    FieldOfStudy,
    Programme,
    ProgrammeEnrollment,
    ProgrammeTrack,
)
from talent.schools.models import SchoolClass, Student
from talent.text import require_single_line

log = logging.getLogger(__name__)

PROGRAMME_FIELDS = ("name", "school_year", "school_id", "capacity", "description")
ENROLLMENT_FIELDS = ("state", "track_id", "intended_field_at_start", "intended_field_at_completion")
MAX_CAPACITY = 10_000
MAX_TRACKS = 20


# Programmes -----------------------------------------------------------------------------------


def programmes_query(
    viewer: User, *, school_year: int | None = None, search: str = ""
) -> sa.Select:
    """Programmes the viewer may see, newest school year first."""
    query = sa.select(Programme).options(
        selectinload(Programme.tracks), joinedload(Programme.school)
    )
    scope = policy.school_scope(viewer)
    if scope is not None:
        query = query.where(sa.or_(Programme.school_id.is_(None), Programme.school_id == scope))
    if school_year is not None:
        query = query.where(Programme.school_year == school_year)
    if search.strip():
        query = query.where(
            sa.func.lower(Programme.name).contains(search.strip().lower(), autoescape=True)
        )
    return query.order_by(Programme.school_year.desc(), Programme.name, Programme.id)


def _clean_tracks(names: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in names:
        name = clean_text(raw, field="tracks", max_length=100)
        if not name:
            continue
        seen.setdefault(name.casefold(), name)
    if len(seen) > MAX_TRACKS:
        raise ValidationFailed(
            _l("A programme has at most %(count)d tracks.", count=MAX_TRACKS), field="tracks"
        )
    return list(seen.values())


def _sync_tracks(programme: Programme, names: list[str]) -> None:
    wanted = {name.casefold(): name for name in names}
    keep = []
    for track in programme.tracks:
        if track.name.casefold() in wanted:
            track.name = wanted.pop(track.name.casefold())
            keep.append(track)
            continue
        in_use = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ProgrammeEnrollment)
            .where(ProgrammeEnrollment.track_id == track.id)
        )
        if in_use:
            raise InvalidState(
                _l(
                    "The track %(track)s has %(count)d pupils; move them to another track "
                    "before removing it.",
                    track=track.name,
                    count=in_use,
                ),
                field="tracks",
            )
    programme.tracks = keep + [ProgrammeTrack(name=name) for name in wanted.values()]


def save_programme(
    actor: User,
    programme: Programme | None,
    *,
    name: str,
    school_year: int,
    capacity: int,
    school: Organization | None = None,
    description: str = "",
    tracks: Iterable[str] = (),
    now: datetime,
) -> Programme:
    """Create a programme or change one; capacity cannot drop below the places taken."""
    require_single_line(name=name)
    name = clean_text(name, field="name", max_length=200)
    if not name:
        raise ValidationFailed(_l("Give the programme a name."), field="name")
    description = clean_text(description, field="description", max_length=5000, multiline=True)
    if not 2000 <= school_year <= 2100:
        raise ValidationFailed(_l("Choose a school year."), field="school_year")
    if not 0 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            _l("The capacity is a number from 0 to %(max)d.", max=MAX_CAPACITY), field="capacity"
        )
    if school is not None and school.kind is not OrganizationKind.SCHOOL:
        raise ValidationFailed(_l("Choose a school."), field="school_id")
    track_names = _clean_tracks(tracks)
    creating = programme is None
    if not creating:
        lock(programme)  # the places taken are compared with the new capacity
    if not creating and capacity < programme.places_taken:
        raise ValidationFailed(
            _l(
                "%(count)d pupils already hold a place; the capacity cannot be lower.",
                count=programme.places_taken,
            ),
            field="capacity",
        )
    taken = sa.select(Programme.id).where(
        sa.func.lower(Programme.name) == name.lower(), Programme.school_year == school_year
    )
    if not creating:
        taken = taken.where(Programme.id != programme.id)
    if db.session.scalar(taken) is not None:
        raise Conflict(
            _l("A programme with this name already exists in that school year."), field="name"
        )
    before = None if creating else snapshot(programme, PROGRAMME_FIELDS)
    if creating:
        programme = Programme(places_taken=0, created_at=now)
        db.session.add(programme)
    programme.name, programme.school_year, programme.capacity = name, school_year, capacity
    programme.school = school
    programme.description = description
    _sync_tracks(programme, track_names)
    db.session.flush()
    record_event(
        actor,
        "programme.create" if creating else "programme.update",
        programme,
        now=now,
        label=programme.label,
        before=before,
        after=snapshot(programme, PROGRAMME_FIELDS),
    )
    return programme


# Enrollments ----------------------------------------------------------------------------------


def enrollments_query(programme: Programme, viewer: User, *, state=None) -> sa.Select:
    """The programme's enrollments the viewer may see, with pupil, class and track loaded."""
    query = (
        sa.select(ProgrammeEnrollment)
        .join(ProgrammeEnrollment.student)
        .where(ProgrammeEnrollment.programme_id == programme.id)
        .options(
            joinedload(ProgrammeEnrollment.student).joinedload(Student.school_class),
            joinedload(ProgrammeEnrollment.track),
        )
        .order_by(Student.name, ProgrammeEnrollment.id)
    )
    scope = policy.school_scope(viewer)
    if scope is not None:
        query = query.where(Student.school_id == scope)
    if state is not None:
        query = query.where(ProgrammeEnrollment.state == state)
    return query


def state_counts(programme: Programme, viewer: User) -> dict[EnrollmentState, int]:
    query = (
        sa.select(ProgrammeEnrollment.state, sa.func.count())
        .join(ProgrammeEnrollment.student)
        .where(ProgrammeEnrollment.programme_id == programme.id)
        .group_by(ProgrammeEnrollment.state)
    )
    scope = policy.school_scope(viewer)
    if scope is not None:
        query = query.where(Student.school_id == scope)
    counts = dict.fromkeys(EnrollmentState, 0)
    counts.update(dict(db.session.execute(query).all()))
    return counts


def enrollable_pupils(programme: Programme, school_class: SchoolClass) -> list[Student]:
    """Pupils of a class who are not in the programme yet (or only withdrawn), by name."""
    enrolled = sa.select(ProgrammeEnrollment.student_id).where(
        ProgrammeEnrollment.programme_id == programme.id,
        ProgrammeEnrollment.state != EnrollmentState.WITHDRAWN,
    )
    query = (
        sa.select(Student)
        .where(
            Student.school_class_id == school_class.id,
            Student.erased_at.is_(None),
            Student.id.not_in(enrolled),
        )
        .order_by(Student.name, Student.id)
    )
    return list(db.session.scalars(query))


def _check_field(field: FieldOfStudy | None, allowed, form_field: str) -> None:
    if field is not None and field not in allowed:
        raise ValidationFailed(_l("Choose one of the fields of study offered."), field=form_field)


def enroll_pupils(
    actor: User,
    programme: Programme,
    students: list[Student],
    *,
    track: ProgrammeTrack | None = None,
    intended_field: FieldOfStudy | None = None,
    now: datetime,
) -> list[ProgrammeEnrollment]:
    """Enroll pupils as applicants: all of them or, if one cannot be, none."""
    if not students:
        raise ValidationFailed(_l("Choose at least one pupil."), field="student_ids")
    if track is not None and track.programme_id != programme.id:
        raise ValidationFailed(_l("Choose one of this programme's tracks."), field="track_id")
    _check_field(intended_field, INTENDED_FIELDS, "intended_field")
    for student in students:
        if not policy.can(actor, "enrollments.manage", student):
            raise NotAllowed(_l("You can only enroll pupils of your own school."))
        if student.erased_at is not None:
            raise InvalidState(_l("An erased pupil cannot be enrolled."), field="student_ids")
        if programme.school_id is not None and student.school_id != programme.school_id:
            raise ValidationFailed(
                _l(
                    "%(name)s is at %(school)s; this programme is for pupils of %(own)s.",
                    name=student.name,
                    school=student.school.name,
                    own=programme.school.name,
                ),
                field="student_ids",
            )
    lock(programme)  # enrollments into one programme queue here, so a repeat sees the first
    ids = [student.id for student in students]
    already = db.session.scalars(
        sa.select(ProgrammeEnrollment)
        .where(
            ProgrammeEnrollment.programme_id == programme.id,
            ProgrammeEnrollment.student_id.in_(ids),
            ProgrammeEnrollment.state != EnrollmentState.WITHDRAWN,
        )
        .options(joinedload(ProgrammeEnrollment.student))
    ).all()
    if already:
        names = ", ".join(sorted(e.student.name for e in already))
        if len(already) == len(set(ids)):
            raise AlreadyDone(_l("Already in the programme: %(names)s.", names=names))
        raise Conflict(_l("Already in the programme: %(names)s.", names=names), field="student_ids")
    enrollments = [
        ProgrammeEnrollment(
            programme=programme,
            student=student,
            track=track,
            state=EnrollmentState.APPLIED,
            intended_field_at_start=intended_field,
            applied_at=now,
            created_by=actor,
        )
        for student in students
    ]
    db.session.add_all(enrollments)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise Conflict(
            _l("Someone enrolled one of these pupils just now. Reload the page and try again.")
        ) from error
    for enrollment in enrollments:
        record_event(
            actor,
            "enrollment.apply",
            enrollment,
            now=now,
            label=f"{enrollment.student.name} – {programme.label}",
            after=snapshot(enrollment, ENROLLMENT_FIELDS),
        )
    return enrollments


def _move(enrollment: ProgrammeEnrollment, target: EnrollmentState, values: dict) -> None:
    """Change the state of a locked enrollment, or say why it cannot change."""
    source = enrollment.state
    if not source.can_become(target):
        raise InvalidState(
            _l(
                "An enrollment that is %(state)s cannot become %(target)s.",
                state=source.label,
                target=target.label,
            )
        )
    enrollment.state = target
    for name, value in values.items():
        setattr(enrollment, name, value)
    db.session.flush()


def _take_place(programme: Programme) -> None:
    result = db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme.id, Programme.places_taken < Programme.capacity)
        .values(places_taken=Programme.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(programme)
        raise Conflict(
            _l(
                "The programme is full: all %(capacity)d places are taken. Raise the capacity "
                "or wait until a pupil withdraws.",
                capacity=programme.capacity,
            )
        )
    db.session.refresh(programme)


def _free_place(programme: Programme) -> None:
    """Give back the place an active enrollment held (a CHECK refuses a count below 0)."""
    db.session.execute(
        sa.update(Programme)
        .where(Programme.id == programme.id)
        .values(places_taken=Programme.places_taken - 1)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(programme)


def missing_programme_consent(students: Iterable[Student], *, now: datetime) -> dict[int, str]:
    """What each pupil under 18 lacks to become active today."""
    return missing_consents(students, ConsentKind.PROGRAMME, on=local_date(now))


def activate(actor: User, enrollment: ProgrammeEnrollment, *, now: datetime) -> None:
    """Make an applicant active: needs programme consent when under 18, and a free place."""
    lock(enrollment)
    if enrollment.state is EnrollmentState.ACTIVE:
        raise AlreadyDone(_l("%(name)s is already active.", name=enrollment.student.name))
    missing = missing_programme_consent([enrollment.student], now=now)
    if missing:
        raise InvalidState(
            _l(
                "%(missing)s A pupil under 18 needs a valid programme consent from a guardian "
                "before becoming active.",
                missing=missing[enrollment.student_id],
            )
        )
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    _move(enrollment, EnrollmentState.ACTIVE, {"activated_at": now})
    _take_place(enrollment.programme)
    _record(actor, "enrollment.activate", enrollment, before, now)


def complete(
    actor: User,
    enrollment: ProgrammeEnrollment,
    *,
    intended_field: FieldOfStudy | None,
    now: datetime,
) -> None:
    """Mark an active pupil as having completed, with what they now intend to study."""
    if intended_field is None:
        raise ValidationFailed(
            _l("Choose what the pupil now intends to study (or undecided)."),
            field="intended_field",
        )
    _check_field(intended_field, INTENDED_FIELDS, "intended_field")
    lock(enrollment)
    if enrollment.state is EnrollmentState.COMPLETED:
        raise AlreadyDone(_l("%(name)s has already completed.", name=enrollment.student.name))
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    _move(
        enrollment,
        EnrollmentState.COMPLETED,
        {"completed_at": now, "intended_field_at_completion": intended_field},
    )
    _record(actor, "enrollment.complete", enrollment, before, now)


def withdraw(actor: User, enrollment: ProgrammeEnrollment, *, reason: str, now: datetime) -> None:
    """Withdraw an applicant or active pupil; a reason is required, an active place is freed."""
    reason = clean_text(reason, field="reason", max_length=500)
    if not reason:
        raise ValidationFailed(_l("Write why the pupil withdraws."), field="reason")
    lock(enrollment)
    if enrollment.state is EnrollmentState.WITHDRAWN:
        raise AlreadyDone(_l("%(name)s was already withdrawn.", name=enrollment.student.name))
    was_active = enrollment.state is EnrollmentState.ACTIVE
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    _move(
        enrollment,
        EnrollmentState.WITHDRAWN,
        {"withdrawn_at": now, "withdrawal_reason": reason},
    )
    if was_active:
        _free_place(enrollment.programme)
    _record(actor, "enrollment.withdraw", enrollment, before, now)


def change_enrollment(
    actor: User,
    enrollment: ProgrammeEnrollment,
    *,
    track: ProgrammeTrack | None,
    intended_field_at_start: FieldOfStudy | None,
    now: datetime,
) -> None:
    """Move a pupil to another track or correct the intended field at the start."""
    if track is not None and track.programme_id != enrollment.programme_id:
        raise ValidationFailed(_l("Choose one of this programme's tracks."), field="track_id")
    _check_field(intended_field_at_start, INTENDED_FIELDS, "intended_field_at_start")
    lock(enrollment)
    if enrollment.state is EnrollmentState.WITHDRAWN:
        raise InvalidState(_l("A withdrawn enrollment cannot be changed."))
    before = snapshot(enrollment, ENROLLMENT_FIELDS)
    enrollment.track = track
    enrollment.intended_field_at_start = intended_field_at_start
    db.session.flush()
    _record(actor, "enrollment.update", enrollment, before, now)


def _record(actor, action, enrollment, before, now) -> None:
    record_event(
        actor,
        action,
        enrollment,
        now=now,
        label=f"{enrollment.student.name} – {enrollment.programme.label}",
        before=before,
        after=snapshot(enrollment, ENROLLMENT_FIELDS),
    )


# Outcomes -------------------------------------------------------------------------------------


def outcome_summary(programme: Programme, viewer: User) -> dict[str, dict[FieldOfStudy, int]]:
    """Counts per field of study: intended at the start, at completion, and alumni outcomes.

    Erased pupils are counted too: their anonymised records keep the programme's results.
    """
    scope = policy.school_scope(viewer)

    def grouped(column, *conditions):
        query = (
            sa.select(column, sa.func.count())
            .join(ProgrammeEnrollment.student)
            .where(ProgrammeEnrollment.programme_id == programme.id, column.is_not(None))
            .where(*conditions)
            .group_by(column)
        )
        if scope is not None:
            query = query.where(Student.school_id == scope)
        counts = dict.fromkeys(FieldOfStudy, 0)
        counts.update(dict(db.session.execute(query).all()))
        return counts

    not_withdrawn = ProgrammeEnrollment.state != EnrollmentState.WITHDRAWN
    start = grouped(ProgrammeEnrollment.intended_field_at_start, not_withdrawn)
    completion = grouped(ProgrammeEnrollment.intended_field_at_completion)
    latest = (
        sa.select(AlumniOutcome.student_id, sa.func.max(AlumniOutcome.id).label("latest_id"))
        .group_by(AlumniOutcome.student_id)
        .subquery()
    )
    alumni_query = (
        sa.select(AlumniOutcome.field, sa.func.count())
        .join(latest, latest.c.latest_id == AlumniOutcome.id)
        .join(ProgrammeEnrollment, ProgrammeEnrollment.student_id == AlumniOutcome.student_id)
        .join(Student, Student.id == AlumniOutcome.student_id)
        .where(ProgrammeEnrollment.programme_id == programme.id, not_withdrawn)
        .group_by(AlumniOutcome.field)
    )
    if scope is not None:
        alumni_query = alumni_query.where(Student.school_id == scope)
    alumni = dict.fromkeys(FieldOfStudy, 0)
    alumni.update(dict(db.session.execute(alumni_query).all()))
    return {"start": start, "completion": completion, "alumni": alumni}


def alumni_query(viewer: User) -> sa.Select:
    """Pupils who left school after being in a programme, most recent leavers first."""
    in_programme = sa.select(ProgrammeEnrollment.student_id).where(
        ProgrammeEnrollment.state != EnrollmentState.WITHDRAWN
    )
    query = (
        sa.select(Student)
        .where(Student.left_school_on.is_not(None), Student.id.in_(in_programme))
        .options(
            selectinload(Student.alumni_outcomes),
            joinedload(Student.school),
        )
        .order_by(Student.left_school_on.desc(), Student.name, Student.id)
    )
    scope = policy.school_scope(viewer)
    if scope is not None:
        query = query.where(Student.school_id == scope)
    return query


def record_alumni_outcome(
    actor: User,
    student: Student,
    *,
    field: FieldOfStudy | None,
    institution: str = "",
    study: str = "",
    reported_on: date,
    now: datetime,
) -> AlumniOutcome:
    """Record what a former pupil went on to study."""
    require_single_line(institution=institution, study=study)
    if field is None:
        raise ValidationFailed(_l("Choose what the former pupil studies."), field="field")
    _check_field(field, ALUMNI_FIELDS, "field")
    if student.erased_at is not None:
        raise InvalidState(_l("This pupil's record is erased; nothing more can be recorded."))
    if student.left_school_on is None:
        raise InvalidState(
            _l("Record when the pupil left school before recording a follow-up."),
            field="reported_on",
        )
    if reported_on > local_date(now):
        raise ValidationFailed(_l("The date cannot be in the future."), field="reported_on")
    institution = clean_text(institution, field="institution", max_length=200)
    study = clean_text(study, field="study", max_length=200)
    outcome = AlumniOutcome(
        student=student,
        field=field,
        institution=institution,
        study=study,
        reported_on=reported_on,
        recorded_by=actor,
        created_at=now,
    )
    db.session.add(outcome)
    db.session.flush()
    record_event(
        actor,
        "alumni.outcome",
        outcome,
        now=now,
        label=student.name,
        after={"field": field.value, "institution": institution, "study": study},
    )
    return outcome


def enrollments_of_pupil(student: Student) -> list[ProgrammeEnrollment]:
    """A pupil's own programme enrollments, with programme and track, the latest first."""
    return list(
        db.session.scalars(
            sa.select(ProgrammeEnrollment)
            .where(ProgrammeEnrollment.student_id == student.id)
            .options(
                joinedload(ProgrammeEnrollment.programme), joinedload(ProgrammeEnrollment.track)
            )
            .order_by(ProgrammeEnrollment.applied_at.desc(), ProgrammeEnrollment.id.desc())
        )
    )
