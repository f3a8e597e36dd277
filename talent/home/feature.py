"""Wires the home page into the app (see talent/features.py)."""

from flask import Flask


def register(app: Flask) -> None:
    from talent.home.views import bp

    app.register_blueprint(bp)
