"""Wires pupils' export, erasure and retention into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.auth import policy


def register(app: Flask) -> None:
    from talent.privacy import jobs
    from talent.privacy import policy as rules
    from talent.privacy.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    features.schedule(app, jobs.SCHEDULED)
