"""THE one place that decides who may see and do what to a shared object.

`visible(user, queryset, perm)` narrows a queryset to what the user (a person or an API
client's account) may `perm` ("view", "contribute", "command", "share"), as one SQL
statement; `can(user, perm, obj)` asks it about one object. Every endpoint, page,
websocket, alert, webhook and export goes through here.

An object is open to a user for `perm` when the user holds, in an active agency, a role
whose capabilities carry `perm` (checked at query time, so a capability change counts at
once), and one of these holds:

- direct: a guardian grant of `perm` to one of those role groups, under a share whose
  agreement (if any) is in force now, and the marking is not RED;
- organisation: `perm` is view, the marking is AMBER and the object is shared with an
  agency at or above one of the user's agencies in the hierarchy (TLP:AMBER's "whole
  organisation"; acting on it still needs a share of one's own);
- named: a guardian grant of `perm` to the user personally (the only way into RED);
- community: `perm` is view and the marking is CLEAR or GREEN.
"""

from dataclasses import dataclass

from django.db.models import BooleanField, Exists, ExpressionWrapper, Model, OuterRef, Q, QuerySet
from django.http import Http404

from agencies.models import Agency, Role
from coordination.errors import Forbidden
from sharing.access import Access
from sharing.markings import AGENCY_GRANTED, COMMUNITY, TLP
from sharing.models import in_force_q


@dataclass(frozen=True)
class Shareable:
    """What `sharing` needs to know about a model to guard it.

    `share_model` records each agency share (an `AgencyShareBase` with a foreign key
    `target_field` to the object); `group_grants` and `user_grants` are guardian's direct
    foreign-key permission tables for the model, the group one with a `share` key.
    """

    model: type[Model]
    share_model: type[Model]
    group_grants: type[Model]
    user_grants: type[Model]
    target_field: str
    marking_field: str = "tlp"

    def codename(self, access: Access) -> str:
        return f"{access.label}_{self.model._meta.model_name}"


_registry: dict[type[Model], Shareable] = {}


def register(shareable: Shareable) -> None:
    _registry[shareable.model] = shareable


def registered() -> list[Shareable]:
    return list(_registry.values())


def spec_for_share(share: Model) -> Shareable:
    for spec in _registry.values():
        if isinstance(share, spec.share_model):
            return spec
    raise LookupError(f"{type(share).__name__} is not a registered share model")


def shareable(model: type[Model]) -> Shareable:
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with sharing.policy") from None


def capable_roles(user, access: Access):
    """The user's roles, in active agencies, whose capabilities carry `access`."""
    return Role.objects.filter(
        group__user=user,
        agency__is_active=True,
        capability_grants__capability=access.capability,
    )


def _admits(user, model: type[Model], perm: str) -> Q:
    """The SQL condition under which `user` may `perm` an object of `model`."""
    access = Access.named(perm)
    spec = shareable(model)
    marking = spec.marking_field
    roles = capable_roles(user, access)
    holds_role = Exists(roles)

    group_grants = spec.group_grants.objects.filter(
        Q(share__agreement__isnull=True) | in_force_q("share__agreement"),
        permission__codename=spec.codename(access),
        group_id__in=roles.values("group_id"),
    )
    direct = Q(
        pk__in=group_grants.values("content_object_id"), **{f"{marking}__in": AGENCY_GRANTED}
    )

    named_grants = spec.user_grants.objects.filter(
        user=user, permission__codename=spec.codename(access)
    )
    named = Q(pk__in=named_grants.values("content_object_id")) & holds_role

    condition = direct | named
    if access == Access.VIEW:
        condition |= _organisation(spec, roles) | (Q(**{f"{marking}__in": COMMUNITY}) & holds_role)
    return condition


def _organisation(spec: Shareable, roles) -> Q:
    """AMBER shared with an agency may be read across its organisation (sub-agencies)."""
    reaching_agencies = Agency.objects.filter(
        Exists(
            Agency.objects.filter(
                pk__in=roles.values("agency_id"), tree_path__startswith=OuterRef("tree_path")
            )
        )
    )
    shares = spec.share_model.objects.filter(
        Q(agreement__isnull=True) | in_force_q("agreement"),
        agency__in=reaching_agencies,
        whole_agency=True,
    )
    return Q(pk__in=shares.values(spec.target_field), **{spec.marking_field: TLP.AMBER})


def _is_principal(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible(user, queryset: QuerySet, perm: str = "view") -> QuerySet:
    """The part of `queryset` the user may `perm`, as one SQL statement."""
    if not _is_principal(user):
        return queryset.none()
    return queryset.filter(_admits(user, queryset.model, perm))


def can(user, perm: str, obj: Model) -> bool:
    """Whether the user may `perm` this object: one query."""
    model = type(obj)
    return visible(user, model._default_manager.filter(pk=obj.pk), perm).exists()


def permissions_on(user, obj: Model) -> frozenset[str]:
    """Everything the user may do to this object, in one query (for pages and the API)."""
    if not _is_principal(user):
        return frozenset()
    model = type(obj)
    flags = {
        access.label: ExpressionWrapper(_admits(user, model, access.label), BooleanField())
        for access in Access
    }
    found = model._default_manager.filter(pk=obj.pk).annotate(**flags).values(*flags).first()
    return frozenset(name for name, allowed in (found or {}).items() if allowed)


def get_visible_or_404(user, queryset: QuerySet, perm: str = "view", **lookup) -> Model:
    """The object if the user may `perm` it; otherwise 404, as if it did not exist."""
    found = visible(user, queryset, perm).filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def require(user, perm: str, obj: Model, permissions: frozenset[str] | None = None) -> None:
    """404 if the user may not even see the object, 403 if they may see but not `perm` it."""
    permissions = permissions_on(user, obj) if permissions is None else permissions
    if "view" not in permissions:
        raise Http404
    if perm not in permissions:
        raise Forbidden(
            "not_permitted", f"You may see this {type(obj)._meta.verbose_name} but not {perm} it."
        )
