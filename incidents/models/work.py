"""The work of an incident: tasks (ICS 204) and resource requests (ICS 213RR)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Priority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    BLOCKED = "blocked", "Blocked"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED)


class Task(models.Model):
    """An assignment (ICS 204) to an agency, or to a person of a participating agency."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="tasks"
    )
    period = models.ForeignKey(
        "incidents.OperationalPeriod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    title = models.CharField(max_length=200)
    details = models.TextField(blank=True)
    assigned_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_at = models.DateTimeField(null=True, blank=True)
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    status_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["incident", "-created_at", "-id"]
        indexes = [models.Index(fields=["incident", "status"], name="task_incident_status")]

    def __str__(self) -> str:
        return self.title


class ResourceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    ASSIGNED = "assigned", "Assigned"
    EN_ROUTE = "en_route", "En route"
    DELIVERED = "delivered", "Delivered"
    DENIED = "denied", "Denied"
    CANCELLED = "cancelled", "Cancelled"


OPEN_REQUEST_STATUSES = (
    ResourceStatus.REQUESTED,
    ResourceStatus.APPROVED,
    ResourceStatus.ASSIGNED,
    ResourceStatus.EN_ROUTE,
)

# Common NIMS resource kinds, offered as suggestions; the field takes any text.
# The most of one kind a single request may ask for: far beyond any real mutual-aid ask,
# well inside the database's integer, so a typo is refused rather than stored or a 500.
MAX_QUANTITY = 100_000
COMMON_RESOURCE_KINDS = (
    "Ambulance (ground)",
    "Engine (fire)",
    "Water tender",
    "Ladder truck",
    "Hazmat entry team",
    "Urban search and rescue task force",
    "Swiftwater/flood rescue team",
    "Helicopter",
    "Law enforcement patrol team",
    "Incident management team",
    "Shelter management team",
    "Mobile communications center",
    "Generator",
    "Potable water",
    "Personnel",
    "Other",
)


class ResourceRequest(models.Model):
    """A request (ICS 213RR) from one participating agency to another for resources."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="resource_requests"
    )
    number = models.PositiveIntegerField()
    requesting_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    supplying_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    resource_kind = models.CharField(max_length=120)
    resource_type = models.CharField(max_length=120, blank=True, help_text="NIMS type, e.g. Type 1")
    quantity = models.PositiveIntegerField()
    details = models.TextField(blank=True)
    needed_by = models.DateTimeField(null=True, blank=True)
    delivery_location = models.CharField(max_length=300, blank=True)
    delivery_point = models.JSONField(null=True, blank=True, help_text="GeoJSON Point")
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(
        max_length=16, choices=ResourceStatus.choices, default=ResourceStatus.REQUESTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["incident", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="unique_request_number"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="request_quantity_positive"),
        ]
        indexes = [models.Index(fields=["incident", "status"], name="request_incident_status")]

    def __str__(self) -> str:
        return f"RR-{self.number} {self.quantity} x {self.resource_kind}"


class ResourceRequestStep(models.Model):
    """One step of a resource request's life: who took it, for which side, and why."""

    request = models.ForeignKey(ResourceRequest, on_delete=models.CASCADE, related_name="steps")
    from_status = models.CharField(max_length=16, choices=ResourceStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=ResourceStatus.choices)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["request", "taken_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} -> {self.to_status}"
