"""The request-scoped principal: the policy reads a principal's roles once per request."""

from sharing import policy


class RolesPerRequestMiddleware:
    """Each request reads the caller's roles once, and the next request afresh: a
    membership, role or capability change counts from the following request on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with policy.roles_read_once():
            return self.get_response(request)
