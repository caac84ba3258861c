"""Stable error codes of the incident verbs."""

from django.db import models


class IncidentErrorCode(models.TextChoices):
    INVALID = "invalid"
    INVALID_TRANSITION = "invalid_transition"
    LEAD_AGENCY_REQUIRED = "lead_agency_required"
    NOT_A_MEMBER = "not_a_member"
    REASON_REQUIRED = "reason_required"
    INVALID_LOCATION = "invalid_location"
    INVALID_AREA = "invalid_area"
    INVALID_SEVERITY = "invalid_severity"
    INVALID_TYPE = "invalid_type"
    INVALID_PART = "invalid_part"
    ALREADY_PARTICIPATING = "already_participating"
    NOT_PARTICIPATING = "not_participating"
    LEAD_PARTICIPANT = "lead_participant"
