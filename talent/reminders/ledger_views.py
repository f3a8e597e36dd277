"""The coordinators' delivery ledger: every notification, its state, retry and cancel."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth.guards import permission_required
from talent.db import utcnow
from talent.errors import NotFound
from talent.extensions import db
from talent.i18n import local_zone
from talent.reminders import queries, services
from talent.reminders.forms import LedgerFilterForm
from talent.reminders.kinds import all_kinds, get_kind
from talent.reminders.models import STATE_LABELS, Notification, NotificationState
from talent.reminders.notices import send_test_message
from talent.web.actions import act
from talent.web.paging import page_number

bp = Blueprint("ledger", __name__, url_prefix="/ledger")

PER_PAGE = 50


def _start_of_local_day(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=local_zone()).astimezone(UTC)


def _kind_choices() -> list[tuple[str, object]]:
    labels = {kind.name: kind.label for kind in all_kinds()}
    for name in queries.recorded_kinds():
        labels.setdefault(name, name)
    return sorted(labels.items())


@bp.route("/")
@permission_required("ledger.manage")
def index():
    """Every delivery, filtered by state, kind, recipient and due date."""
    form = LedgerFilterForm(request.args, kinds=_kind_choices())
    if not form.validate():
        flash(gettext("Some filters could not be used; see the messages below."), "warning")
    date_from, date_to = form.value("date_from"), form.value("date_to")
    state = form.value("state")
    query = queries.ledger_query(
        state=NotificationState(state) if state else None,
        kind=form.value("kind"),
        recipient=form.value("recipient") or "",
        due_from=_start_of_local_day(date_from) if date_from else None,
        due_until=_start_of_local_day(date_to + timedelta(days=1)) if date_to else None,
    )
    page = db.paginate(
        query,
        page=page_number(),
        per_page=PER_PAGE,
        error_out=False,
    )
    kinds = {n.kind: get_kind(n.kind) for n in page.items}
    return render_template(
        "reminders/ledger.html",
        form=form,
        page=page,
        kinds=kinds,
        state_labels=STATE_LABELS,
        counts=queries.counts_by_state(),
    )


def _ledger_row(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        raise NotFound(gettext("This delivery does not exist."))
    return notification


def _ledger_page() -> str:
    """The ledger page the form was sent from (its filters kept), or the ledger."""
    target = request.form.get("next", "")
    if target.startswith("/ledger"):
        return target
    return url_for("ledger.index")


@bp.route("/<int:notification_id>/retry", methods=["POST"])
@permission_required("ledger.manage")
def retry(notification_id: int):
    """Send a failed or skipped delivery again at the next tick."""
    notification = _ledger_row(notification_id)
    back = _ledger_page()
    return act(
        lambda: services.retry(current_user, notification, now=utcnow()),
        success=gettext("The delivery will be tried again within a minute."),
        then=back,
    ) or redirect(back)


@bp.route("/<int:notification_id>/cancel", methods=["POST"])
@permission_required("ledger.manage")
def cancel(notification_id: int):
    """Cancel a pending delivery."""
    notification = _ledger_row(notification_id)
    back = _ledger_page()
    return act(
        lambda: services.cancel(current_user, notification, now=utcnow()),
        success=gettext("The delivery is cancelled."),
        then=back,
    ) or redirect(back)


@bp.route("/test-message", methods=["POST"])
@permission_required("ledger.manage")
def send_test():
    """Queue a test message to oneself, to check the scheduler and e-mail."""
    send_test_message(current_user, now=utcnow())
    db.session.commit()
    flash(
        gettext(
            "A test message to %(email)s is queued for the next scheduler tick.",
            email=current_user.email,
        ),
        "success",
    )
    return redirect(url_for("ledger.index", kind="reminders.test"))
