"""Lab-visit pages: routes only; the services hold the rules and the policy decides access.

Objects the user may not see answer 404, so that ids of other schools' visits reveal nothing;
objects they may see but not change answer 403.
"""

# Route modules register themselves on bp.
from talent.visits.views import requests, slots, visits  # noqa: F401
from talent.visits.views.common import bp  # noqa: F401 - the app registers it
