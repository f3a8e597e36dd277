"""Mentor profiles and their vetting, mentee profiles, and mentoring programmes."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload, selectinload

from talent.audit.services import record_event, snapshot
from talent.clock import today_for
from talent.errors import AlreadyDone, Conflict, ValidationFailed
from talent.extensions import db
from talent.locking import lock
from talent.mentoring.models import (
    MAX_CADENCE_DAYS,
    MAX_CAPACITY,
    MIN_CADENCE_DAYS,
    MenteeKind,
    MenteeProfile,
    MentoringProgramme,
    MentorProfile,
)
from talent.people.models import Organization, Role, RoleAssignment, User
from talent.schools.models import Student
from talent.text import require_single_line

log = logging.getLogger(__name__)

#: Languages a mentor or mentee can pick; codes are stored.
LANGUAGES = {
    "nb": _l("Norwegian"),
    "en": _l("English"),
    "sv": _l("Swedish"),
    "da": _l("Danish"),
    "de": _l("German"),
    "fr": _l("French"),
    "es": _l("Spanish"),
    "pl": _l("Polish"),
    "ar": _l("Arabic"),
    "so": _l("Somali"),
    "ur": _l("Urdu"),
}
MAX_TAGS = 20
MAX_TAG_LENGTH = 50
_TAG_SEPARATORS = re.compile(r"[,;\n]+")

MENTEE_FIELDS = ("interests", "languages", "goals", "contact_email")
PROFILE_FIELDS = ("organization_id", "expertise", "languages", "capacity", "is_accepting")
VETTING_FIELDS = (
    "police_certificate_on",
    "police_certificate_expires_on",
    "safeguarding_training_on",
    "code_of_conduct_accepted_on",
)
PROGRAMME_FIELDS = (
    "name",
    "safeguarding_lead_id",
    "pupil_cadence_days",
    "researcher_cadence_days",
    "proposal_days",
    "is_active",
)


def parse_tags(text: str | Iterable[str], *, field: str) -> list[str]:
    """Split "Immunology, clinical trials; AI" into unique lower-case tags, in order."""
    parts = _TAG_SEPARATORS.split(text) if isinstance(text, str) else list(text)
    tags: list[str] = []
    for part in parts:
        tag = " ".join(part.split()).lower()
        if not tag or tag in tags:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ValidationFailed(
                _l("Keep each tag under %(count)d characters.", count=MAX_TAG_LENGTH), field=field
            )
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ValidationFailed(_l("Give at most %(count)d tags.", count=MAX_TAGS), field=field)
    return tags


def _check_languages(codes: Iterable[str], field: str = "languages") -> list[str]:
    codes = list(dict.fromkeys(codes))
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        raise ValidationFailed(_l("Choose languages from the list."), field=field)
    return codes


# --- mentors -------------------------------------------------------------------------------


def mentor_profile_of(user: User) -> MentorProfile | None:
    return db.session.scalar(sa.select(MentorProfile).where(MentorProfile.user_id == user.id))


def save_mentor_profile(
    actor: User,
    user: User,
    *,
    organization: Organization | None,
    expertise: str | Iterable[str],
    languages: Iterable[str],
    capacity: int,
    availability: str = "",
    bio: str = "",
    is_accepting: bool = True,
    now: datetime,
) -> MentorProfile:
    """Create or update the mentor profile of a user who holds the mentor role."""
    require_single_line(expertise=expertise, availability=availability)
    if Role.MENTOR not in user.roles:
        raise ValidationFailed(_l("Only a person with the mentor role can have a mentor profile."))
    if capacity is None or not 0 <= capacity <= MAX_CAPACITY:
        raise ValidationFailed(
            _l("Capacity must be between 0 and %(max)d mentees.", max=MAX_CAPACITY),
            field="capacity",
        )
    # The account is the aggregate: two saves of one person's profile take turns.
    lock(user)
    profile = mentor_profile_of(user)
    if profile is not None:
        lock(profile)
    creating = profile is None
    if creating:
        profile = MentorProfile(user=user, created_at=now, open_pairings=0)
        db.session.add(profile)
    elif capacity < profile.open_pairings:
        raise ValidationFailed(
            _l(
                "%(name)s has %(count)d open pairings now; capacity cannot be lower than that.",
                name=user.name,
                count=profile.open_pairings,
            ),
            field="capacity",
        )
    before = None if creating else snapshot(profile, PROFILE_FIELDS)
    profile.organization = organization
    profile.expertise = parse_tags(expertise, field="expertise")
    profile.languages = _check_languages(languages)
    profile.capacity = capacity
    profile.availability = availability.strip()
    profile.bio = bio.strip()
    profile.is_accepting = is_accepting
    db.session.flush()
    record_event(
        actor,
        "mentor.create" if creating else "mentor.update",
        profile,
        now=now,
        label=user.name,
        before=before,
        after=snapshot(profile, PROFILE_FIELDS),
    )
    return profile


def record_vetting(
    actor: User,
    profile: MentorProfile,
    *,
    police_certificate_on: date | None,
    police_certificate_expires_on: date | None,
    safeguarding_training_on: date | None,
    code_of_conduct_accepted_on: date | None,
    now: datetime,
) -> None:
    """Record the mentor's police certificate, safeguarding training and code of conduct."""
    today = today_for(actor, now)
    if (police_certificate_on is None) != (police_certificate_expires_on is None):
        missing = (
            "police_certificate_expires_on" if police_certificate_on else "police_certificate_on"
        )
        raise ValidationFailed(
            _l("Give both the date the certificate was issued and its expiry date."),
            field=missing,
        )
    if police_certificate_on and police_certificate_expires_on <= police_certificate_on:
        raise ValidationFailed(
            _l("The certificate must expire after the day it was issued."),
            field="police_certificate_expires_on",
        )
    for name, value in (
        ("police_certificate_on", police_certificate_on),
        ("safeguarding_training_on", safeguarding_training_on),
        ("code_of_conduct_accepted_on", code_of_conduct_accepted_on),
    ):
        if value is not None and value > today:
            raise ValidationFailed(_l("This date is in the future."), field=name)
    lock(profile)
    before = snapshot(profile, VETTING_FIELDS)
    if police_certificate_expires_on != profile.police_certificate_expires_on:
        profile.expiry_warned_for = None
    profile.police_certificate_on = police_certificate_on
    profile.police_certificate_expires_on = police_certificate_expires_on
    profile.safeguarding_training_on = safeguarding_training_on
    profile.code_of_conduct_accepted_on = code_of_conduct_accepted_on
    profile.vetting_recorded_at = now
    profile.vetting_recorded_by_id = actor.id
    db.session.flush()
    record_event(
        actor,
        "mentor.vetting",
        profile,
        now=now,
        label=profile.user.name,
        before=before,
        after=snapshot(profile, VETTING_FIELDS),
    )
    log.info("vetting of mentor %s recorded by %s", profile.id, actor.id)


