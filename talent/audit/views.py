"""The audit log (placeholder)."""

from flask import Blueprint

from talent.auth.guards import permission_required

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.route("/")
@permission_required("audit.read")
def events():
    return "audit"
