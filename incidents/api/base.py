"""The one base view set for shared objects: every action names the permission it needs.

Its queryset is always `sharing.policy.visible(user, ..., "view")`, so an object the
caller may not see is a 404 on every path; `get_object` then requires the action's own
permission (403 when visible but not allowed). An action missing from `action_perms`
is refused, so a new endpoint that forgets to say what it needs fails its first test.
"""

from django.db.models import QuerySet
from rest_framework import exceptions, viewsets

from coordination.api import StrictQueryParamsMixin
from sharing import policy


class SharedObjectViewSet(StrictQueryParamsMixin, viewsets.GenericViewSet):
    # {"retrieve": "view", "status": "command", "shares:post": "share", ...}
    action_perms: dict[str, str] = {}

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def required_perm(self) -> str:
        method = self.request.method.lower()
        key = f"{self.action}:{'get' if method == 'head' else method}"
        perm = self.action_perms.get(key) or self.action_perms.get(self.action)
        if perm is None:
            raise exceptions.MethodNotAllowed(self.request.method)
        return perm

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action is not None and request.method != "OPTIONS":
            self.required_perm()

    def get_queryset(self) -> QuerySet:
        return policy.visible(self.request.user, self.base_queryset(), "view")

    def get_object(self):
        obj = super().get_object()
        self.permissions = policy.permissions_on(self.request.user, obj)
        policy.require(self.request.user, self.required_perm(), obj, self.permissions)
        return obj
