"""The private feed URL, and replacing or revoking it from the profile page."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from talent.auth import policy
from talent.auth.guards import permission_required, public
from talent.calendar import services
from talent.calendar.ics import build_calendar
from talent.db import utcnow
from talent.extensions import db

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


@bp.app_context_processor
def calendar_helpers():
    """``calendar_feed_url()`` for the profile page: the user's feed URL, or None."""

    def calendar_feed_url() -> str | None:
        if not policy.has_permission(current_user, "calendar.subscribe"):
            return None
        feed = services.feed_of(current_user)
        if feed is None:
            return None
        base = current_app.config["BASE_URL"].rstrip("/")
        return base + url_for("calendar.feed", token=feed.token)

    return {"calendar_feed_url": calendar_feed_url}


@bp.route("/<token>.ics")
@public
def feed(token: str):
    """The user's upcoming events as iCalendar; the token in the URL is the only key."""
    found = services.feed_by_token(token)
    if found is None:
        abort(404)
    now = utcnow()
    body = build_calendar(
        services.feed_events(found, now=now),
        name=gettext("Talent: %(name)s", name=found.user.name),
        now=now,
        zone=found.user.timezone,
    )
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.route("/feed", methods=["POST"])
@permission_required("calendar.subscribe")
def replace():
    """Make a new private feed URL; the old one stops working."""
    services.replace_feed(current_user, now=utcnow())
    db.session.commit()
    flash(
        gettext("Your calendar has a new address. Calendars using the old one stop updating."),
        "success",
    )
    return redirect(url_for("auth.profile") + "#calendar-feed")


@bp.route("/feed/revoke", methods=["POST"])
@permission_required("calendar.subscribe")
def revoke():
    """Switch the private feed URL off."""
    if services.revoke_feed(current_user, now=utcnow()):
        flash(gettext("Your calendar address no longer works."), "success")
    db.session.commit()
    return redirect(url_for("auth.profile") + "#calendar-feed")
