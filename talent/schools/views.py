"""Classes and pupils (placeholder)."""

from flask import Blueprint

from talent.auth.guards import permission_required

bp = Blueprint("schools", __name__)


@bp.route("/classes")
@permission_required("classes.manage")
def classes():
    return "classes"
