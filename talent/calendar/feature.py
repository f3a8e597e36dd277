"""Wires the calendar subscription into the app (see talent/features.py)."""

from flask import Flask


def register(app: Flask) -> None:
    from talent.calendar.views import bp

    app.register_blueprint(bp)
