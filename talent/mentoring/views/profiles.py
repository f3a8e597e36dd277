"""Programmes, mentor profiles and vetting, mentee profiles."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import joinedload

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import today_for
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.forms import (
    MenteeProfileForm,
    MentorProfileForm,
    NewMenteeForm,
    ProgrammeForm,
    VettingForm,
)
from talent.mentoring.models import MenteeProfile, MentoringProgramme, Pairing
from talent.mentoring.services import profiles as service
from talent.mentoring.services.pairings import pairing_options
from talent.mentoring.views.common import bp
from talent.people.models import Organization, User
from talent.schools.models import Student
from talent.web.actions import act
from talent.web.loading import load
from talent.web.options import organization_options
from talent.web.paging import page_number

# --- programmes ----------------------------------------------------------------------------


@bp.route("/programmes")
@permission_required("mentoring.manage")
def programmes():
    """List mentoring programmes."""
    return render_template("mentoring/programmes.html", programmes=service.programmes())


@bp.route("/programmes/new", methods=["GET", "POST"])
@bp.route("/programmes/<int:programme_id>/edit", methods=["GET", "POST"])
@permission_required("mentoring.manage")
def edit_programme(programme_id: int | None = None):
    """Create or change a mentoring programme and its safeguarding lead."""
    programme = load(MentoringProgramme, programme_id) if programme_id else None
    form = ProgrammeForm(obj=programme, leads=service.coordinators())
    if request.method == "GET" and programme is not None:
        form.safeguarding_lead.data = programme.safeguarding_lead_id
    if form.validate_on_submit():
        done = act(
            lambda: service.save_programme(
                current_user,
                programme,
                name=form.name.data,
                description=form.description.data or "",
                safeguarding_lead=db.session.get(User, form.safeguarding_lead.data),
                pupil_cadence_days=form.pupil_cadence_days.data,
                researcher_cadence_days=form.researcher_cadence_days.data,
                proposal_days=form.proposal_days.data,
                is_active=form.is_active.data,
                now=utcnow(),
            ),
            success=lambda saved: gettext("The programme %(name)s is saved.", name=saved.name),
            then=url_for("mentoring.programmes"),
            form=form,
        )
        if done:
            return done
    return render_template("mentoring/programme_form.html", form=form, programme=programme)


# --- mentors -------------------------------------------------------------------------------


@bp.route("/mentors")
@permission_required("mentoring.manage")
def mentors():
    """Every mentor with their capacity and vetting at a glance."""
    query = request.args.get("q", "")[:100]
    page, profiles = service.mentor_list(page=page_number(), query=query)
    return render_template(
        "mentoring/mentors.html",
        page=page,
        profiles=profiles,
        query=query,
        today=today_for(current_user, utcnow()),
    )


@bp.route("/mentors/<int:user_id>", methods=["GET", "POST"])
@permission_required("mentoring.mentor_profile")
def mentor(user_id: int):
    """A mentor's profile: the mentor or a coordinator edits it; coordinators record vetting."""
    person = load(User, user_id, "mentoring.mentor_profile")
    profile = service.mentor_profile_of(person)
    form = MentorProfileForm(obj=profile, organizations=organization_options())
    if request.method == "GET":
        organization_id = profile.organization_id if profile else person.organization_id
        form.organization.data = organization_id or 0
        form.expertise.data = ", ".join(profile.expertise) if profile else ""
        form.languages.data = profile.languages if profile else ["nb"]
    if form.validate_on_submit():
        done = act(
            lambda: service.save_mentor_profile(
                current_user,
                person,
                organization=db.session.get(Organization, form.organization.data or 0),
                expertise=form.expertise.data or "",
                languages=form.languages.data or [],
                capacity=form.capacity.data,
                availability=form.availability.data or "",
                bio=form.bio.data or "",
                is_accepting=form.is_accepting.data,
                now=utcnow(),
            ),
            success=gettext("The mentor profile is saved."),
            then=url_for("mentoring.mentor", user_id=person.id),
            form=form,
        )
        if done:
            return done
    vetting_form = VettingForm(obj=profile) if profile else None
    return _render_mentor(person, profile, form, vetting_form)


def _render_mentor(person, profile, form, vetting_form, status: int = 200):
    today = today_for(current_user, utcnow())
    return (
        render_template(
            "mentoring/mentor.html",
            person=person,
            profile=profile,
            form=form,
            vetting_form=vetting_form,
            can_vet=policy.can(current_user, "mentoring.manage"),
            problems=profile.vetting_problems(today) if profile else [],
            today=today,
        ),
        status,
    )


