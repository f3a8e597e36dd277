"""Wires people and organisations into the app (see talent/features.py)."""

from flask import Flask

from talent.auth import policy


def register(app: Flask) -> None:
    from talent.people import policy as rules
    from talent.people.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