def mentor_list(*, page: int, per_page: int = 25, query: str = ""):
    """Active users with the mentor role, by name; ``profiles`` maps user id to profile."""
    select = (
        sa.select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .where(RoleAssignment.role == Role.MENTOR, User.is_active.is_(True))
        .options(selectinload(User.organization))
        .order_by(User.name, User.id)
    )
    if query.strip():
        select = select.where(User.name.ilike(f"%{_escape_like(query.strip())}%", escape="\\"))
    pagination = db.paginate(select, page=page, per_page=per_page, error_out=False)
    ids = [user.id for user in pagination.items]
    found = (
        db.session.scalars(
            sa.select(MentorProfile)
            .where(MentorProfile.user_id.in_(ids))
            .options(selectinload(MentorProfile.organization))
        ).all()
        if ids
        else []
    )
    profiles = {profile.user_id: profile for profile in found}
    return pagination, profiles


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# --- mentees -------------------------------------------------------------------------------


def save_mentee_profile(
    actor: User,
    profile: MenteeProfile | None,
    *,
    student: Student | None = None,
    user: User | None = None,
    interests: str | Iterable[str],
    languages: Iterable[str],
    goals: str = "",
    contact_email: str = "",
    now: datetime,
) -> MenteeProfile:
    """Create a mentee profile for a pupil or a researcher, or update the given one."""
    require_single_line(interests=interests, contact_email=contact_email)
    creating = profile is None
    if creating:
        if (student is None) == (user is None):
            raise ValidationFailed(_l("Choose either a pupil or a researcher."))
        if user is not None and Role.RESEARCHER not in user.roles:
            raise ValidationFailed(_l("Only researchers and pupils can be mentees."))
        lock(student if student is not None else user)
        existing = db.session.scalar(
            sa.select(MenteeProfile.id).where(
                MenteeProfile.student_id == student.id
                if student is not None
                else MenteeProfile.user_id == user.id
            )
        )
        if existing is not None:
            raise AlreadyDone(_l("This person already has a mentee profile."))
        profile = MenteeProfile(
            kind=MenteeKind.PUPIL if student is not None else MenteeKind.RESEARCHER,
            student=student,
            user=user,
            created_at=now,
        )
        db.session.add(profile)
        before = None
    else:
        lock(profile)
        before = snapshot(profile, MENTEE_FIELDS)
    profile.interests = parse_tags(interests, field="interests")
    profile.languages = _check_languages(languages)
    profile.goals = goals.strip()
    profile.contact_email = contact_email.strip().lower()
    db.session.flush()
    record_event(
        actor,
        "mentee.create" if creating else "mentee.update",
        profile,
        now=now,
        label=profile.name,
        before=before,
        after=None if creating else snapshot(profile, MENTEE_FIELDS),
    )
    return profile


def mentee_list(*, page: int, per_page: int = 25, query: str = ""):
    """Mentee profiles by name, with the pupil or account loaded."""
    name = sa.func.coalesce(Student.name, User.name)
    select = (
        sa.select(MenteeProfile)
        .outerjoin(Student, Student.id == MenteeProfile.student_id)
        .outerjoin(User, User.id == MenteeProfile.user_id)
        .options(
            selectinload(MenteeProfile.student).selectinload(Student.school),
            selectinload(MenteeProfile.user),
        )
        .order_by(name, MenteeProfile.id)
    )
    if query.strip():
        select = select.where(name.ilike(f"%{_escape_like(query.strip())}%", escape="\\"))
    return db.paginate(select, page=page, per_page=per_page, error_out=False)


