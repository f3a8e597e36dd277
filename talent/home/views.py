"""The home page, shaped by the user's roles, and a health endpoint for probes."""

from __future__ import annotations

from flask import Blueprint, render_template

from talent.auth.guards import permission_required, public
from talent.home.services import home_sections

bp = Blueprint("home", __name__)


@bp.route("/")
@permission_required("home")
def index():
    """Show the sections that fit the user's roles."""
    from flask_login import current_user

    return render_template("home/index.html", sections=home_sections(current_user))


@bp.route("/health")
@public
def health():
    """Answer load balancers and benchmarks without touching the database."""
    return {"status": "ok"}
