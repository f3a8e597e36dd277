"""The mentoring start page, matching, the pairing page, answering and ending pairings, goals."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.clock import today_for
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.forms import (
    GoalForm,
    GoalStatusForm,
    PairingFilterForm,
    ProposalForm,
    ReasonForm,
    RequiredReasonForm,
)
from talent.mentoring.models import (
    Goal,
    GoalStatus,
    MenteeProfile,
    MentorProfile,
    Pairing,
    PairingState,
    SessionMode,
)
from talent.mentoring.services import feedback as feedback_service
from talent.mentoring.services import logbook, matching, profiles, sessions
from talent.mentoring.services import pairings as service
from talent.mentoring.services.safeguarding import open_concern_counts
from talent.mentoring.views.common import bp, hours_text, url_with_id
from talent.mentoring.views.profiles import mentee_with_people
from talent.web.actions import act
from talent.web.loading import load
from talent.web.paging import page_number

#: How many ranked mentors the matching page shows.
SUGGESTIONS_SHOWN = 20
#: The states in which goals can be added.
GOAL_STATES = (PairingState.ACTIVE, PairingState.PAUSED)


@bp.route("/")
@permission_required("mentoring.view")
def index():
    """Coordinators see all pairings; mentors their own; mentees theirs."""
    now = utcnow()
    today = today_for(current_user, now)
    context: dict = {"today": today, "now": now}
    if policy.can(current_user, "mentoring.manage"):
        programmes = profiles.programmes()
        form = PairingFilterForm(request.args, programmes=programmes)
        state = request.args.get("state") or None
        programme_id = request.args.get("programme", type=int)
        page = service.pairing_overview(
            page=page_number(),
            state=PairingState(state) if state in set(PairingState) else None,
            programme_id=programme_id,
            overdue_on=today if form.overdue.data else None,
        )
        ids = [pairing.id for pairing in page.items]
        context.update(
            overview=page,
            filter_form=form,
            minutes=service.minutes_by_pairing(ids),
            concerns=open_concern_counts(ids),
        )
    mentor = profiles.mentor_profile_of(current_user)
    if mentor is not None:
        page = service.pairings_of_mentor(mentor, page=page_number())
        ids = [pairing.id for pairing in page.items]
        context.update(
            mentor=mentor,
            mentor_pairings=page,
            mentor_minutes=service.minutes_by_pairing(ids),
            mentor_planned=service.next_planned_by_pairing(ids, now=now),
            vetting_problems=mentor.vetting_problems(today),
        )
    elif policy.has_permission(current_user, "mentoring.sessions.log"):
        context["invite_profile"] = True
    mentee = profiles.mentee_profile_of_user(current_user)
    if mentee is not None:
        own = service.pairings_of_mentee(mentee)
        ids = [pairing.id for pairing in own]
        context.update(
            mentee_pairings=own,
            mentee_minutes=service.minutes_by_pairing(ids),
            mentee_planned=service.next_planned_by_pairing(ids, now=now),
        )
    return render_template("mentoring/index.html", **context)


@bp.route("/mentees/<int:mentee_id>/match", methods=["GET", "POST"])
@permission_required("mentoring.manage")
def match(mentee_id: int):
    """Ranked mentor suggestions for a mentee, each explained; propose one of them."""
    mentee = load(MenteeProfile, mentee_id, loader=mentee_with_people)
    now = utcnow()
    today = today_for(current_user, now)
    active_programmes = profiles.programmes(active_only=True)
    form = ProposalForm(programmes=active_programmes)
    chosen = request.values.get("programme", type=int)
    programme = next((p for p in active_programmes if p.id == chosen), None)
    if programme is None and active_programmes:
        programme = active_programmes[0]
    if request.method == "GET":
        form.programme.data = programme.id if programme else None
        form.starts_on.data = today
        form.planned_end_on.data = today + timedelta(days=270)
    if programme is not None and form.validate_on_submit():
        mentor = db.session.get(MentorProfile, form.mentor_id.data)
        if mentor is None:
            flash(gettext("Choose a mentor from the list."), "danger")
        else:
            done = act(
                lambda: service.propose_pairing(
                    current_user,
                    mentee,
                    mentor,
                    programme,
                    starts_on=form.starts_on.data,
                    planned_end_on=form.planned_end_on.data,
                    cadence_days=form.cadence_days.data,
                    now=now,
                ),
                success=lambda pairing: gettext(
                    "%(mentor)s is asked to mentor %(mentee)s and has until %(day)s to answer.",
                    mentor=mentor.name,
                    mentee=mentee.name,
                    day=today_for(current_user, pairing.respond_by).isoformat(),
                ),
                then=lambda pairing: url_for("mentoring.pairing", pairing_id=pairing.id),
                form=form,
            )
            if done:
                return done
        mentee = load(MenteeProfile, mentee_id, loader=mentee_with_people)
    ranked = matching.suggest_mentors(mentee, programme, today=today) if programme else []
    current = service.open_pairing_for(mentee, programme) if programme else None
    return render_template(
        "mentoring/match.html",
        mentee=mentee,
        programme=programme,
        programmes=active_programmes,
        form=form,
        suggestions=ranked[:SUGGESTIONS_SHOWN],
        hidden=max(len(ranked) - SUGGESTIONS_SHOWN, 0),
        current=current,
        is_minor=mentee.is_minor_on(today),
        today=today,
    ), (400 if request.method == "POST" else 200)


@bp.route("/pairings/<int:pairing_id>")
@permission_required("mentoring.pairing.read")
def pairing(pairing_id: int):
    """A pairing with its goals, plans, log, hours and feedback; private notes only for some."""
    # The user itself, not the proxy: the page asks a dozen questions of it.
    user = current_user._get_current_object()
    pairing = load(Pairing, pairing_id, "mentoring.pairing.read", loader=service.load_pairing)
    now = utcnow()
    today = today_for(user, now)

    def can(permission: str) -> bool:
        return policy.can(user, permission, pairing)

    allowed = {
        "respond": can("mentoring.pairing.respond"),
        "pause": can("mentoring.pairing.pause"),
        "manage": policy.can(user, "mentoring.manage"),
        "goals": can("mentoring.goals.manage"),
        "log": can("mentoring.sessions.log"),
        "private": can("mentoring.private_notes.read"),
        "confirm": pairing.mentee.account_id == user.id
        and policy.has_permission(user, "mentoring.sessions.confirm"),
        "feedback": can("mentoring.feedback.give"),
        "concern": can("mentoring.concerns.raise"),
    }
    # Labels shown on every line, translated once.
    status_names = {status: str(status.label) for status in GoalStatus}
    mode_names = {mode: str(mode.label) for mode in SessionMode}
    log_page = logbook.session_log(
        pairing, page=page_number(), with_private_notes=allowed["private"]
    )
    return render_template(
        "mentoring/pairing.html",
        pairing=pairing,
        log_page=log_page,
        hours=hours_text(),
        mode_names=mode_names,
        urls=_line_urls(),
        planned=sessions.upcoming_planned(pairing, now=now),
        feedback=feedback_service.feedback_of(pairing) if allowed["manage"] else [],
        feedback_stages=feedback_service.stages_open(pairing, now=now),
        concerns=open_concern_counts([pairing.id]).get(pairing.id, 0) if allowed["manage"] else 0,
        allowed=allowed,
        goal_form=GoalForm() if allowed["goals"] and pairing.state in GOAL_STATES else None,
        status_names=status_names,
        status_choices=[(status.value, name) for status, name in status_names.items()],
        today=today,
        now=now,
    )


def _line_urls() -> dict[str, str]:
    """The addresses of the buttons on each goal, plan and session line, with ``%d`` for the id."""
    return {
        "goal_status": url_with_id("mentoring.goal_status", "goal_id"),
        "planned_ics": url_with_id("mentoring.planned_ics", "planned_id"),
        "cancel_planned": url_with_id("mentoring.cancel_planned", "planned_id"),
        "edit_session": url_with_id("mentoring.edit_session", "session_id"),
        "resend": url_with_id("mentoring.resend_confirmation", "session_id"),
        "confirm": url_with_id("mentoring.confirm", "session_id"),
    }


def _act(pairing_id: int, permission: str, action, success: str):
    """Run one state change from a button; a refused change is explained on the pairing page."""
    pairing = load(Pairing, pairing_id, permission, loader=service.load_pairing)
    back = url_for("mentoring.pairing", pairing_id=pairing_id)
    return act(
        lambda: action(current_user, pairing, now=utcnow()), success=success, then=back
    ) or redirect(back)


@bp.route("/pairings/<int:pairing_id>/accept", methods=["POST"])
@permission_required("mentoring.pairing.respond")
def accept(pairing_id: int):
    """The mentor accepts the proposal."""
    return _act(
        pairing_id,
        "mentoring.pairing.respond",
        service.accept_pairing,
        gettext("You accepted. Welcome to your new mentee! Plan your first session."),
    )


@bp.route("/pairings/<int:pairing_id>/decline", methods=["GET", "POST"])
@permission_required("mentoring.pairing.respond")
def decline(pairing_id: int):
    """The mentor declines the proposal, optionally saying why."""
    pairing = load(Pairing, pairing_id, "mentoring.pairing.respond", loader=service.load_pairing)
    form = ReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.decline_pairing(
                current_user, pairing, reason=form.reason.data or "", now=utcnow()
            ),
            form=form,
            success=gettext("You declined. The coordinator will find another mentor."),
            then=url_for("mentoring.index"),
        )
        if done:
            return done
    return render_template("mentoring/reason.html", form=form, pairing=pairing, action="decline")


@bp.route("/pairings/<int:pairing_id>/pause", methods=["POST"])
@permission_required("mentoring.pairing.pause")
def pause(pairing_id: int):
    """Pause a pairing; no nudges while paused."""
    return _act(
        pairing_id,
        "mentoring.pairing.pause",
        service.pause_pairing,
        gettext("The pairing is paused."),
    )


@bp.route("/pairings/<int:pairing_id>/resume", methods=["POST"])
@permission_required("mentoring.pairing.pause")
def resume(pairing_id: int):
    """Resume a paused pairing."""
    return _act(
        pairing_id,
        "mentoring.pairing.pause",
        service.resume_pairing,
        gettext("The pairing is active again."),
    )


@bp.route("/pairings/<int:pairing_id>/complete", methods=["POST"])
@permission_required("mentoring.manage")
def complete(pairing_id: int):
    """Mark a pairing completed."""
    return _act(
        pairing_id,
        "mentoring.manage",
        service.complete_pairing,
        gettext("The pairing is completed."),
    )


@bp.route("/pairings/<int:pairing_id>/end", methods=["GET", "POST"])
@permission_required("mentoring.manage")
def end_early(pairing_id: int):
    """End a pairing early, or withdraw a proposal, with a reason."""
    pairing = load(Pairing, pairing_id, loader=service.load_pairing)
    form = RequiredReasonForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.end_pairing_early(
                current_user, pairing, reason=form.reason.data, now=utcnow()
            ),
            form=form,
            success=gettext("The pairing has ended."),
            then=url_for("mentoring.pairing", pairing_id=pairing.id),
        )
        if done:
            return done
    return render_template("mentoring/reason.html", form=form, pairing=pairing, action="end")


@bp.route("/pairings/<int:pairing_id>/goals", methods=["POST"])
@permission_required("mentoring.goals.manage")
def add_goal(pairing_id: int):
    """Add a goal to the pairing."""
    pairing = load(Pairing, pairing_id, "mentoring.goals.manage", loader=service.load_pairing)
    form = GoalForm()
    then = url_for("mentoring.pairing", pairing_id=pairing.id) + "#goals"
    if form.validate_on_submit():
        return act(
            lambda: sessions.add_goal(current_user, pairing, title=form.title.data, now=utcnow()),
            success=gettext("The goal is added."),
            then=then,
        ) or redirect(then)
    for errors in form.errors.values():
        flash(" ".join(str(e) for e in errors), "danger")
    return redirect(then)


@bp.route("/goals/<int:goal_id>", methods=["POST"])
@permission_required("mentoring.goals.manage")
def goal_status(goal_id: int):
    """Mark a goal achieved, dropped or open."""
    goal = load(Goal, goal_id, "mentoring.goals.manage")
    form = GoalStatusForm()
    if form.validate_on_submit():
        sessions.set_goal_status(current_user, goal, GoalStatus(form.status.data), now=utcnow())
        db.session.commit()
    else:
        flash(gettext("Choose a status from the list."), "danger")
    return redirect(url_for("mentoring.pairing", pairing_id=goal.pairing_id) + "#goals")
