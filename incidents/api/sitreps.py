"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class SituationReportViewSet(IncidentChildViewSet):
    pass
