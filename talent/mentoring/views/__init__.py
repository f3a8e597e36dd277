"""Mentoring pages: routes only; the services hold the rules and the policy decides access."""

# The route modules add their routes to bp.
from talent.mentoring.views import (  # noqa: F401
    pairings,
    profiles,
    safeguarding,
    sessions,
)
from talent.mentoring.views.common import bp  # noqa: F401 - the app registers it
