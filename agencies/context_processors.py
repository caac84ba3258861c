"""What the navigation shows a signed-in person: where they may open incidents and which
agencies they administer. Evaluated lazily, so a page that does not ask costs nothing."""

from django.utils.functional import SimpleLazyObject

from agencies.access import agencies_with
from agencies.capabilities import Capability


def navigation(request):
    user = request.user
    return {
        "contributing_agencies": SimpleLazyObject(
            lambda: list(agencies_with(user, Capability.CONTRIBUTE).order_by("name"))
        ),
        "administered_agencies": SimpleLazyObject(
            lambda: list(agencies_with(user, Capability.ADMINISTER).order_by("name"))
        ),
    }
