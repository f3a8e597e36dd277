"""Wires courses into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.auth import policy
from talent.calendar.registry import register_provider
from talent.reminders.kinds import register_kinds


def register(app: Flask) -> None:
    from talent.courses import feed, jobs, notices
    from talent.courses import policy as rules
    from talent.courses.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    register_kinds(notices.KINDS)
    register_provider("courses")(feed.course_sessions)
    features.schedule(app, jobs.SCHEDULED)
