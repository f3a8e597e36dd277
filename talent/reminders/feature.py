"""Wires notifications and the delivery ledger into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.reminders.kinds import register_kinds


def register(app: Flask) -> None:
    from talent.reminders import jobs, notices
    from talent.reminders.ledger_views import bp as ledger_bp
    from talent.reminders.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(ledger_bp)
    register_kinds(notices.KINDS)
    features.schedule(app, jobs.SCHEDULED)
