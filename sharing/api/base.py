"""The one base view set for shared objects: every action names the permission it needs.

Its queryset is always `sharing.policy.visible(user, ..., "view")`, so an object the
caller may not see is a 404 on every path; `get_object` then requires the action's own
permission (403 when visible but not allowed). An action missing from `action_perms`
is refused, so a new endpoint that forgets to say what it needs fails its first test.
It knows no domain model: any app's shared objects are served through it.
"""

from django.db.models import QuerySet
from rest_framework import exceptions, viewsets
from rest_framework.permissions import SAFE_METHODS

from coordination.api import StrictQueryParamsMixin
from coordination.concurrency import expected_version
from sharing import policy


class SharedObjectViewSet(StrictQueryParamsMixin, viewsets.GenericViewSet):
    # {"retrieve": "view", "status": "command", "shares:post": "share", ...}
    action_perms: dict[str, str] = {}
    # Object actions that change something without a version of its own (a grant); every
    # other change to an object names the version it was made against (If-Match).
    unversioned_actions: frozenset[str] = frozenset()
    expected_version: int | None = None

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
        return self.checked(super().get_object())

    def checked(self, obj, *, judged_on=None):
        """`obj`, if the caller may see it (404) and act on it (403), judged on itself or
        on `judged_on`; for a change, the version the caller read is kept in
        `expected_version` (428 for a partner system that names none)."""
        judged = obj if judged_on is None else judged_on
        self.permissions = policy.permissions_on(self.request.user, judged)
        policy.require(self.request.user, self.required_perm(), judged, self.permissions)
        if self.request.method not in SAFE_METHODS and self.action not in self.unversioned_actions:
            self.expected_version = expected_version(self.request)
        return obj
