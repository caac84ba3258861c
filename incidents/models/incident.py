"""The incident: what happened, where, how bad, how it is marked and who leads it."""

import uuid

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase

from sharing.markings import TLP
from sharing.models import AgencyShareBase, NamedGrantBase


class IncidentType(models.TextChoices):
    FIRE = "fire", "Fire"
    HAZMAT = "hazmat", "Hazardous materials"
    FLOOD = "flood", "Flood"
    SEVERE_WEATHER = "severe_weather", "Severe weather"
    EARTHQUAKE = "earthquake", "Earthquake"
    MASS_CASUALTY = "mass_casualty", "Mass casualty"
    PUBLIC_HEALTH = "public_health", "Public health"
    CYBER = "cyber", "Cyber"
    TERRORISM = "terrorism", "Terrorism"
    CIVIL_UNREST = "civil_unrest", "Civil unrest"
    SEARCH_AND_RESCUE = "search_and_rescue", "Search and rescue"
    INFRASTRUCTURE_FAILURE = "infrastructure_failure", "Infrastructure failure"
    PLANNED_EVENT = "planned_event", "Planned event"
    OTHER = "other", "Other"


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", "Reported"
    ACTIVE = "active", "Active"
    CONTAINED = "contained", "Contained"
    CLOSED = "closed", "Closed"


class Incident(models.Model):
    """One incident run by agencies together. `public_id` is the only id on the wire.

    The location is a GeoJSON Point kept with its longitude and latitude in indexed
    columns, so "near this point" and "in this box" are index range scans.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    incident_type = models.CharField(max_length=32, choices=IncidentType.choices)
    severity = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    location = models.JSONField(help_text="GeoJSON Point, [longitude, latitude]")
    longitude = models.FloatField(editable=False)
    latitude = models.FloatField(editable=False)
    affected_area = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon")
    tlp = models.CharField(max_length=16, choices=TLP.choices, default=TLP.AMBER)
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="led_incidents"
    )
    is_exercise = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    version = models.PositiveIntegerField(
        default=1, help_text="Raised by every change; the ETag that If-Match is checked against"
    )

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("contribute_incident", "Contribute to the incident"),
            ("command_incident", "Command the incident"),
            ("share_incident", "Share the incident"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(severity__gte=1, severity__lte=5), name="incident_severity_1_5"
            ),
        ]
        indexes = [
            models.Index(fields=["longitude", "latitude"], name="incident_location"),
            models.Index(fields=["status", "-updated_at"], name="incident_status_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class StatusChange(models.Model):
    """One step of an incident's lifecycle: who moved it, when, and why."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=IncidentStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=IncidentStatus.choices)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incident", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.from_status or '-'} -> {self.to_status}"


class ReferenceCounter(models.Model):
    """The last reference number issued in a year; its row lock makes references gapless."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class IncidentShare(AgencyShareBase):
    """An incident shared with an agency (the lead agency holds one too)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="shares")

    class Meta:
        ordering = ["incident", "granted_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "agency"], name="unique_incident_share")
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} shared with {self.agency.slug}"


class IncidentUserGrant(NamedGrantBase):
    """guardian's direct foreign-key table of named (per-person) incident grants, each
    with the agreement it was made under (if any)."""

    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)


class IncidentGroupGrant(GroupObjectPermissionBase):
    """guardian's direct foreign-key table of role-group incident grants, per share."""

    content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)
    share = models.ForeignKey(IncidentShare, on_delete=models.CASCADE, related_name="grants")
