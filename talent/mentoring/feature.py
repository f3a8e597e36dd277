"""Wires mentoring into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.auth import policy
from talent.calendar.registry import register_provider
from talent.reminders.kinds import register_kinds
from talent.timeline.registry import register_timeline_provider


def register(app: Flask) -> None:
    from talent.mentoring import jobs, timeline
    from talent.mentoring import policy as rules
    from talent.mentoring.services import calendar, reminders
    from talent.mentoring.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    register_kinds(reminders.KINDS)
    register_provider("mentoring")(calendar.planned_sessions)
    register_timeline_provider(timeline.mentoring)
    features.schedule(app, jobs.SCHEDULED)
