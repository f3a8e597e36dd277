"""Wires the audit log into the app (see talent/features.py)."""

from flask import Flask


def register(app: Flask) -> None:
    from talent.audit.views import bp

    app.register_blueprint(bp)