def find_possible_mentees(query: str, *, limit: int = 20) -> tuple[list[Student], list[User]]:
    """Pupils and researchers whose name matches and who have no mentee profile yet."""
    text = query.strip()
    if len(text) < 2:
        return [], []
    pattern = f"%{_escape_like(text)}%"
    pupils = db.session.scalars(
        sa.select(Student)
        .outerjoin(MenteeProfile, MenteeProfile.student_id == Student.id)
        .where(MenteeProfile.id.is_(None), Student.name.ilike(pattern, escape="\\"))
        .options(selectinload(Student.school), selectinload(Student.school_class))
        .order_by(Student.name, Student.id)
        .limit(limit)
    ).all()
    researchers = db.session.scalars(
        sa.select(User)
        .join(RoleAssignment, RoleAssignment.user_id == User.id)
        .outerjoin(MenteeProfile, MenteeProfile.user_id == User.id)
        .where(
            RoleAssignment.role == Role.RESEARCHER,
            User.is_active.is_(True),
            MenteeProfile.id.is_(None),
            User.name.ilike(pattern, escape="\\"),
        )
        .options(selectinload(User.organization))
        .order_by(User.name, User.id)
        .limit(limit)
    ).all()
    return list(pupils), list(researchers)


def mentee_profile_of_user(user: User) -> MenteeProfile | None:
    """The mentee profile a logged-in researcher or pupil has, if any."""
    return db.session.scalar(
        sa.select(MenteeProfile)
        .outerjoin(Student, Student.id == MenteeProfile.student_id)
        .where(sa.or_(MenteeProfile.user_id == user.id, Student.user_id == user.id))
    )


# --- programmes ----------------------------------------------------------------------------


def save_programme(
    actor: User,
    programme: MentoringProgramme | None,
    *,
    name: str,
    description: str = "",
    safeguarding_lead: User,
    pupil_cadence_days: int,
    researcher_cadence_days: int,
    proposal_days: int,
    is_active: bool = True,
    now: datetime,
) -> MentoringProgramme:
    """Create or update a mentoring programme; its safeguarding lead must be a coordinator."""
    require_single_line(name=name)
    if programme is not None:
        lock(programme)
    name = name.strip()
    if not name:
        raise ValidationFailed(_l("Give the programme a name."), field="name")
    taken = db.session.scalar(
        sa.select(MentoringProgramme.id).where(
            sa.func.lower(MentoringProgramme.name) == name.lower(),
            MentoringProgramme.id != (programme.id if programme else -1),
        )
    )
    if taken is not None:
        raise Conflict(_l("A programme with this name already exists."), field="name")
    if safeguarding_lead is None or not safeguarding_lead.has_role(Role.COORDINATOR):
        raise ValidationFailed(
            _l("The safeguarding lead must be a coordinator."), field="safeguarding_lead"
        )
    for field, value in (
        ("pupil_cadence_days", pupil_cadence_days),
        ("researcher_cadence_days", researcher_cadence_days),
    ):
        if value is None or not MIN_CADENCE_DAYS <= value <= MAX_CADENCE_DAYS:
            raise ValidationFailed(
                _l(
                    "Between %(low)d and %(high)d days.",
                    low=MIN_CADENCE_DAYS,
                    high=MAX_CADENCE_DAYS,
                ),
                field=field,
            )
    if proposal_days is None or not 1 <= proposal_days <= 30:
        raise ValidationFailed(_l("Between 1 and 30 days."), field="proposal_days")
    creating = programme is None
    before = None if creating else snapshot(programme, PROGRAMME_FIELDS)
    if creating:
        programme = MentoringProgramme(created_at=now)
        db.session.add(programme)
    programme.name, programme.description = name, description.strip()
    programme.safeguarding_lead = safeguarding_lead
    programme.pupil_cadence_days = pupil_cadence_days
    programme.researcher_cadence_days = researcher_cadence_days
    programme.proposal_days = proposal_days
    programme.is_active = is_active
    db.session.flush()
    record_event(
        actor,
        "mentoring_programme.create" if creating else "mentoring_programme.update",
        programme,
        now=now,
        before=before,
        after=snapshot(programme, PROGRAMME_FIELDS),
    )
    return programme


def programmes(*, active_only: bool = False) -> list[MentoringProgramme]:
    select = sa.select(MentoringProgramme).options(
        joinedload(MentoringProgramme.safeguarding_lead).lazyload(User.role_assignments)
    )
    if active_only:
        select = select.where(MentoringProgramme.is_active.is_(True))
    return list(db.session.scalars(select.order_by(MentoringProgramme.name)))


def coordinators() -> list[User]:
    """People who can be a programme's safeguarding lead."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(RoleAssignment, RoleAssignment.user_id == User.id)
            .where(RoleAssignment.role == Role.COORDINATOR, User.is_active.is_(True))
            .order_by(User.name)
        )
    )
