"""Unified command: who takes part, the operational periods, and who fills which ICS
position in each (ICS 202, 203, 207)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from agencies.models import Agency


class ParticipantPart(models.TextChoices):
    LEAD = "lead", "Lead agency"
    UNIFIED_COMMAND = "unified_command", "Unified command member"
    ASSISTING = "assisting", "Assisting agency"
    COOPERATING = "cooperating", "Cooperating agency"


class ParticipantStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (by jurisdiction routing)"
    ACTIVE = "active", "Taking part"


class ParticipantQuerySet(models.QuerySet):
    def taking_part(self, incident=None):
        """The participants taking part now (not merely proposed), of one incident (an
        Incident or its id) if named."""
        active = self.filter(status=ParticipantStatus.ACTIVE)
        return active if incident is None else active.filter(incident=incident)


def agencies_taking_part(incident):
    """The active agencies taking part in the incident now: the only ones positions,
    work and resource requests may name."""
    return Agency.objects.filter(
        is_active=True,
        participations__incident=incident,
        participations__status=ParticipantStatus.ACTIVE,
    )


class Participant(models.Model):
    """An agency taking part in an incident, or proposed to because the incident lies in a
    jurisdiction it answers for. An active participant other than the lead holds the
    share (`share`) that lets its people in; removing the participant revokes it."""

    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="participants"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="participations"
    )
    part = models.CharField(max_length=16, choices=ParticipantPart.choices)
    status = models.CharField(
        max_length=16, choices=ParticipantStatus.choices, default=ParticipantStatus.ACTIVE
    )
    share = models.OneToOneField(
        "incidents.IncidentShare",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participant",
    )
    routed_from = models.ForeignKey(
        "agencies.Jurisdiction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The jurisdiction whose responsibility brought this agency in",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ParticipantQuerySet.as_manager()

    class Meta:
        ordering = ["incident", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "agency"], name="unique_participant"),
            models.UniqueConstraint(
                fields=["incident"], condition=Q(part="lead"), name="one_lead_participant"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.part}) in {self.incident_id}"


class OperationalPeriod(models.Model):
    """One operational period of an incident (ICS 202): a span of time, its objectives
    and command emphasis. Periods of one incident never overlap; exactly one is current
    once any exists."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="periods"
    )
    number = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_current = models.BooleanField(default=False)
    command_emphasis = models.TextField(blank=True)
    situational_awareness = models.TextField(blank=True)
    weather = models.TextField(blank=True)
    safety_message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["incident", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="unique_period_number"),
            models.UniqueConstraint(
                fields=["incident"], condition=Q(is_current=True), name="one_current_period"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="period_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"Operational period {self.number}"


class ObjectiveStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    MET = "met", "Met"
    NOT_MET = "not_met", "Not met"
    DROPPED = "dropped", "Dropped"


class Objective(models.Model):
    """One incident objective of a period, in the order the IAP lists them."""

    period = models.ForeignKey(
        OperationalPeriod, on_delete=models.CASCADE, related_name="objectives"
    )
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    status = models.CharField(
        max_length=16, choices=ObjectiveStatus.choices, default=ObjectiveStatus.OPEN
    )

    class Meta:
        ordering = ["period", "order"]
        constraints = [
            models.UniqueConstraint(fields=["period", "order"], name="unique_objective_order")
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text[:60]}"


class PositionKind(models.TextChoices):
    INCIDENT_COMMANDER = "incident_commander", "Incident Commander"
    DEPUTY_INCIDENT_COMMANDER = "deputy_incident_commander", "Deputy Incident Commander"
    SAFETY_OFFICER = "safety_officer", "Safety Officer"
    PUBLIC_INFORMATION_OFFICER = "public_information_officer", "Public Information Officer"
    LIAISON_OFFICER = "liaison_officer", "Liaison Officer"
    OPERATIONS_SECTION_CHIEF = "operations_section_chief", "Operations Section Chief"
    PLANNING_SECTION_CHIEF = "planning_section_chief", "Planning Section Chief"
    LOGISTICS_SECTION_CHIEF = "logistics_section_chief", "Logistics Section Chief"
    FINANCE_ADMIN_SECTION_CHIEF = "finance_admin_section_chief", "Finance/Admin Section Chief"
    INTELLIGENCE_INVESTIGATIONS_CHIEF = (
        "intelligence_investigations_chief",
        "Intelligence/Investigations Section Chief",
    )
    BRANCH_DIRECTOR = "branch_director", "Branch Director"
    DIVISION_SUPERVISOR = "division_supervisor", "Division Supervisor"
    GROUP_SUPERVISOR = "group_supervisor", "Group Supervisor"


class Position(models.Model):
    """An ICS position in one operational period, filled by a person of a participating
    agency. Branches, divisions and groups carry a name ("Division A") and report to
    another position; the fixed positions' place in the chart follows from their kind."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    period = models.ForeignKey(
        OperationalPeriod, on_delete=models.CASCADE, related_name="positions"
    )
    kind = models.CharField(max_length=40, choices=PositionKind.choices)
    name = models.CharField(
        max_length=100, blank=True, help_text='For branches, divisions and groups: "Division A"'
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ics_positions"
    )
    reports_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="subordinates"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["period", "kind", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "agency"],
                condition=Q(kind="incident_commander"),
                name="one_commander_per_agency",
            ),
            models.UniqueConstraint(
                fields=["period", "kind", "name"],
                condition=~Q(kind="incident_commander"),
                name="unique_position_in_period",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} {self.name}".strip()
