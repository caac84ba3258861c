"""Agencies, the ground they answer for, the roles their people hold, and their API clients.

Writes go through `agencies.services`; these classes hold structure and read helpers only.
"""

import uuid

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone

from agencies.capabilities import Capability


class AgencyKind(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    FIRE = "fire", "Fire and rescue"
    EMS = "ems", "Emergency medical services"
    HEALTH = "health", "Public health"
    EMERGENCY_MANAGEMENT = "emergency_management", "Emergency management"
    INTELLIGENCE = "intelligence", "Intelligence"
    MILITARY = "military", "Military"
    PUBLIC_WORKS = "public_works", "Public works and utilities"
    NGO = "ngo", "Non-governmental organisation"
    PRIVATE = "private", "Private sector"
    FOREIGN = "foreign", "Foreign agency"


class AgencyQuerySet(models.QuerySet):
    def descendants_of(self, agency: "Agency", *, include_self: bool = False):
        """Every agency below `agency` in the hierarchy, in one indexed prefix query."""
        query = self.filter(tree_path__startswith=agency.tree_path)
        return query if include_self else query.exclude(pk=agency.pk)


class Agency(models.Model):
    """An organisation that takes part in incidents: a police force, a fire district, ...

    `tree_path` ("/3/17/42/") is the chain of ids from the root, kept by the services, so
    that "this agency and all below it" (AMBER reaches sub-agencies) is one prefix query.
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    tree_path = models.CharField(max_length=500, db_index=True, editable=False, default="")
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """How to reach an agency for a purpose: the 24/7 duty desk, the PIO, the EOC."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="contact_points")
    label = models.CharField(max_length=100)
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    radio = models.CharField(max_length=100, blank=True, help_text="Radio channel or talkgroup")
    available_24_7 = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agency", "position", "label"]

    def __str__(self) -> str:
        return f"{self.agency}: {self.label}"


class JurisdictionLevel(models.TextChoices):
    INTERNATIONAL = "international", "International"
    NATIONAL = "national", "National"
    STATE = "state", "State or province"
    COUNTY = "county", "County"
    MUNICIPAL = "municipal", "Municipal"
    TRIBAL = "tribal", "Tribal"
    SPECIAL_DISTRICT = "special_district", "Special district"


class JurisdictionQuerySet(models.QuerySet):
    def bbox_contains(self, lon: float, lat: float):
        """The indexed pre-filter: jurisdictions whose bounding box holds the point."""
        return self.filter(min_lon__lte=lon, max_lon__gte=lon, min_lat__lte=lat, max_lat__gte=lat)


class Jurisdiction(models.Model):
    """A piece of ground some agencies answer for; its boundary is GeoJSON (WGS 84).

    The bounding box is stored in indexed columns so that "which jurisdictions contain
    this point" is one indexed query, refined by an exact shapely test (`agencies.geo`).
    """

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=80, unique=True)
    level = models.CharField(max_length=32, choices=JurisdictionLevel.choices)
    code = models.CharField(max_length=40, blank=True, help_text="An official code, e.g. FIPS")
    boundary = models.JSONField(help_text="GeoJSON Polygon or MultiPolygon, WGS 84 lon/lat")
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    agencies = models.ManyToManyField(
        Agency, through="Responsibility", related_name="jurisdictions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JurisdictionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(
                fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="jurisdiction_bbox"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ResponsibilityKind(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SUPPORTING = "supporting", "Supporting"


class Responsibility(models.Model):
    """An agency answers for a jurisdiction, as its primary agency or in support."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="responsibilities")
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="responsibilities"
    )
    kind = models.CharField(
        max_length=16, choices=ResponsibilityKind.choices, default=ResponsibilityKind.PRIMARY
    )

    class Meta:
        ordering = ["jurisdiction", "kind", "agency"]
        verbose_name_plural = "responsibilities"
        constraints = [
            models.UniqueConstraint(fields=["agency", "jurisdiction"], name="unique_responsibility")
        ]

    def __str__(self) -> str:
        return f"{self.agency} ({self.kind}) for {self.jurisdiction}"


class Role(models.Model):
    """A role defined by one agency, carrying capabilities from the fixed list.

    Each role owns one Django group: the people holding the role in this agency are its
    members, so object grants can target "agency X's analysts" with guardian.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="roles")
    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    is_builtin = models.BooleanField(default=False)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="role")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency", "-is_builtin", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "slug"], name="unique_role_slug"),
            models.UniqueConstraint(fields=["agency", "name"], name="unique_role_name"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.slug}: {self.name}"

    @property
    def capabilities(self) -> frozenset[str]:
        """The role's capabilities; uses `capability_grants` if it was prefetched."""
        return frozenset(grant.capability for grant in self.capability_grants.all())

    @property
    def sorted_capabilities(self) -> list[str]:
        return sorted(self.capabilities)

    def carries(self, capability: Capability) -> bool:
        return capability in self.capabilities


class RoleCapability(models.Model):
    """One capability carried by one role: a row, so that SQL can ask about it."""

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="capability_grants")
    capability = models.CharField(max_length=16, choices=Capability.choices)

    class Meta:
        ordering = ["role", "capability"]
        verbose_name_plural = "role capabilities"
        constraints = [
            models.UniqueConstraint(fields=["role", "capability"], name="unique_role_capability")
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.capability}"


class Membership(models.Model):
    """A person in an agency with one role there. A person may belong to several agencies.

    Deactivation keeps the row (and its history) and drops the person from the role's group.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "user__username"]
        constraints = [models.UniqueConstraint(fields=["user", "agency"], name="unique_membership")]

    def __str__(self) -> str:
        return f"{self.user} in {self.agency.slug} as {self.role.slug}"


class ApiScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"


class ApiClientQuerySet(models.QuerySet):
    def usable(self):
        """Clients whose token may authenticate now: not revoked, not expired."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiClient(models.Model):
    """A partner system acting for an agency in one of its roles.

    The client signs in through its own service account (a user with no password), which
    joins the role's group like a person would; so the role's capabilities and every grant
    bound what the client may do, exactly as for a person in that role. Only a SHA-256 of
    the token is kept: tokens are long random strings, so a fast hash is safe.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="api_clients")
    name = models.CharField(max_length=100)
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="api_clients")
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client"
    )
    scopes = models.JSONField(default=list)
    token_prefix = models.CharField(max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiClientQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "name"]
        verbose_name = "API client"
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="unique_api_client_name")
        ]

    def __str__(self) -> str:
        return f"{self.agency.slug}: {self.name}"

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def has_scope(self, scope: ApiScope) -> bool:
        return scope in self.scopes
