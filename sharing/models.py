"""Sharing agreements, and the abstract share any shared model uses.

`sharing` knows nothing of incidents: a model becomes shareable by declaring a concrete
share model (from `AgencyShareBase`) and guardian's direct foreign-key grant tables (the
per-person one from `NamedGrantBase`), and registering them with `sharing.policy`.
"""

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
