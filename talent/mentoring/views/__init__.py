"""Mentoring pages: routes only; the services hold the rules and the policy decides access."""

# Register the calendar and timeline providers; route modules register themselves on bp.
from talent.mentoring import timeline  # noqa: F401
from talent.mentoring.services import calendar  # noqa: F401
from talent.mentoring.views import (  # noqa: F401
    pairings,
    profiles,
    safeguarding,
    sessions,
)
from talent.mentoring.views.common import bp  # noqa: F401 - the app registers it
