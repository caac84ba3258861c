"""What happened: the audit trail and the event outbox, on the bottom floor so every app
writes them.

Both tables predate this app (they were created as `sharing`'s), so each model names its
table; the rows did not move. `ledger` imports no app: agencies and people are named by
string references, markings are stored as the strings `sharing.markings.TLP` defines.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    OBJECT_CREATED = "object_created", "Object created"
    VIEWED = "viewed", "Viewed (AMBER or stricter)"
    STATUS_CHANGED = "status_changed", "Status changed"
    MARKING_CHANGED = "marking_changed", "Marking changed"
    SHARE_GRANTED = "share_granted", "Shared with an agency"
    SHARE_REVOKED = "share_revoked", "Share revoked"
    PERSON_GRANTED = "person_granted", "Granted to a named person"
    PERSON_REVOKED = "person_revoked", "Named grant revoked"
    BREAK_GLASS = "break_glass", "Break-glass share"
    AGREEMENT_PROPOSED = "agreement_proposed", "Agreement proposed"
    AGREEMENT_ACCEPTED = "agreement_accepted", "Agreement accepted"
    AGREEMENT_ACTIVATED = "agreement_activated", "Agreement activated"
    AGREEMENT_SUSPENDED = "agreement_suspended", "Agreement suspended"
    AGREEMENT_RENEWED = "agreement_renewed", "Agreement renewal proposed"
    LOGIN = "login", "Signed in"
    LOGIN_FAILED = "login_failed", "Failed sign-in"
    TOKEN_USED = "token_used", "API token used"
    MEMBER_ADDED = "member_added", "Member added"
    MEMBER_CHANGED = "member_changed", "Member's role changed"
    MEMBER_DEACTIVATED = "member_deactivated", "Member deactivated"
    ROLE_DEFINED = "role_defined", "Role defined"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_DELETED = "role_deleted", "Role deleted"
    API_CLIENT_ISSUED = "api_client_issued", "API client issued"
    API_CLIENT_UPDATED = "api_client_updated", "API client changed"
    API_CLIENT_REVOKED = "api_client_revoked", "API client revoked"
    AGENCY_REGISTERED = "agency_registered", "Agency registered"
    AGENCY_MOVED = "agency_moved", "Agency moved in the hierarchy"
    AGENCY_DEACTIVATED = "agency_deactivated", "Agency deactivated"
    AGENCY_REACTIVATED = "agency_reactivated", "Agency reactivated"


class AuditRecord(models.Model):
    """One append-only line of the audit trail, chained to the one before by SHA-256.

    The database refuses UPDATE and DELETE (a PostgreSQL trigger); `hash` covers the
    record's content and `prev_hash`, so removing or altering any row breaks the chain,
    which `manage.py verify_audit` finds. Names are copied in (`actor_label`,
    `target_label`) so a record still reads right after the things it names are gone.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=32, choices=AuditAction.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_records",
    )
    other_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_records_as_other",
    )
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    target_label = models.CharField(max_length=300, blank=True)
    flagged = models.BooleanField(default=False, help_text="Needs attention, e.g. break-glass")
    detail = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        db_table = "sharing_auditrecord"
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["agency", "-id"], name="audit_agency_recent"),
            models.Index(fields=["other_agency", "-id"], name="audit_other_agency_recent"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="audit_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} by {self.actor_label}"


class Event(models.Model):
    """One change, written in the transaction that made it (the transactional outbox).

    Its id is the sequence number live clients resume from. `target_*` names the object
    it concerns and `tlp` the marking it carries, so whoever delivers it can ask the
    policy who may receive it; `agencies` are agencies it is addressed to beyond those
    (e.g. an agency proposed as a participant). Delivery (live updates, alerts,
    webhooks) reads committed rows; nothing here sends anything.
    """

    kind = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    tlp = models.CharField(
        max_length=16,
        blank=True,
        help_text="The TLP marking (sharing.markings.TLP) of what it concerns; empty for an "
        "object no marking covers (an agency's own records), delivered to `agencies` only",
    )
    agencies = models.ManyToManyField("agencies.Agency", blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "sharing_event"
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="event_target")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.target_type}:{self.target_id}"
