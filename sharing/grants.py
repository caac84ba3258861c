"""Writing grants: agency shares become guardian rows for the agency's role groups, named
grants become guardian rows for one person.

These are building blocks for the domain's verbs (e.g. `share_incident`), which check
agreements and markings, write the audit record, and call these in one transaction.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from agencies.models import Agency, Role
from sharing.access import Access, up_to
from sharing.models import SharingAgreement
from sharing.policy import Shareable, registered, shareable


def _permissions(spec: Shareable) -> dict[Access, Permission]:
    content_type = ContentType.objects.get_for_model(spec.model)
    by_codename = {
        permission.codename: permission
        for permission in Permission.objects.filter(
            content_type=content_type, codename__in=[spec.codename(a) for a in Access]
        )
    }
    return {access: by_codename[spec.codename(access)] for access in Access}


def _write_group_grants(spec: Shareable, share, roles) -> None:
    permissions = _permissions(spec)
    target_id = getattr(share, f"{spec.target_field}_id")
    spec.group_grants.objects.bulk_create(
        spec.group_grants(
            group_id=role.group_id,
            permission=permissions[access],
            content_object_id=target_id,
            share=share,
        )
        for role in roles
        for access in up_to(share.level)
    )


def grant_agency(
    obj: Model,
    agency: Agency,
    level: Access,
    *,
    kind: str,
    roles: list[Role] | None = None,
    agreement=None,
    justification: str = "",
    granted_by=None,
):
    """Share `obj` with `agency`'s role groups (all, or `roles`) up to `level`."""
    spec = shareable(type(obj))
    share = spec.share_model.objects.create(
        **{spec.target_field: obj},
        agency=agency,
        level=level,
        kind=kind,
        whole_agency=roles is None,
        role_slugs=sorted(role.slug for role in roles or []),
        agreement=agreement,
        justification=justification,
        granted_by=granted_by,
    )
    _write_group_grants(spec, share, _roles_of(share))
    return share


def _roles_of(share):
    roles = share.agency.roles.all()
    return roles if share.whole_agency else roles.filter(slug__in=share.role_slugs)


def change_level(share, level: Access) -> None:
    """Raise or lower a share's level; its grants are rewritten to match."""
    spec = next(spec for spec in registered() if isinstance(share, spec.share_model))
    spec.group_grants.objects.filter(share=share).delete()
    share.level = level
    share.save(update_fields=["level"])
    _write_group_grants(spec, share, _roles_of(share))


def revoke_agency(share) -> None:
    """Withdraw a share; its grants go with it (they cascade from the share)."""
    share.delete()


def grant_person(obj: Model, user, level: Access, *, agreement=None) -> None:
    """Grant one person `level` on `obj` (replacing any earlier named grant).

    `agreement` is the agreement the person is named under: the grant counts only while
    it is in force. None for a person of the object's own organisation, or one named by
    breaking glass: such a grant does not depend on any agreement.
    """
    spec = shareable(type(obj))
    permissions = _permissions(spec)
    spec.user_grants.objects.filter(user=user, content_object=obj).delete()
    spec.user_grants.objects.bulk_create(
        spec.user_grants(
            user=user, permission=permissions[access], content_object=obj, agreement=agreement
        )
        for access in up_to(level)
    )


def revoke_person(obj: Model, user) -> bool:
    """Withdraw a person's named grant; False if they had none."""
    spec = shareable(type(obj))
    deleted, _ = spec.user_grants.objects.filter(user=user, content_object=obj).delete()
    return deleted > 0


@dataclass(frozen=True)
class NamedGrant:
    """One person named on an object: their highest level, and the agreement they were
    named under (None when they were not named under one)."""

    user_id: int
    level: Access
    agreement: SharingAgreement | None


def named_grants(obj: Model) -> list[NamedGrant]:
    """The named grants on `obj`, one per person, whether or not their agreement is in
    force now (a suspended one counts again once the agreement is active again)."""
    spec = shareable(type(obj))
    codename_to_level = {spec.codename(access): access for access in Access}
    rows = (
        spec.user_grants.objects.filter(content_object=obj)
        .select_related("permission", "agreement")
        .order_by()
    )
    found: dict[int, NamedGrant] = {}
    for row in rows:
        level = codename_to_level[row.permission.codename]
        earlier = found.get(row.user_id)
        if earlier is None or level > earlier.level:
            found[row.user_id] = NamedGrant(row.user_id, level, row.agreement)
    return list(found.values())


def grant_existing_shares_to_new_role(role: Role) -> None:
    """A role defined after its agency was given shares gets the same grants at once."""
    for spec in registered():
        for share in spec.share_model.objects.filter(agency=role.agency, whole_agency=True):
            _write_group_grants(spec, share, [role])
