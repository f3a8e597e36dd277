"""A pupil's guardians and consents, and the page guardians answer through a link."""

from __future__ import annotations

import logging

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required, public
from talent.clock import local_date
from talent.consents import links, services
from talent.consents.forms import (
    ConsentForm,
    GuardianAnswerForm,
    GuardianForm,
    WithdrawConsentForm,
)
from talent.consents.models import Consent, ConsentKind, Guardian
from talent.db import utcnow
from talent.errors import DomainError
from talent.extensions import db
from talent.schools.models import Student
from talent.web.actions import act
from talent.web.loading import load

log = logging.getLogger(__name__)

bp = Blueprint("consents", __name__)


@bp.context_processor
def _template_helpers() -> dict:
    return {"can": policy.can}


PERMISSION = "consents.manage"


def _today():
    return local_date(utcnow())


def overview(student: Student, consents: list[Consent], today) -> list[dict]:
    """Per kind: the consent that counts, whether it is valid today, and if it is needed."""
    needed = services.needs_guardian_consent(student, today)
    rows = []
    for kind in ConsentKind:
        consent = services.latest_of_kind(consents, kind)
        valid = consent is not None and consent.is_valid_on(today)
        rows.append(
            {
                "kind": kind,
                "consent": consent,
                "valid": valid,
                "missing": None
                if valid or not needed
                else services.what_is_missing(student, kind, consent, today),
            }
        )
    return rows


@bp.route("/pupils/<int:student_id>/consents")
@permission_required(PERMISSION)
def pupil(student_id: int):
    """A pupil's guardians, the consent of each kind, and the full consent history."""
    student = load(Student, student_id, PERMISSION)
    today = _today()
    consents = services.consents_by_pupil([student.id])[student.id]
    return render_template(
        "consents/pupil.html",
        student=student,
        today=today,
        overview=overview(student, consents, today),
        history=consents,
        withdraw_form=WithdrawConsentForm(),
    )


def _back(student: Student):
    return redirect(url_for("consents.pupil", student_id=student.id))


def _save_guardian(form: GuardianForm, student: Student, guardian: Guardian | None):
    return act(
        lambda: services.save_guardian(
            current_user,
            student,
            guardian,
            name=form.name.data,
            email=form.email.data or "",
            phone=form.phone.data or "",
            now=utcnow(),
        ),
        success=gettext("The guardian is saved."),
        then=url_for("consents.pupil", student_id=student.id),
        form=form,
    )


@bp.route("/pupils/<int:student_id>/guardians/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def new_guardian(student_id: int):
    """Add a guardian to a pupil."""
    student = load(Student, student_id, PERMISSION)
    form = GuardianForm()
    if form.validate_on_submit() and (done := _save_guardian(form, student, None)):
        return done
    return render_template("consents/guardian_form.html", form=form, student=student, guardian=None)


@bp.route("/guardians/<int:guardian_id>", methods=["GET", "POST"])
@permission_required(PERMISSION)
def edit_guardian(guardian_id: int):
    """Change a guardian's name, e-mail or phone."""
    guardian = load(Guardian, guardian_id, PERMISSION)
    form = GuardianForm(obj=guardian)
    if form.validate_on_submit() and (done := _save_guardian(form, guardian.student, guardian)):
        return done
    return render_template(
        "consents/guardian_form.html", form=form, student=guardian.student, guardian=guardian
    )


@bp.route("/guardians/<int:guardian_id>/delete", methods=["POST"])
@permission_required(PERMISSION)
def delete_guardian(guardian_id: int):
    """Remove a guardian; the consents they gave stay on record."""
    guardian = load(Guardian, guardian_id, PERMISSION)
    student = guardian.student
    then = url_for("consents.pupil", student_id=student.id)
    return act(
        lambda: services.remove_guardian(current_user, guardian, now=utcnow()),
        success=gettext("The guardian is removed."),
        then=then,
    ) or redirect(then)


@bp.route("/guardians/<int:guardian_id>/send-link", methods=["POST"])
@permission_required(PERMISSION)
def send_link(guardian_id: int):
    """E-mail the guardian a signed link to give or withdraw consents."""
    guardian = load(Guardian, guardian_id, PERMISSION)
    then = url_for("consents.pupil", student_id=guardian.student_id)
    return act(
        lambda: links.send_link(current_user, guardian, now=utcnow()),
        success=gettext("A consent link is on its way to %(email)s.", email=guardian.email),
        then=then,
    ) or redirect(then)


@bp.route("/pupils/<int:student_id>/consents/new", methods=["GET", "POST"])
@permission_required(PERMISSION)
def record(student_id: int):
    """Record a consent given on paper or by e-mail."""
    student = load(Student, student_id, PERMISSION)
    guardians = list(student.guardians)
    today = _today()
    form = ConsentForm(guardians=guardians)
    if not form.is_submitted():
        form.given_on.data = today
        form.expires_on.data = services.school_year_end(today)
    if form.validate_on_submit():
        guardian = next((g for g in guardians if g.id == form.guardian_id.data), None)
        done = act(
            lambda: services.give_consent(
                current_user,
                student,
                kind=form.kind.data,
                given_by=form.given_by.data or "",
                guardian=guardian,
                method=form.method.data,
                given_on=form.given_on.data,
                expires_on=form.expires_on.data,
                note=form.note.data or "",
                now=utcnow(),
            ),
            success=gettext("The consent is recorded."),
            then=url_for("consents.pupil", student_id=student.id),
            form=form,
        )
        if done:
            return done
    return render_template("consents/consent_form.html", form=form, student=student)


@bp.route("/consents/<int:consent_id>/withdraw", methods=["GET", "POST"])
@permission_required(PERMISSION)
def withdraw(consent_id: int):
    """Record that a consent was withdrawn."""
    consent = load(Consent, consent_id, PERMISSION)
    form = WithdrawConsentForm()
    if form.validate_on_submit():
        done = act(
            lambda: services.withdraw_consent(
                current_user, consent, withdrawn_by=form.withdrawn_by.data, now=utcnow()
            ),
            success=gettext("The consent is withdrawn."),
            then=url_for("consents.pupil", student_id=consent.student_id),
            form=form,
        )
        if done:
            return done
    return render_template(
        "consents/withdraw.html", form=form, consent=consent, student=consent.student
    )


@bp.route("/consent/<token>", methods=["GET", "POST"])
@public
def answer(token: str):
    """A guardian gives or withdraws consents through an e-mailed link, without an account."""
    try:
        guardian, sender = links.open_token(token)
    except DomainError as error:
        return render_template("consents/link_invalid.html", message=str(error.message)), 400
    student = guardian.student
    today = _today()
    consents = services.consents_by_pupil([student.id])[student.id]
    current = {row["kind"]: row for row in overview(student, consents, today)}
    form = GuardianAnswerForm()
    if not form.is_submitted():
        for kind, field in form.kind_fields():
            field.data = current[kind]["valid"]
    if form.validate_on_submit():
        given, withdrawn = services.answer_by_guardian(
            guardian, form.consenting(), sent_by=sender, now=utcnow()
        )
        db.session.commit()
        return render_template(
            "consents/answered.html",
            guardian=guardian,
            student=student,
            given=given,
            withdrawn=withdrawn,
            overview=overview(student, services.consents_by_pupil([student.id])[student.id], today),
        )
    return render_template(
        "consents/answer.html",
        form=form,
        guardian=guardian,
        student=student,
        current=current,
        valid_until=services.school_year_end(today),
    )