@bp.route("/mentors/<int:user_id>/vetting", methods=["POST"])
@permission_required("mentoring.manage")
def vetting(user_id: int):
    """Record a mentor's police certificate, safeguarding training and code of conduct."""
    person = load(User, user_id)
    profile = service.mentor_profile_of(person)
    if profile is None:
        flash(gettext("Save the mentor profile first."), "warning")
        return redirect(url_for("mentoring.mentor", user_id=person.id))
    form = VettingForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.record_vetting(
                current_user,
                profile,
                police_certificate_on=form.police_certificate_on.data,
                police_certificate_expires_on=form.police_certificate_expires_on.data,
                safeguarding_training_on=form.safeguarding_training_on.data,
                code_of_conduct_accepted_on=form.code_of_conduct_accepted_on.data,
                now=utcnow(),
            ),
            success=gettext("The vetting is recorded."),
            then=url_for("mentoring.mentor", user_id=person.id),
            form=form,
        )
        if done:
            return done
    profile = service.mentor_profile_of(person)
    profile_form = MentorProfileForm(
        obj=profile, organizations=organization_options(), formdata=None
    )
    profile_form.expertise.data = ", ".join(profile.expertise)
    profile_form.organization.data = profile.organization_id or 0
    return _render_mentor(person, profile, profile_form, form, status=400)


# --- mentees -------------------------------------------------------------------------------


@bp.route("/mentees")
@permission_required("mentoring.manage")
def mentees():
    """Mentee profiles, and a search for pupils and researchers to add."""
    query = request.args.get("q", "")[:100]
    find = request.args.get("find", "")[:100]
    pupils, researchers = service.find_possible_mentees(find) if find else ([], [])
    return render_template(
        "mentoring/mentees.html",
        page=service.mentee_list(page=page_number(), query=query),
        query=query,
        find=find,
        pupils=pupils,
        researchers=researchers,
        new_form=NewMenteeForm(),
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@bp.route("/mentees/new", methods=["POST"])
@permission_required("mentoring.manage")
def new_mentee():
    """Create a mentee profile for a pupil or a researcher found by the search."""
    form = NewMenteeForm()
    if not form.validate_on_submit():
        return redirect(url_for("mentoring.mentees"))
    student_id, user_id = _int_or_none(form.student_id.data), _int_or_none(form.user_id.data)
    student = load(Student, student_id) if student_id else None
    user = load(User, user_id) if user_id and not student else None
    return act(
        lambda: service.save_mentee_profile(
            current_user,
            None,
            student=student,
            user=user,
            interests="",
            languages=["nb"],
            now=utcnow(),
        ),
        success=gettext("Now add the mentee's interests and goals."),
        then=lambda profile: url_for("mentoring.mentee", mentee_id=profile.id),
    ) or redirect(url_for("mentoring.mentees"))


def mentee_with_people(mentee_id: int) -> MenteeProfile | None:
    """The mentee profile with its pupil, school and accounts loaded along."""
    return db.session.scalar(
        sa.select(MenteeProfile)
        .where(MenteeProfile.id == mentee_id)
        .options(
            joinedload(MenteeProfile.student).joinedload(Student.school),
            joinedload(MenteeProfile.student)
            .joinedload(Student.user)
            .lazyload(User.role_assignments),
            joinedload(MenteeProfile.user).lazyload(User.role_assignments),
        )
    )


@bp.route("/mentees/<int:mentee_id>", methods=["GET", "POST"])
@permission_required("mentoring.manage")
def mentee(mentee_id: int):
    """A mentee's interests, languages and goals, and their pairings."""
    profile = load(MenteeProfile, mentee_id, loader=mentee_with_people)
    form = MenteeProfileForm(obj=profile)
    if request.method == "GET":
        form.interests.data = ", ".join(profile.interests)
    if form.validate_on_submit():
        done = act(
            lambda: service.save_mentee_profile(
                current_user,
                profile,
                interests=form.interests.data or "",
                languages=form.languages.data or [],
                goals=form.goals.data or "",
                contact_email=form.contact_email.data or "",
                now=utcnow(),
            ),
            success=gettext("The mentee profile is saved."),
            then=url_for("mentoring.mentee", mentee_id=profile.id),
            form=form,
        )
        if done:
            return done
    history = db.session.scalars(
        sa.select(Pairing)
        .where(Pairing.mentee_id == profile.id)
        .options(*pairing_options())
        .order_by(Pairing.proposed_at.desc())
        .limit(20)
    ).all()
    return render_template(
        "mentoring/mentee.html",
        profile=profile,
        form=form,
        history=history,
        today=today_for(current_user, utcnow()),
    )
