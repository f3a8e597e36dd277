"""Wires roster imports into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.auth import policy


def register(app: Flask) -> None:
    from talent.rosters import jobs
    from talent.rosters import policy as rules
    from talent.rosters.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    features.schedule(app, jobs.SCHEDULED)
