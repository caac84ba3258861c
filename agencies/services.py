"""The verbs of the agencies app: every write to an agency, role, membership or API client.

Each verb runs in the verb skeleton (`ledger.verbs`): one transaction that checks the
actor (an agency's administrator for its members, roles, clients and contacts; a
platform operator for agencies and jurisdictions), writes the rows, brings role groups in
step, audits what touches who may do what, and emits one event addressed to the agency.
A failure half-way leaves nothing half-written. Views, forms, commands and the admin call
these and never save the models themselves.
"""

import hashlib
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.text import slugify

from agencies import extensions
from agencies.access import (
    is_api_client,
    require_administrator_or_operator,
    require_platform_operator,
)
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
from ledger.models import AuditAction
from ledger.verbs import Change, verb

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


def _operator_verb(*, actor, lock=None):
    """The verb skeleton for a platform operator's write."""
    return verb(actor=actor, lock=lock, require=lambda _: require_platform_operator(actor))


def _admin_verb(agency: Agency, *, actor, lock=None):
    """The verb skeleton for a write to what an agency's administrators keep."""
    return verb(
        actor=actor, lock=lock, require=lambda _: require_administrator_or_operator(actor, agency)
    )


def _describe(change: Change, kind: str, target, agency: Agency | None, **payload) -> None:
    """An agency's records carry no marking: the event is addressed to the agency."""
    change.describe(kind, target=target, agencies=[agency] if agency else [], **payload)


# Agencies


def register_agency(
    *, actor, name: str, slug: str, kind: str, parent: Agency | None = None, **contact: str
) -> Agency:
    """Create an agency with its five built-in roles (and their groups)."""
    with _operator_verb(actor=actor) as change:
        agency = _register(name=name, slug=slug, kind=kind, parent=parent, **contact)
        change.audit(
            AuditAction.AGENCY_REGISTERED,
            agency=agency,
            other_agency=parent,
            target=agency,
            detail={"slug": slug, "kind": kind, "parent": parent.slug if parent else None},
        )
        _describe(change, "agency.registered", agency, agency)
    return agency


def _register(*, name: str, slug: str, kind: str, parent: Agency | None, **contact: str):
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


def set_agency_parent(agency: Agency, parent: Agency | None, *, actor) -> Agency:
    """Move an agency (and everything below it) under a new parent. Audited: the hierarchy
    decides what is shared inside one organisation without an agreement."""
    with _operator_verb(actor=actor, lock=agency) as change:
        before = change.row.parent
        agency = _move(change.row, parent)
        change.audit(
            AuditAction.AGENCY_MOVED,
            agency=agency,
            other_agency=parent,
            target=agency,
            detail={
                "from": before.slug if before else None,
                "to": parent.slug if parent else None,
            },
        )
        _describe(change, "agency.updated", agency, agency, changed=["parent"])
    return agency


def _move(agency: Agency, parent: Agency | None) -> Agency:
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


def update_agency_contacts(
    agency: Agency, *, actor, contact_points: Iterable[dict] | None = None, **fields: str
) -> Agency:
    """Change how an agency is reached; `contact_points`, if given, replaces the list."""
    _check_fields(fields, AGENCY_CONTACT_FIELDS, "contact field")
    with _admin_verb(agency, actor=actor) as change:
        for name, value in fields.items():
            setattr(agency, name, value)
        agency.save(update_fields=[*fields, "updated_at"])
        if contact_points is not None:
            agency.contact_points.all().delete()
            ContactPoint.objects.bulk_create(
                ContactPoint(agency=agency, position=index, **point)
                for index, point in enumerate(contact_points)
            )
        changed = [*fields, *(["contact_points"] if contact_points is not None else [])]
        _describe(change, "agency.updated", agency, agency, changed=changed)
    return agency


def set_agency_active(agency: Agency, active: bool, *, actor) -> Agency:
    """Deactivating an agency takes every role from its members and clients at once."""
    with _operator_verb(actor=actor) as change:
        if agency.is_active == active:
            return agency
        agency.is_active = active
        agency.save(update_fields=["is_active", "updated_at"])
        for user in _accounts_of(agency):
            sync_role_groups(user)
        change.audit(
            AuditAction.AGENCY_REACTIVATED if active else AuditAction.AGENCY_DEACTIVATED,
            agency=agency,
            target=agency,
        )
        _describe(change, "agency.updated", agency, agency, changed=["is_active"])
    return agency


def update_agency(agency: Agency, *, actor, **changes) -> Agency:
    """A platform operator's change to an agency: profile, contacts, parent, active flag."""
    with _operator_verb(actor=actor) as change:
        changed = sorted(changes)
        if "parent" in changes:
            agency = set_agency_parent(agency, changes.pop("parent"), actor=actor)
        if "is_active" in changes:
            agency = set_agency_active(agency, changes.pop("is_active"), actor=actor)
        profile = {name: changes.pop(name) for name in ("name", "kind") if name in changes}
        if "kind" in profile:
            _check_choice(profile["kind"], AgencyKind, "kind")
        for name, value in profile.items():
            setattr(agency, name, value)
        if profile:
            agency.save(update_fields=[*profile, "updated_at"])
        agency = update_agency_contacts(agency, actor=actor, **changes)
        _describe(change, "agency.updated", agency, agency, changed=changed)
    return agency


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


