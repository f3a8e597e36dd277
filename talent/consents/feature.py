"""Wires guardians and consents into the app (see talent/features.py)."""

from flask import Flask

from talent.auth import policy
from talent.reminders.kinds import register_kinds
from talent.timeline.registry import register_timeline_provider


def register(app: Flask) -> None:
    from talent.consents import links, reminders, timeline
    from talent.consents import policy as rules
    from talent.consents.views import bp

    app.register_blueprint(bp)
    policy.register(rules.rules)
    register_kinds(links.KINDS)
    register_kinds(reminders.KINDS)
    register_timeline_provider(timeline.consents)
