"""Logging and correcting sessions, the mentee's confirmation (in the app or by a signed link),
planning the next session, and feedback."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from werkzeug.wrappers import Response

from talent.auth.guards import permission_required, public
from talent.calendar.ics import event_download
from talent.clock import to_utc
from talent.db import utcnow
from talent.errors import DomainError
from talent.mentoring import links
from talent.mentoring.forms import ConfirmForm, FeedbackForm, PlanForm, SessionForm
from talent.mentoring.models import (
    FeedbackSide,
    FeedbackStage,
    MentoringSession,
    Pairing,
    PlannedSession,
    SessionMode,
)
from talent.mentoring.services import feedback as feedback_service
from talent.mentoring.services import sessions as service
from talent.mentoring.services.calendar import calendar_event
from talent.mentoring.services.pairings import load_pairing
from talent.mentoring.views.common import bp
from talent.web.actions import act
from talent.web.loading import load


def _entry(form: SessionForm) -> service.SessionEntry:
    return service.SessionEntry(
        held_on=form.held_on.data,
        duration_minutes=form.duration_minutes.data,
        mode=SessionMode(form.mode.data) if form.mode.data else None,
        topics=form.topics.data or "",
        next_steps=form.next_steps.data or "",
        shared_note=form.shared_note.data or "",
        private_note=form.private_note.data or "",
        goal_ids=form.goal_ids.data or [],
    )


@bp.route("/pairings/<int:pairing_id>/sessions/new", methods=["GET", "POST"])
@permission_required("mentoring.sessions.log")
def log_session(pairing_id: int):
    """The mentor logs a held session; the mentee is asked to confirm it."""
    pairing = load(Pairing, pairing_id, "mentoring.sessions.log", loader=load_pairing)
    form = SessionForm(goals=pairing.goals)
    if form.validate_on_submit():
        done = act(
            lambda: service.log_session(current_user, pairing, _entry(form), now=utcnow()),
            success=gettext(
                "The session is logged. %(mentee)s is asked to confirm it.",
                mentee=pairing.mentee.name,
            )
            if pairing.mentee.account_id or pairing.mentee.contact_email
            else gettext("The session is logged."),
            then=url_for("mentoring.pairing", pairing_id=pairing.id),
            form=form,
        )
        if done:
            return done
    status = 400 if form.errors else 200
    return render_template(
        "mentoring/session_form.html", form=form, pairing=pairing, session=None
    ), status


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@permission_required("mentoring.sessions.log")
def edit_session(session_id: int):
    """The mentor corrects a session the mentee has not confirmed."""
    session = load(MentoringSession, session_id, "mentoring.sessions.log")
    pairing = load(Pairing, session.pairing_id, loader=load_pairing)
    form = SessionForm(obj=session, goals=pairing.goals)
    if request.method == "GET":
        form.mode.data = session.mode.value
        form.goal_ids.data = [goal.id for goal in session.goals_moved]
    if form.validate_on_submit():
        done = act(
            lambda: service.update_session(current_user, session, _entry(form), now=utcnow()),
            success=gettext("The session is updated."),
            then=url_for("mentoring.pairing", pairing_id=pairing.id),
            form=form,
        )
        if done:
            return done
    status = 400 if form.errors else 200
    return render_template(
        "mentoring/session_form.html", form=form, pairing=pairing, session=session
    ), status


@bp.route("/sessions/<int:session_id>/resend", methods=["POST"])
@permission_required("mentoring.sessions.log")
def resend_confirmation(session_id: int):
    """E-mail a pupil without an account the confirmation link again."""
    session = load(MentoringSession, session_id, "mentoring.sessions.log")
    then = url_for("mentoring.pairing", pairing_id=session.pairing_id)
    return act(
        lambda: service.ask_again_to_confirm(current_user, session, now=utcnow()),
        success=gettext("The confirmation link is on its way again."),
        then=then,
    ) or redirect(then)


def _answer(form: ConfirmForm, session: MentoringSession, by, then: str) -> Response | None:
    """Apply a confirm-or-dispute answer and go to ``then``; None when it was refused."""
    disputes = form.answer.data == "dispute"
    return act(
        lambda: (
            service.dispute_session(session, comment=form.comment.data, by=by, now=utcnow())
            if disputes
            else service.confirm_session(session, by=by, now=utcnow())
        ),
        success=gettext("Thank you. Your mentor and the coordinator will look at it.")
        if disputes
        else gettext("Thank you for confirming the session."),
        then=then,
        form=form,
    )


@bp.route("/sessions/<int:session_id>/confirm", methods=["POST"])
@permission_required("mentoring.sessions.confirm")
def confirm(session_id: int):
    """A mentee with an account confirms a session, or says it is wrong."""
    session = load(MentoringSession, session_id, "mentoring.sessions.confirm")
    form = ConfirmForm()
    then = url_for("mentoring.pairing", pairing_id=session.pairing_id)
    if form.validate_on_submit():
        return _answer(form, session, current_user, then) or redirect(then)
    flash(gettext("Say what is not right in under 500 characters."), "danger")
    return redirect(then)


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_by_link(token: str):
    """A pupil confirms a session from the e-mailed link, without an account."""
    try:
        session = links.session_from_token(current_app.config["SECRET_KEY"], token)
    except DomainError as error:
        return render_template("mentoring/link_invalid.html", message=str(error.message)), 400
    form = ConfirmForm()
    by = current_user if current_user.is_authenticated else None
    if form.validate_on_submit():
        done = _answer(form, session, by, url_for("mentoring.confirm_by_link", token=token))
        if done:
            return done
    return render_template("mentoring/confirm.html", session=session, form=form)


@bp.route("/pairings/<int:pairing_id>/plan", methods=["GET", "POST"])
@permission_required("mentoring.sessions.log")
def plan(pairing_id: int):
    """The mentor plans the next session; it goes into both calendars."""
    pairing = load(Pairing, pairing_id, "mentoring.sessions.log", loader=load_pairing)
    form = PlanForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.plan_session(
                current_user,
                pairing,
                starts_at=to_utc(form.starts_at.data, current_user.timezone, field="starts_at"),
                duration_minutes=form.duration_minutes.data,
                mode=SessionMode(form.mode.data),
                place=form.place.data or "",
                now=utcnow(),
            ),
            success=gettext("The session is planned and in both calendars."),
            then=url_for("mentoring.pairing", pairing_id=pairing.id),
            form=form,
        )
        if done:
            return done
    status = 400 if form.errors else 200
    return render_template("mentoring/plan.html", form=form, pairing=pairing), status


@bp.route("/planned/<int:planned_id>/cancel", methods=["POST"])
@permission_required("mentoring.sessions.log")
def cancel_planned(planned_id: int):
    """Cancel a planned session; reminders and calendar entries go with it."""
    planned = load(PlannedSession, planned_id, "mentoring.sessions.log")
    then = url_for("mentoring.pairing", pairing_id=planned.pairing_id)
    return act(
        lambda: service.cancel_planned_session(current_user, planned, now=utcnow()),
        success=gettext("The planned session is cancelled."),
        then=then,
        level="info",
    ) or redirect(then)


@bp.route("/planned/<int:planned_id>.ics")
@permission_required("mentoring.pairing.read")
def planned_ics(planned_id: int):
    """Download one planned session as an .ics file."""
    planned = load(PlannedSession, planned_id)
    load(Pairing, planned.pairing_id, "mentoring.pairing.read", loader=load_pairing)
    return event_download(calendar_event(planned, current_user.id), now=utcnow())


def _stage(value: str | None) -> FeedbackStage | None:
    try:
        return FeedbackStage(value)
    except ValueError:
        return None


@bp.route("/pairings/<int:pairing_id>/feedback", methods=["GET", "POST"])
@permission_required("mentoring.feedback.give")
def give_feedback(pairing_id: int):
    """The mentor or a mentee with an account gives mid-point or end feedback."""
    pairing = load(Pairing, pairing_id, "mentoring.feedback.give", loader=load_pairing)
    side = FeedbackSide.MENTOR if pairing.mentor.user_id == current_user.id else FeedbackSide.MENTEE
    stages = feedback_service.stages_open(pairing, now=utcnow())
    form = FeedbackForm()
    stage = _stage(form.stage.data or request.args.get("stage")) or (stages[-1] if stages else None)
    form.stage.data = stage.value if stage else ""
    if form.validate_on_submit() and stage is not None:
        done = act(
            lambda: feedback_service.give_feedback(
                pairing,
                stage=stage,
                side=side,
                rating=form.rating.data,
                comment=form.comment.data or "",
                by=current_user,
                now=utcnow(),
            ),
            success=gettext("Thank you for your feedback."),
            show_already_done=True,
            then=url_for("mentoring.pairing", pairing_id=pairing.id),
            form=form,
        )
        if done:
            return done
    return render_template(
        "mentoring/feedback.html",
        form=form,
        pairing=pairing,
        stage=stage,
        already=feedback_service.given(pairing, stage, side) if stage else None,
        action=url_for("mentoring.give_feedback", pairing_id=pairing.id),
    )


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@public
def feedback_by_link(token: str):
    """A pupil gives feedback from the e-mailed link, without an account."""
    try:
        pairing, stage = links.feedback_from_token(current_app.config["SECRET_KEY"], token)
    except DomainError as error:
        return render_template("mentoring/link_invalid.html", message=str(error.message)), 400
    form = FeedbackForm()
    form.stage.data = stage.value
    if form.validate_on_submit():
        done = act(
            lambda: feedback_service.give_feedback(
                pairing,
                stage=stage,
                side=FeedbackSide.MENTEE,
                rating=form.rating.data,
                comment=form.comment.data or "",
                by=None,
                now=utcnow(),
            ),
            success=gettext("Thank you for your feedback."),
            show_already_done=True,
            then=url_for("mentoring.feedback_by_link", token=token),
            form=form,
        )
        if done:
            return done
    return render_template(
        "mentoring/feedback.html",
        form=form,
        pairing=pairing,
        stage=stage,
        already=feedback_service.given(pairing, stage, FeedbackSide.MENTEE),
        action=url_for("mentoring.feedback_by_link", token=token),
    )
