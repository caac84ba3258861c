"""The verbs of the agencies app: every write to an agency, role, membership or API client.

Each verb is one transaction that writes the rows and brings role groups in step, so a
failure half-way leaves nothing half-written. Views, forms, commands and the admin call
these and never save the models themselves.
"""

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import slugify

from agencies import extensions
from agencies.access import is_api_client
from agencies.capabilities import BUILTIN_ROLES, Capability
from agencies.error_codes import AgencyErrorCode as Code
from agencies.geo import bounding_box, parse_boundary
from agencies.groups import role_group_name, sync_role_groups
from agencies.models import (
    Agency,
    AgencyKind,
    ApiClient,
    ApiScope,
    ContactPoint,
    Jurisdiction,
    JurisdictionLevel,
    Membership,
    Responsibility,
    ResponsibilityKind,
    Role,
    RoleCapability,
)
from coordination.errors import Conflict, Invalid

User = get_user_model()

TOKEN_PREFIX = "ccd_"  # noqa: S105 - a marker, not a secret
TOKEN_LAST_USED_RESOLUTION = timedelta(seconds=60)
AGENCY_CONTACT_FIELDS = ("email", "phone", "website", "address")


def _check_fields(given, allowed, what: str) -> None:
    unknown = set(given) - set(allowed)
    if unknown:
        raise Invalid(Code.INVALID, f"Not a {what}: {', '.join(sorted(unknown))}.")


def _check_choice(value: str, choices, field: str) -> None:
    if value not in choices.values:
        raise Invalid(
            Code.INVALID_CHOICE,
            f"{value!r} is not a valid {field}; choose from {', '.join(choices.values)}.",
            field=field,
        )


# Agencies


@transaction.atomic
def register_agency(
    *, name: str, slug: str, kind: str, parent: Agency | None = None, **contact: str
) -> Agency:
    """Create an agency with its five built-in roles (and their groups)."""
    _check_fields(contact, AGENCY_CONTACT_FIELDS, "contact field")
    _check_choice(kind, AgencyKind, "kind")
    if Agency.objects.filter(slug=slug).exists() or Agency.objects.filter(name=name).exists():
        raise Conflict(Code.AGENCY_EXISTS, f"An agency named {name!r} or {slug!r} already exists.")
    agency = Agency.objects.create(name=name, slug=slug, kind=kind, parent=parent, **contact)
    agency.tree_path = f"{parent.tree_path if parent else '/'}{agency.pk}/"
    agency.save(update_fields=["tree_path"])
    for builtin in BUILTIN_ROLES:
        _create_role(
            agency,
            slug=builtin.slug,
            name=builtin.name,
            description=builtin.description,
            capabilities=builtin.capabilities,
            is_builtin=True,
        )
    return agency


@transaction.atomic
def set_agency_parent(agency: Agency, parent: Agency | None) -> Agency:
    """Move an agency (and everything below it) under a new parent."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if parent is not None:
        parent = Agency.objects.select_for_update().get(pk=parent.pk)
    if parent is not None and parent.tree_path.startswith(agency.tree_path):
        raise Invalid(
            Code.HIERARCHY_CYCLE,
            f"{parent.name} is {agency.name} or one of its sub-agencies.",
            field="parent",
        )
    old_path = agency.tree_path
    new_path = f"{parent.tree_path if parent else '/'}{agency.pk}/"
    Agency.objects.filter(pk=agency.pk).update(parent=parent)
    Agency.objects.filter(tree_path__startswith=old_path).update(
        tree_path=Concat(Value(new_path), Substr("tree_path", len(old_path) + 1))
    )
    agency.refresh_from_db()
    return agency


@transaction.atomic
def update_agency_contacts(
    agency: Agency, *, contact_points: Iterable[dict] | None = None, **fields: str
) -> Agency:
    """Change how an agency is reached; `contact_points`, if given, replaces the list."""
    _check_fields(fields, AGENCY_CONTACT_FIELDS, "contact field")
    for name, value in fields.items():
        setattr(agency, name, value)
    agency.save(update_fields=[*fields, "updated_at"])
    if contact_points is not None:
        agency.contact_points.all().delete()
        ContactPoint.objects.bulk_create(
            ContactPoint(agency=agency, position=index, **point)
            for index, point in enumerate(contact_points)
        )
    return agency


@transaction.atomic
def set_agency_active(agency: Agency, active: bool) -> Agency:
    """Deactivating an agency takes every role from its members and clients at once."""
    agency.is_active = active
    agency.save(update_fields=["is_active", "updated_at"])
    for user in _accounts_of(agency):
        sync_role_groups(user)
    return agency


@transaction.atomic
def update_agency(agency: Agency, **changes) -> Agency:
    """A platform operator's change to an agency: profile, contacts, parent, active flag."""
    if "parent" in changes:
        agency = set_agency_parent(agency, changes.pop("parent"))
    if "is_active" in changes:
        agency = set_agency_active(agency, changes.pop("is_active"))
    profile = {name: changes.pop(name) for name in ("name", "kind") if name in changes}
    if "kind" in profile:
        _check_choice(profile["kind"], AgencyKind, "kind")
    for name, value in profile.items():
        setattr(agency, name, value)
    if profile:
        agency.save(update_fields=[*profile, "updated_at"])
    return update_agency_contacts(agency, **changes)


