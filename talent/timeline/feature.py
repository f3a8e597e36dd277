"""Wires a pupil's timeline into the app (see talent/features.py)."""

from flask import Flask

from talent.timeline.registry import register_timeline_provider


def register(app: Flask) -> None:
    from talent.timeline import providers
    from talent.timeline.views import bp

    app.register_blueprint(bp)
    register_timeline_provider(providers.school_record)
