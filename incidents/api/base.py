"""The base of the resources under one incident, on `sharing.api.base.SharedObjectViewSet`."""

from django.db.models import QuerySet
from rest_framework.response import Response

from coordination.concurrency import etag
from incidents.selectors import visible_incident_or_404
from sharing import policy
from sharing.api.base import SharedObjectViewSet

INCIDENT_ID_PATTERN = "[0-9a-fA-F-]{36}"


def incident_child_prefix(name: str) -> str:
    """The router prefix of a resource under one incident."""
    return f"incidents/(?P<incident_id>{INCIDENT_ID_PATTERN})/{name}"


class IncidentChildViewSet(SharedObjectViewSet):
    """Resources under one incident: /incidents/{incident_id}/<name>/.

    The incident is looked up through the policy first, so a hidden incident is a 404
    for every path under it. Collection actions (list, create, and custom actions without
    an object) need their permission on the incident; object actions need it on the
    object, which for a child with its own marking means under the stricter marking.
    Each response about one object carries its version as the ETag.
    """

    lookup_field = "public_id"
    lookup_url_kwarg = "pk"
    lookup_value_regex = INCIDENT_ID_PATTERN

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.incident = visible_incident_or_404(self.request.user, self.kwargs["incident_id"])
        if not self.detail and request.method != "OPTIONS":
            self.incident_permissions = policy.permissions_on(request.user, self.incident)
            policy.require(
                request.user, self.required_perm(), self.incident, self.incident_permissions
            )

    def get_queryset(self) -> QuerySet:
        return policy.visible(
            self.request.user, self.base_queryset().filter(**self.incident_filter()), "view"
        )

    def incident_filter(self) -> dict:
        return {"incident": self.incident}

    def with_etag(self, response: Response, version: int) -> Response:
        response["ETag"] = etag(version)
        return response
