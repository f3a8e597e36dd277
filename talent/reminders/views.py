"""The inbox and the notification preferences."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user
from werkzeug.routing import BuildError

from talent.auth import policy
from talent.auth.guards import permission_required
from talent.db import utcnow
from talent.extensions import db
from talent.i18n import local_zone
from talent.reminders import inbox
from talent.reminders.forms import PreferencesForm, choice_value
from talent.reminders.models import (
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    MANDATORY_CATEGORIES,
)
from talent.reminders.preferences import preferences_of, set_preferences
from talent.web.actions import act
from talent.web.paging import page_number

bp = Blueprint("reminders", __name__)

PER_PAGE = 25
#: Stands for a notification's id in a URL built for all of them.
_ANY_ID = 987_654_321


@bp.app_context_processor
def inbox_badge():
    """``inbox_unread()`` for the navigation: one COUNT, run only when a page shows it."""

    return {"inbox_unread": _unread}


def _unread() -> int:
    """The signed-in user's unread count, counted once per request (the page and its menu)."""
    if "inbox_unread" not in g:
        g.inbox_unread = (
            inbox.unread_count(current_user) if policy.is_signed_in(current_user) else 0
        )
    return g.inbox_unread


def _target_url(target) -> str | None:
    if target is None:
        return None
    endpoint, arguments = target
    try:
        return url_for(endpoint, **arguments)
    except BuildError:
        return None


@bp.route("/inbox")
@permission_required("notifications.read")
def index():
    """The user's notifications, newest first."""
    page = inbox.inbox_page(
        current_user,
        page=page_number(),
        per_page=PER_PAGE,
        language=str(get_locale()),
        zone=local_zone(),
    )
    g.inbox_unread = page.unread  # the menu's badge shows the same count
    return render_template(
        "reminders/inbox.html",
        page=page,
        # Open is offered where there is somewhere to go, as the open view will find it.
        openable={line.id for line in page.lines if _target_url(line.target)},
        open_url=_url_of_any("reminders.open_item"),
        mark_read_url=_url_of_any("reminders.mark_read"),
        unread=page.unread,
    )


def _url_of_any(endpoint: str) -> str:
    """The endpoint's URL with ``%d`` for the notification's id: built once per page instead of
    once per line."""
    before, _, after = url_for(endpoint, notification_id=_ANY_ID).rpartition(str(_ANY_ID))
    return f"{before.replace('%', '%%')}%d{after.replace('%', '%%')}"


@bp.route("/inbox/<int:notification_id>/open", methods=["POST"])
@permission_required("notifications.read")
def open_item(notification_id: int):
    """Mark one notification read and go to what it is about."""
    notification = inbox.inbox_item(current_user, notification_id)
    inbox.mark_read(current_user, notification, now=utcnow())
    db.session.commit()
    return redirect(_target_url(inbox.target_of(notification)) or url_for("reminders.index"))


@bp.route("/inbox/<int:notification_id>/read", methods=["POST"])
@permission_required("notifications.read")
def mark_read(notification_id: int):
    """Mark one notification read."""
    notification = inbox.inbox_item(current_user, notification_id)
    inbox.mark_read(current_user, notification, now=utcnow())
    db.session.commit()
    return redirect(url_for("reminders.index", page=request.form.get("page", 1, type=int)))


@bp.route("/inbox/read-all", methods=["POST"])
@permission_required("notifications.read")
def mark_all_read():
    """Mark every notification read."""
    count = inbox.mark_all_read(current_user, now=utcnow())
    db.session.commit()
    flash(gettext("%(num)d notification(s) marked read.", num=count), "success")
    return redirect(url_for("reminders.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@permission_required("notifications.read")
def preferences():
    """Choose which categories of messages come in the inbox and by e-mail."""
    current = preferences_of(current_user)
    form = PreferencesForm()
    if request.method == "GET":
        form.choices.data = [
            choice_value(category, channel) for (category, channel), on in current.items() if on
        ]
    if form.validate_on_submit():
        chosen = form.pairs() | {key for key in current if key[0] in MANDATORY_CATEGORIES}
        done = act(
            lambda: set_preferences(current_user, chosen, now=utcnow()),
            success=gettext("Your notification preferences are saved."),
            then=url_for("reminders.preferences"),
            form=form,
        )
        if done:
            return done
    return render_template(
        "reminders/preferences.html",
        form=form,
        categories=CATEGORY_LABELS,
        channels=CHANNEL_LABELS,
        mandatory=MANDATORY_CATEGORIES,
        checked=set(form.choices.data or []),
        value_of=choice_value,
    )