def _accounts_of(agency: Agency):
    return (
        User.objects.filter(memberships__agency=agency)
        .distinct()
        .union(User.objects.filter(api_client__agency=agency))
    )


# Jurisdictions


def _apply_boundary(jurisdiction: Jurisdiction, boundary: dict) -> None:
    geometry = parse_boundary(boundary)
    jurisdiction.boundary = boundary
    (
        jurisdiction.min_lon,
        jurisdiction.min_lat,
        jurisdiction.max_lon,
        jurisdiction.max_lat,
    ) = bounding_box(geometry)


@transaction.atomic
def define_jurisdiction(*, name: str, slug: str, level: str, boundary: dict, code: str = ""):
    """Record a jurisdiction; its boundary is validated and its bounding box indexed."""
    _check_choice(level, JurisdictionLevel, "level")
    if Jurisdiction.objects.filter(slug=slug).exists():
        raise Conflict(
            Code.JURISDICTION_EXISTS, f"A jurisdiction {slug!r} already exists.", field="slug"
        )
    jurisdiction = Jurisdiction(name=name, slug=slug, level=level, code=code)
    _apply_boundary(jurisdiction, boundary)
    jurisdiction.save()
    return jurisdiction


@transaction.atomic
def change_jurisdiction(jurisdiction: Jurisdiction, *, boundary: dict | None = None, **fields):
    """Rename, re-level or redraw a jurisdiction."""
    _check_fields(fields, ("name", "level", "code"), "jurisdiction field")
    if "level" in fields:
        _check_choice(fields["level"], JurisdictionLevel, "level")
    for name, value in fields.items():
        setattr(jurisdiction, name, value)
    if boundary is not None:
        _apply_boundary(jurisdiction, boundary)
    jurisdiction.save()
    return jurisdiction


@transaction.atomic
def delete_jurisdiction(jurisdiction: Jurisdiction) -> None:
    """Remove a jurisdiction and the responsibilities for it."""
    jurisdiction.delete()


@transaction.atomic
def assign_responsibility(agency: Agency, jurisdiction: Jurisdiction, kind: str) -> Responsibility:
    """Say that an agency answers for a jurisdiction (primary or supporting)."""
    _check_choice(kind, ResponsibilityKind, "kind")
    responsibility, _ = Responsibility.objects.update_or_create(
        agency=agency, jurisdiction=jurisdiction, defaults={"kind": kind}
    )
    return responsibility


# Roles


def _create_role(
    agency: Agency,
    *,
    slug: str,
    name: str,
    description: str,
    capabilities: Iterable[str],
    is_builtin: bool,
) -> Role:
    group = Group.objects.create(name=role_group_name(agency.slug, slug))
    role = Role.objects.create(
        agency=agency,
        slug=slug,
        name=name,
        description=description,
        is_builtin=is_builtin,
        group=group,
    )
    RoleCapability.objects.bulk_create(
        RoleCapability(role=role, capability=capability) for capability in sorted(capabilities)
    )
    return role


def _clean_capabilities(capabilities: Iterable[str]) -> frozenset[str]:
    chosen = frozenset(capabilities)
    unknown = chosen - set(Capability.values)
    if unknown:
        raise Invalid(
            Code.UNKNOWN_CAPABILITY,
            f"Unknown capability: {', '.join(sorted(unknown))}. "
            f"Choose from {', '.join(Capability.values)}.",
            field="capabilities",
        )
    if not chosen:
        raise Invalid(
            Code.UNKNOWN_CAPABILITY, "A role needs at least one capability.", field="capabilities"
        )
    if chosen - {Capability.ADMINISTER} and Capability.VIEW not in chosen:
        raise Invalid(
            Code.UNKNOWN_CAPABILITY,
            "A role that contributes, commands or shares must also be able to view.",
            field="capabilities",
        )
    return chosen


def _role_slug(name: str) -> str:
    slug = slugify(name).replace("-", "_")
    if not slug:
        raise Invalid(Code.INVALID, "A role name needs at least one letter or digit.", field="name")
    return slug


def _check_role_name_free(agency: Agency, name: str, slug: str, *, exclude: Role | None = None):
    clashes = agency.roles.filter(name__iexact=name) | agency.roles.filter(slug=slug)
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    if clashes.exists():
        raise Conflict(
            Code.ROLE_EXISTS, f"{agency.name} already has a role named {name!r}.", field="name"
        )


