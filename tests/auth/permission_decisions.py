"""Every permission decision of the policy over what is in the database, for every user.

Run as a program (``python -m tests.auth.permission_decisions URL [FEATURE ...]``) it builds
the app with the features registered in the order given, in a fresh interpreter, and prints
the decisions as JSON: tests/auth/test_registration_order.py compares two orders.
"""

from __future__ import annotations

import json
import sys

import sqlalchemy as sa

from talent.auth import policy
from talent.extensions import db
from talent.people.models import User


def decisions() -> list[str]:
    """Sorted lines "user permission [model id] yes|no" for each user, permission and object."""
    users = db.session.scalars(sa.select(User).order_by(User.id)).all()
    lines = []
    for user in users:
        for permission in sorted(policy.PERMISSIONS):
            lines.append(f"{user.email} {permission} {policy.has_permission(user, permission)}")
        for permission, model in policy.registered_rules():
            for obj in db.session.scalars(sa.select(model)):
                verdict = policy.can(user, permission, obj)
                lines.append(f"{user.email} {permission} {model.__name__} {obj.id} {verdict}")
    return sorted(lines)


def main(database_url: str, order: list[str]) -> None:
    from talent import create_app
    from tests.conftest import test_settings

    app = create_app(test_settings(database_url), features=order or None)
    with app.app_context():
        json.dump(decisions(), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
