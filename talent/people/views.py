"""Managing organisations and users (placeholder until the admin screens land)."""

from flask import Blueprint

from talent.auth.guards import permission_required

bp = Blueprint("people", __name__, url_prefix="/admin")


@bp.route("/organisations")
@permission_required("organizations.manage")
def organizations():
    return "organisations"


@bp.route("/users")
@permission_required("users.manage")
def users():
    return "users"