@transaction.atomic
def define_role(
    agency: Agency, *, name: str, capabilities: Iterable[str], description: str = ""
) -> Role:
    """Add an agency's own role, e.g. "Watch Commander", with its capabilities."""
    name = name.strip()
    slug = _role_slug(name)
    _check_role_name_free(agency, name, slug)
    role = _create_role(
        agency,
        slug=slug,
        name=name,
        description=description,
        capabilities=_clean_capabilities(capabilities),
        is_builtin=False,
    )
    extensions.role_defined(role)
    return role


def _refuse_builtin(role: Role, action: str) -> None:
    if role.is_builtin:
        raise Conflict(
            Code.ROLE_BUILTIN,
            f"{role.name} is a built-in role and cannot be {action}; define a role of your own.",
        )


@transaction.atomic
def change_role(
    role: Role,
    *,
    name: str | None = None,
    description: str | None = None,
    capabilities: Iterable[str] | None = None,
) -> Role:
    """Rename a role or change what it may do; every holder is affected at once."""
    _refuse_builtin(role, "changed")
    _lock_agency(role.agency)
    if name is not None and name.strip() != role.name:
        name = name.strip()
        _check_role_name_free(role.agency, name, _role_slug(name), exclude=role)
        role.name = name
    if description is not None:
        role.description = description
    role.save()
    if capabilities is not None:
        chosen = _clean_capabilities(capabilities)
        if Capability.ADMINISTER in role.capabilities and Capability.ADMINISTER not in chosen:
            _keep_an_administrator(role.agency, losing=role.memberships.filter(is_active=True))
        role.capability_grants.exclude(capability__in=chosen).delete()
        RoleCapability.objects.bulk_create(
            [RoleCapability(role=role, capability=c) for c in sorted(chosen - role.capabilities)]
        )
    return role


@transaction.atomic
def delete_role(role: Role) -> None:
    """Delete an agency's own role; refused while anyone or any client holds it."""
    _refuse_builtin(role, "deleted")
    members = role.memberships.count()
    inactive = role.memberships.filter(is_active=False).count()
    clients = role.api_clients.count()
    if members or clients:
        held_by = []
        if members:
            held_by.append(
                f"{members} member{'s' if members != 1 else ''}"
                + (f" ({inactive} deactivated)" if inactive else "")
            )
        if clients:
            held_by.append(f"{clients} API client{'s' if clients != 1 else ''}")
        raise Conflict(
            Code.ROLE_IN_USE,
            f"{role.name} is held by {' and '.join(held_by)}; move them to another role first.",
            members=members,
            api_clients=clients,
        )
    group = role.group
    role.delete()
    group.delete()


# Memberships


def _lock_agency(agency: Agency) -> None:
    """Serialise verbs that could leave an agency without an administrator."""
    Agency.objects.select_for_update().filter(pk=agency.pk).first()


def _keep_an_administrator(agency: Agency, *, losing) -> None:
    """Refuse a change that would take away the agency's last active administrator."""
    administrators = Membership.objects.filter(
        agency=agency,
        is_active=True,
        role__capability_grants__capability=Capability.ADMINISTER,
    )
    if administrators.exists() and not administrators.exclude(pk__in=losing.values("pk")).exists():
        raise Conflict(
            Code.LAST_ADMINISTRATOR,
            f"This would leave {agency.name} without an administrator; "
            "give someone else an administering role first.",
        )


def _check_role_of(agency: Agency, role: Role) -> None:
    if role.agency_id != agency.pk:
        raise Invalid(
            Code.ROLE_OTHER_AGENCY, f"{role.name} is not a role of {agency.name}.", field="role"
        )


@transaction.atomic
def add_member(agency: Agency, *, user, role: Role, actor=None) -> Membership:
    """Give a person a role in an agency (or bring back a deactivated member)."""
    if not agency.is_active:
        raise Conflict(Code.AGENCY_INACTIVE, f"{agency.name} is not active.")
    _check_role_of(agency, role)
    if is_api_client(user):
        raise Invalid(
            Code.SERVICE_ACCOUNT, "An API client's account cannot be a member.", field="user"
        )
    existing = Membership.objects.select_for_update().filter(user=user, agency=agency).first()
    if existing is not None and existing.is_active:
        raise Conflict(
            Code.MEMBERSHIP_EXISTS,
            f"{user.get_username()} is already a member of {agency.name} "
            f"(as {existing.role.name}); change their role instead.",
        )
    if existing is not None:
        existing.role = role
        existing.is_active = True
        existing.deactivated_at = None
        existing.save()
        membership = existing
    else:
        membership = Membership.objects.create(
            user=user, agency=agency, role=role, created_by=actor
        )
    sync_role_groups(user)
    return membership


