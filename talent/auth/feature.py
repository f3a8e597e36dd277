"""Wires log-in, passwords and invitations into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.reminders.kinds import register_kinds


def register(app: Flask) -> None:
    from talent.auth import jobs, links
    from talent.auth.views import bp

    app.register_blueprint(bp)
    register_kinds(links.KINDS)
    features.schedule(app, jobs.SCHEDULED)