def define_jurisdiction(
    *, actor, name: str, slug: str, level: str, boundary: dict, code: str = ""
) -> Jurisdiction:
    """Record a jurisdiction; its boundary is validated and its bounding box indexed."""
    with _operator_verb(actor=actor) as change:
        _check_choice(level, JurisdictionLevel, "level")
        if Jurisdiction.objects.filter(slug=slug).exists():
            raise Conflict(
                Code.JURISDICTION_EXISTS, f"A jurisdiction {slug!r} already exists.", field="slug"
            )
        jurisdiction = Jurisdiction(name=name, slug=slug, level=level, code=code)
        _apply_boundary(jurisdiction, boundary)
        jurisdiction.save()
        _describe(change, "jurisdiction.defined", jurisdiction, None, jurisdiction=slug)
    return jurisdiction


def change_jurisdiction(
    jurisdiction: Jurisdiction, *, actor, boundary: dict | None = None, **fields
) -> Jurisdiction:
    """Rename, re-level or redraw a jurisdiction."""
    _check_fields(fields, ("name", "level", "code"), "jurisdiction field")
    with _operator_verb(actor=actor) as change:
        if "level" in fields:
            _check_choice(fields["level"], JurisdictionLevel, "level")
        for name, value in fields.items():
            setattr(jurisdiction, name, value)
        if boundary is not None:
            _apply_boundary(jurisdiction, boundary)
        jurisdiction.save()
        _describe(
            change,
            "jurisdiction.changed",
            jurisdiction,
            None,
            jurisdiction=jurisdiction.slug,
            changed=[*fields, *(["boundary"] if boundary is not None else [])],
        )
    return jurisdiction


def delete_jurisdiction(jurisdiction: Jurisdiction, *, actor) -> None:
    """Remove a jurisdiction and the responsibilities for it."""
    with _operator_verb(actor=actor) as change:
        _describe(
            change, "jurisdiction.deleted", jurisdiction, None, jurisdiction=jurisdiction.slug
        )
        jurisdiction.delete()


