"""The incident timeline (ICS 214 / significant events): append-only, each entry marked."""

import uuid

import pgtrigger
from django.conf import settings
from django.db import models

from sharing.markings import TLP


class EntryKind(models.TextChoices):
    NOTE = "note", "Note"
    DECISION = "decision", "Decision"
    OBSERVATION = "observation", "Observation"
    COMMUNICATION = "communication", "Communication"
    STATUS_CHANGE = "status_change", "Status change"
    SYSTEM = "system", "System"


# What people write; the other kinds are written by the verbs themselves.
AUTHORED_KINDS = (
    EntryKind.NOTE,
    EntryKind.DECISION,
    EntryKind.OBSERVATION,
    EntryKind.COMMUNICATION,
)


def correctable_by(entry: "TimelineEntry", *, commanding: bool, agency_ids) -> bool:
    """Whether a reader may put this entry right: a person's entry, by its own agency (a
    role there that contributes, `agency_ids`) or by the incident's command. Concord's
    own lines record what it did and are not corrected."""
    if entry.kind not in AUTHORED_KINDS:
        return False
    return commanding or entry.agency_id in agency_ids


class TimelineEntry(models.Model):
    """One line of an incident's log. Never changed or deleted (the database refuses);
    a correction is a new entry that names the one it corrects.

    Its marking may be stricter than its incident's, never looser, and it is visible
    only where both markings admit the reader (`sharing.policy`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        "incidents.Incident", on_delete=models.CASCADE, related_name="timeline"
    )
    kind = models.CharField(max_length=16, choices=EntryKind.choices)
    text = models.TextField()
    tlp = models.CharField(max_length=16, choices=TLP.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_label = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, on_delete=models.PROTECT, related_name="+"
    )
    location = models.JSONField(null=True, blank=True, help_text="GeoJSON Point")
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    occurred_at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name_plural = "timeline entries"
        indexes = [
            models.Index(fields=["incident", "-occurred_at", "-id"], name="timeline_recent"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="timeline_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
