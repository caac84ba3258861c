"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class ResourceRequestViewSet(IncidentChildViewSet):
    pass
