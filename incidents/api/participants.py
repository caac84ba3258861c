"""Placeholder: being built."""

from incidents.api.base import IncidentChildViewSet


class ParticipantViewSet(IncidentChildViewSet):
    pass
