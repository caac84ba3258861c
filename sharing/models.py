"""Sharing agreements, the audit trail, and the abstract share any shared model uses.

`sharing` knows nothing of incidents: a model becomes shareable by declaring a concrete
share model (from `AgencyShareBase`) and guardian's direct foreign-key grant tables (the
per-person one from `NamedGrantBase`), and registering them with `sharing.policy`.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import UserObjectPermissionBase

from sharing.access import Access
from sharing.markings import TLP


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", "Draft (awaiting acceptance)"
    ACTIVE = "active", "Active"
    SUSPENDED = "suspended", "Suspended"
    EXPIRED = "expired", "Expired"


class SharingAgreementQuerySet(models.QuerySet):
    def in_force(self, at=None):
        """Agreements whose grants count now: active, begun, not yet ended."""
        return self.filter(in_force_q("", at))


def in_force_q(prefix: str = "", at=None) -> Q:
    """The SQL test that an agreement (reached through `prefix`) is in force at `at`.

    Expiry is checked here, in the query, so a grant stops counting the moment its
    agreement ends, with no periodic job in between.
    """
    at = at or timezone.now()
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}status": AgreementStatus.ACTIVE, f"{p}valid_from__lte": at}) & (
        Q(**{f"{p}valid_until__isnull": True}) | Q(**{f"{p}valid_until__gt": at})
    )


class SharingAgreement(models.Model):
    """Agencies agree to share incidents of some types, up to a marking, for a time.

    Every party's administrator must accept before it is active. `status` holds what
    people decided (draft, active, suspended); whether an active agreement has run out is
    read from `valid_until` at the moment of asking (`effective_status`).
    """

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="proposed_agreements"
    )
    parties = models.ManyToManyField(
        "agencies.Agency", through="AgreementParty", related_name="agreements"
    )
    max_tlp = models.CharField(
        max_length=16, choices=TLP.choices, help_text="The highest marking shared under it"
    )
    incident_types = models.JSONField(
        default=list, blank=True, help_text="Incident types covered; empty means all types"
    )
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField(null=True, blank=True)
    review_due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16,
        choices=[(s.value, s.label) for s in AgreementStatus if s != AgreementStatus.EXPIRED],
        default=AgreementStatus.DRAFT,
    )
    auto_join = models.BooleanField(
        default=False,
        help_text="A party responsible for the place of a covered incident joins it at once "
        "(as an assisting agency), instead of only being proposed",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def effective_status(self) -> str:
        ended = self.valid_until is not None and self.valid_until <= timezone.now()
        if self.status == AgreementStatus.ACTIVE and ended:
            return AgreementStatus.EXPIRED
        return self.status

    def covers_type(self, incident_type: str) -> bool:
        return not self.incident_types or incident_type in self.incident_types


class AgreementParty(models.Model):
    """One agency's side of an agreement, and whether its administrator has accepted."""

    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.CASCADE, related_name="party_links"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="agreement_links"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["agreement", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "agency"], name="unique_agreement_party")
        ]

    def __str__(self) -> str:
        return f"{self.agency} in {self.agreement}"


class ShareKind(models.TextChoices):
    LEAD = "lead", "Lead agency"
    AGREEMENT = "agreement", "Under an agreement"
    BREAK_GLASS = "break_glass", "Break-glass (outside any agreement)"
    INTERNAL = "internal", "Within the same organisation"


class AgencyShareBase(models.Model):
    """An object shared with an agency at a level: the record of who shared it and why.

    The grants themselves are guardian rows for the agency's role groups, pointing back
    here; revoking the share deletes them with it.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="%(app_label)s_%(class)s_set"
    )
    level = models.PositiveSmallIntegerField(choices=Access.choices)
    kind = models.CharField(max_length=16, choices=ShareKind.choices)
    whole_agency = models.BooleanField(
        default=True, help_text="Every role of the agency (and, for AMBER, its sub-agencies)"
    )
    role_slugs = models.JSONField(
        default=list, blank=True, help_text="When not the whole agency: the roles shared with"
    )
    agreement = models.ForeignKey(
        SharingAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )
    justification = models.TextField(blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class NamedGrantBase(UserObjectPermissionBase):
    """guardian's per-person grant, with the agreement it was made under.

    A person named from another agency is named under an agreement, and the grant counts
    only while that agreement is in force, as an agency share's grants do. A grant made
    inside the object's own organisation, or by breaking glass, has no agreement and does
    not depend on one.
    """

    agreement = models.ForeignKey(
        SharingAgreement,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_set",
    )

    class Meta(UserObjectPermissionBase.Meta):
        abstract = True


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

    Its id is the sequence number live clients resume from. `target_*` names the shared
    object it concerns and `tlp` the marking it carries, so whoever delivers it can ask
    the policy who may receive it; `agencies` are agencies it is addressed to beyond
    those (e.g. an agency proposed as a participant). Delivery (live updates, alerts,
    webhooks) reads committed rows; nothing here sends anything.
    """

    kind = models.CharField(max_length=64, db_index=True)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    tlp = models.CharField(max_length=16, choices=TLP.choices)
    agencies = models.ManyToManyField("agencies.Agency", blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["target_type", "target_id", "id"], name="event_target")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.target_type}:{self.target_id}"
