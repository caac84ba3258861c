"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class TimelineViewSet(IncidentChildViewSet):
    pass
