"""Raising a safeguarding concern, and the coordinators' follow-up."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth.guards import permission_required
from talent.db import utcnow
from talent.extensions import db
from talent.mentoring.forms import CloseConcernForm, ConcernForm, ConcernNoteForm
from talent.mentoring.models import Concern, ConcernStatus, Pairing
from talent.mentoring.services import safeguarding as service
from talent.mentoring.services.pairings import load_pairing
from talent.mentoring.views.common import bp
from talent.web.actions import act
from talent.web.loading import load
from talent.web.paging import page_number


@bp.route("/pairings/<int:pairing_id>/concern", methods=["GET", "POST"])
@permission_required("mentoring.concerns.raise")
def raise_concern(pairing_id: int):
    """Anyone involved in a pairing raises a concern; it goes to the safeguarding lead."""
    pairing = load(Pairing, pairing_id, "mentoring.concerns.raise", loader=load_pairing)
    form = ConcernForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.raise_concern(
                current_user,
                pairing,
                summary=form.summary.data,
                details=form.details.data or "",
                now=utcnow(),
            ),
            success=gettext(
                "Thank you. The programme's safeguarding lead has been told and will follow up."
            ),
            then=url_for("mentoring.pairing", pairing_id=pairing.id),
            form=form,
        )
        if done:
            return done
    return render_template("mentoring/concern_form.html", form=form, pairing=pairing)


def _concern(concern_id: int) -> Concern:
    return load(Concern, concern_id, "mentoring.concerns.manage", loader=service.load_concern)


@bp.route("/concerns")
@permission_required("mentoring.concerns.manage")
def concerns():
    """Concerns across all pairings, open ones first."""
    status = request.args.get("status")
    page = service.concern_list(
        page=page_number(),
        status=ConcernStatus(status) if status in set(ConcernStatus) else None,
    )
    return render_template("mentoring/concerns.html", page=page, status=status)


@bp.route("/concerns/<int:concern_id>")
@permission_required("mentoring.concerns.manage")
def concern(concern_id: int):
    """One concern with its follow-up log."""
    return render_template(
        "mentoring/concern.html",
        concern=_concern(concern_id),
        note_form=ConcernNoteForm(),
        close_form=CloseConcernForm(),
    )


@bp.route("/concerns/<int:concern_id>/notes", methods=["POST"])
@permission_required("mentoring.concerns.manage")
def concern_note(concern_id: int):
    """Add a follow-up note."""
    concern = _concern(concern_id)
    form = ConcernNoteForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.add_concern_note(
                current_user, concern, body=form.body.data, now=utcnow()
            ),
            success=gettext("The note is added."),
            then=url_for("mentoring.concern", concern_id=concern.id),
            form=form,
        )
        if done:
            return done
    concern = _concern(concern_id)
    return render_template(
        "mentoring/concern.html", concern=concern, note_form=form, close_form=CloseConcernForm()
    ), 400


@bp.route("/concerns/<int:concern_id>/close", methods=["POST"])
@permission_required("mentoring.concerns.manage")
def close_concern(concern_id: int):
    """Close a concern with its outcome."""
    concern = _concern(concern_id)
    form = CloseConcernForm()
    if form.validate_on_submit():
        done = act(
            lambda: service.close_concern(
                current_user, concern, outcome=form.outcome.data, now=utcnow()
            ),
            success=gettext("The concern is closed."),
            then=url_for("mentoring.concern", concern_id=concern.id),
            form=form,
        )
        if done:
            return done
    concern = _concern(concern_id)
    return render_template(
        "mentoring/concern.html", concern=concern, note_form=ConcernNoteForm(), close_form=form
    ), 400


@bp.route("/concerns/<int:concern_id>/reopen", methods=["POST"])
@permission_required("mentoring.concerns.manage")
def reopen_concern(concern_id: int):
    """Reopen a closed concern."""
    concern = _concern(concern_id)
    service.reopen_concern(current_user, concern, now=utcnow())
    db.session.commit()
    flash(gettext("The concern is open again."), "info")
    return redirect(url_for("mentoring.concern", concern_id=concern.id))