@transaction.atomic
def change_member(
    membership: Membership, *, role: Role | None = None, is_active: bool | None = None
) -> Membership:
    """Change a member's role, or deactivate/reactivate them; groups follow at once."""
    _lock_agency(membership.agency)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    new_role = role or membership.role
    _check_role_of(membership.agency, new_role)
    stays_active = membership.is_active if is_active is None else is_active
    loses_admin = membership.is_active and (
        not stays_active or not new_role.carries(Capability.ADMINISTER)
    )
    if loses_admin and membership.role.carries(Capability.ADMINISTER):
        _keep_an_administrator(
            membership.agency, losing=Membership.objects.filter(pk=membership.pk)
        )
    if stays_active and not membership.is_active and not membership.agency.is_active:
        raise Conflict(Code.AGENCY_INACTIVE, f"{membership.agency.name} is not active.")
    membership.role = new_role
    if stays_active != membership.is_active:
        membership.is_active = stays_active
        membership.deactivated_at = None if stays_active else timezone.now()
    membership.save()
    sync_role_groups(membership.user)
    return membership


def deactivate_member(membership: Membership) -> Membership:
    return change_member(membership, is_active=False)


# API clients


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = sorted(set(scopes))
    if not chosen or set(chosen) - set(ApiScope.values):
        raise Invalid(
            Code.INVALID_SCOPES,
            f"Scopes must be a non-empty list of {', '.join(ApiScope.values)}.",
            field="scopes",
        )
    return chosen


def _clean_expiry(expires_at: datetime | None) -> datetime | None:
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid(Code.EXPIRY_IN_PAST, "The expiry must be in the future.", field="expires_at")
    return expires_at


def _check_client_name_free(agency: Agency, name: str, *, exclude: ApiClient | None = None):
    clashes = agency.api_clients.filter(name__iexact=name)
    if exclude is not None:
        clashes = clashes.exclude(pk=exclude.pk)
    if clashes.exists():
        raise Conflict(
            Code.CLIENT_EXISTS,
            f"{agency.name} already has an API client named {name!r}.",
            field="name",
        )


@transaction.atomic
def issue_api_client(
    agency: Agency,
    *,
    name: str,
    role: Role,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
    actor=None,
) -> tuple[ApiClient, str]:
    """Create a partner client and its token. The token is returned once, never stored."""
    if not agency.is_active:
        raise Conflict(Code.AGENCY_INACTIVE, f"{agency.name} is not active.")
    _check_role_of(agency, role)
    name = name.strip()
    _check_client_name_free(agency, name)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    account = User(username=f"apiclient-{uuid.uuid4().hex[:16]}", first_name=name[:150])
    account.set_unusable_password()
    account.save()
    client = ApiClient.objects.create(
        agency=agency,
        name=name,
        role=role,
        account=account,
        scopes=_clean_scopes(scopes),
        token_prefix=token[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(token),
        expires_at=_clean_expiry(expires_at),
        created_by=actor,
    )
    sync_role_groups(account)
    return client, token


_UNCHANGED = object()


@transaction.atomic
def update_api_client(
    client: ApiClient,
    *,
    name: str | None = None,
    role: Role | None = None,
    scopes: Iterable[str] | None = None,
    expires_at=_UNCHANGED,
) -> ApiClient:
    """Rename a client, or change its role, scopes or expiry (None clears the expiry)."""
    if client.revoked_at is not None:
        raise Conflict(Code.CLIENT_REVOKED, "A revoked client cannot be changed; issue a new one.")
    if name is not None:
        name = name.strip()
        _check_client_name_free(client.agency, name, exclude=client)
        client.name = name
    if role is not None:
        _check_role_of(client.agency, role)
        client.role = role
    if scopes is not None:
        client.scopes = _clean_scopes(scopes)
    if expires_at is not _UNCHANGED:
        client.expires_at = _clean_expiry(expires_at)
    client.save()
    sync_role_groups(client.account)
    return client


@transaction.atomic
def revoke_api_client(client: ApiClient, *, actor=None) -> ApiClient:
    """Stop a client's token from working, at once and for good. Revoking twice is a no-op."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.revoked_by = actor
        client.save(update_fields=["revoked_at", "revoked_by"])
        User.objects.filter(pk=client.account_id).update(is_active=False)
        sync_role_groups(client.account)
    return client


def find_client_by_token(token: str) -> ApiClient | None:
    """The client a presented token belongs to, usable or not (the caller decides)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    return (
        ApiClient.objects.select_related("agency", "account", "role")
        .filter(token_hash=hash_token(token))
        .first()
    )


def record_client_use(client: ApiClient) -> bool:
    """Note when a client was last used, at most once a minute to spare the database.

    Returns whether this use was recorded (the first in its minute).
    """
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at >= TOKEN_LAST_USED_RESOLUTION:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
        return True
    return False
