"""Incident models, one module per aggregate."""

from incidents.models.incident import (
    TRANSITIONS,
    Incident,
    IncidentGroupGrant,
    IncidentShare,
    IncidentStatus,
    IncidentType,
    IncidentUserGrant,
    ReferenceCounter,
    StatusChange,
)

__all__ = [
    "TRANSITIONS",
    "Incident",
    "IncidentGroupGrant",
    "IncidentShare",
    "IncidentStatus",
    "IncidentType",
    "IncidentUserGrant",
    "ReferenceCounter",
    "StatusChange",
]
