"""Course pages: the public catalogue, the participant's pages and the coordinator's pages.
Routes only; the services hold the rules and the policy decides access."""

# Route modules register themselves on bp.
from talent.courses.views import manage, participant, public  # noqa: F401
from talent.courses.views.common import bp  # noqa: F401 - the app registers it