def assign_responsibility(
    agency: Agency, jurisdiction: Jurisdiction, kind: str, *, actor
) -> Responsibility:
    """Say that an agency answers for a jurisdiction (primary or supporting)."""
    with _operator_verb(actor=actor) as change:
        _check_choice(kind, ResponsibilityKind, "kind")
        responsibility, _ = Responsibility.objects.update_or_create(
            agency=agency, jurisdiction=jurisdiction, defaults={"kind": kind}
        )
        _describe(
            change,
            "agency.responsibility_assigned",
            agency,
            agency,
            jurisdiction=jurisdiction.slug,
            responsibility=kind,
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


def define_role(
    agency: Agency, *, actor, name: str, capabilities: Iterable[str], description: str = ""
) -> Role:
    """Add an agency's own role, e.g. "Watch Commander", with its capabilities."""
    with _admin_verb(agency, actor=actor) as change:
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
        change.audit(
            AuditAction.ROLE_DEFINED,
            agency=agency,
            target=role,
            detail={"role": role.slug, "capabilities": sorted(role.capabilities)},
        )
        _describe(change, "role.defined", role, agency, role=role.slug)
    return role


def _refuse_builtin(role: Role, action: str) -> None:
    if role.is_builtin:
        raise Conflict(
            Code.ROLE_BUILTIN,
            f"{role.name} is a built-in role and cannot be {action}; define a role of your own.",
        )


def change_role(
    role: Role,
    *,
    actor,
    name: str | None = None,
    description: str | None = None,
    capabilities: Iterable[str] | None = None,
) -> Role:
    """Rename a role or change what it may do; every holder is affected at once."""
    with _admin_verb(role.agency, actor=actor, lock=role.agency) as change:
        _refuse_builtin(role, "changed")
        before = {"name": role.name, "capabilities": sorted(role.capabilities)}
        _change_role(role, name=name, description=description, capabilities=capabilities)
        after = {"name": role.name, "capabilities": sorted(role.capabilities)}
        change.audit(
            AuditAction.ROLE_CHANGED,
            agency=role.agency,
            target=role,
            detail={"role": role.slug, "from": before, "to": after},
        )
        changed = [name for name in before if before[name] != after[name]]
        if description is not None:
            changed.append("description")
        _describe(change, "role.changed", role, role.agency, role=role.slug, changed=changed)
    return role


def _change_role(role: Role, *, name, description, capabilities) -> None:
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


def delete_role(role: Role, *, actor) -> None:
    """Delete an agency's own role; refused while anyone or any client holds it."""
    with _admin_verb(role.agency, actor=actor) as change:
        _refuse_builtin(role, "deleted")
        change.audit(
            AuditAction.ROLE_DELETED, agency=role.agency, target=role, detail={"role": role.slug}
        )
        _describe(change, "role.deleted", role, role.agency, role=role.slug)
        _delete_role(role)


def _delete_role(role: Role) -> None:
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


def add_member(agency: Agency, *, actor, user, role: Role) -> Membership:
    """Give a person a role in an agency (or bring back a deactivated member)."""
    with _admin_verb(agency, actor=actor) as change:
        membership = _add_member(agency, user=user, role=role, actor=actor)
        change.audit(
            AuditAction.MEMBER_ADDED,
            agency=agency,
            target=membership,
            target_label=user.get_username(),
            detail={"person": user.get_username(), "role": role.slug},
        )
        _describe(
            change, "member.added", membership, agency, person=user.get_username(), role=role.slug
        )
    return membership


def _add_member(agency: Agency, *, user, role: Role, actor) -> Membership:
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


def change_member(
    membership: Membership, *, actor, role: Role | None = None, is_active: bool | None = None
) -> Membership:
    """Change a member's role, or deactivate/reactivate them; groups follow at once.

    The agency's row is locked first: of two changes at once that could each leave it
    without an administrator, the second sees the first."""
    agency = membership.agency
    with _admin_verb(agency, actor=actor, lock=agency) as change:
        membership = change.lock(membership)
        before = {"role": membership.role.slug, "is_active": membership.is_active}
        _change_member(membership, role=role, is_active=is_active)
        after = {"role": membership.role.slug, "is_active": membership.is_active}
        deactivated = before["is_active"] and not after["is_active"]
        person = membership.user.get_username()
        change.audit(
            AuditAction.MEMBER_DEACTIVATED if deactivated else AuditAction.MEMBER_CHANGED,
            agency=agency,
            target=membership,
            target_label=person,
            detail={"person": person, "from": before, "to": after},
        )
        _describe(
            change,
            "member.deactivated" if deactivated else "member.changed",
            membership,
            agency,
            person=person,
            role=after["role"],
            changed=[name for name in before if before[name] != after[name]],
        )
    return membership


def _change_member(membership: Membership, *, role: Role | None, is_active: bool | None):
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


def deactivate_member(membership: Membership, *, actor) -> Membership:
    """Take a member's roles away, keeping the record that they were one."""
    return change_member(membership, actor=actor, is_active=False)


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


def issue_api_client(
    agency: Agency,
    *,
    actor,
    name: str,
    role: Role,
    scopes: Iterable[str],
    expires_at: datetime | None = None,
) -> tuple[ApiClient, str]:
    """Create a partner client and its token. The token is returned once, never stored."""
    with _admin_verb(agency, actor=actor) as change:
        client, token = _issue(
            agency, name=name, role=role, scopes=scopes, expires_at=expires_at, actor=actor
        )
        change.audit(
            AuditAction.API_CLIENT_ISSUED,
            agency=agency,
            target=client,
            target_label=client.name,
            detail=_client_detail(client),
        )
        _describe(change, "api_client.issued", client, agency, client=client.name)
    return client, token


def _client_detail(client: ApiClient) -> dict:
    """What an audit record says of a client: never its token, only the prefix shown."""
    return {
        "client": client.name,
        "role": client.role.slug,
        "scopes": client.scopes,
        "token_prefix": client.token_prefix,
        "expires_at": client.expires_at.isoformat() if client.expires_at else None,
    }


def _issue(agency: Agency, *, name: str, role: Role, scopes, expires_at, actor):
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


def update_api_client(
    client: ApiClient,
    *,
    actor,
    name: str | None = None,
    role: Role | None = None,
    scopes: Iterable[str] | None = None,
    expires_at=_UNCHANGED,
) -> ApiClient:
    """Rename a client, or change its role, scopes or expiry (None clears the expiry)."""
    with _admin_verb(client.agency, actor=actor, lock=client) as change:
        client = change.row
        before = _client_detail(client)
        _update_client(client, name=name, role=role, scopes=scopes, expires_at=expires_at)
        after = _client_detail(client)
        change.audit(
            AuditAction.API_CLIENT_UPDATED,
            agency=client.agency,
            target=client,
            target_label=client.name,
            detail={"from": before, "to": after},
        )
        _describe(
            change,
            "api_client.updated",
            client,
            client.agency,
            client=client.name,
            changed=[name for name in before if before[name] != after[name]],
        )
    return client


def _update_client(client: ApiClient, *, name, role, scopes, expires_at) -> None:
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


def revoke_api_client(client: ApiClient, *, actor) -> ApiClient:
    """Stop a client's token from working, at once and for good. Revoking twice is a no-op."""
    with _admin_verb(client.agency, actor=actor, lock=client) as change:
        client = change.row
        if client.revoked_at is None:
            client.revoked_at = timezone.now()
            client.revoked_by = actor
            client.save(update_fields=["revoked_at", "revoked_by"])
            User.objects.filter(pk=client.account_id).update(is_active=False)
            sync_role_groups(client.account)
            change.audit(
                AuditAction.API_CLIENT_REVOKED,
                agency=client.agency,
                target=client,
                target_label=client.name,
                detail=_client_detail(client),
            )
            _describe(change, "api_client.revoked", client, client.agency, client=client.name)
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
