"""The home page, shaped by the user's roles, and a health endpoint for probes."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from talent.auth.guards import permission_required, public
from talent.db import utcnow
from talent.home.dashboards import boards_for

bp = Blueprint("home", __name__)


@bp.route("/")
@permission_required("home")
def index():
    """Show the dashboard of each of the user's roles."""
    return render_template("home/index.html", boards=boards_for(current_user, now=utcnow()))


@bp.route("/health")
@public
def health():
    """Answer load balancers and benchmarks without touching the database."""
    return {"status": "ok"}
