"""Situation reports (ICS 209): signed snapshots of an incident at a moment."""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models

from sharing.markings import TLP


class SituationReport(models.Model):
    """A snapshot of the incident as it stood when issued, with the author's figures.

    `digest` is SHA-256 over the report's canonical JSON, recorded with the author and
    the time; the database refuses any change or deletion, and a report whose content no
    longer matches its digest fails verification. Its marking is the incident's when
    issued, so a later, looser incident marking does not open it wider.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="sitreps"
    )
    number = models.PositiveIntegerField()
    period = models.ForeignKey(
        "incidents.OperationalPeriod",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sitreps",
    )
    tlp = models.CharField(max_length=16, choices=TLP.choices)
    summary = models.TextField(blank=True)
    figures = models.JSONField(default=dict, help_text="Casualty and damage figures")
    snapshot = models.JSONField(help_text="The incident's state when issued")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200)
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    digest = models.CharField(max_length=64)

    class Meta:
        ordering = ["incident", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "number"], name="unique_sitrep_number")
        ]
        triggers = [
            pgtrigger.Protect(
                name="sitrep_immutable", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Situation report {self.number}"
