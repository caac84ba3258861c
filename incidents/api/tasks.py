"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class TaskViewSet(IncidentChildViewSet):
    pass
