"""Wires programmes, enrollments and alumni into the app (see talent/features.py)."""

from flask import Flask

from talent.auth import policy
from talent.timeline.registry import register_timeline_provider


def register(app: Flask) -> None:
    from talent.programmes import policy as rules
    from talent.programmes import timeline
    from talent.programmes.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    register_timeline_provider(timeline.programmes)
