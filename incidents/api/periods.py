"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class PeriodViewSet(IncidentChildViewSet):
    pass
