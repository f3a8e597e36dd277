"""Wires the impact report into the app (see talent/features.py)."""

from flask import Flask

from talent import features


def register(app: Flask) -> None:
    from talent.reports import jobs
    from talent.reports.views import bp

    app.register_blueprint(bp)
    features.schedule(app, jobs.SCHEDULED)
