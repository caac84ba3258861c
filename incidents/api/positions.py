"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class PositionViewSet(IncidentChildViewSet):
    pass
