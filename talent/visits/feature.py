"""Wires lab visits into the app (see talent/features.py)."""

from flask import Flask

from talent import features
from talent.auth import policy
from talent.calendar.registry import register_provider
from talent.reminders.kinds import register_kinds
from talent.timeline.registry import register_timeline_provider


def register(app: Flask) -> None:
    from talent.visits import feed, jobs, reminders
    from talent.visits import policy as rules
    from talent.visits.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    register_kinds(reminders.KINDS)
    register_provider("visits")(feed.lab_visits)
    register_timeline_provider(feed.visits_and_activities)
    features.schedule(app, jobs.SCHEDULED)
