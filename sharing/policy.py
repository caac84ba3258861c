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
- named: a guardian grant of `perm` to the user personally (the only way into RED),
  under the agreement it was made under (if any) in force now: a person named from
  another agency loses it with the agreement, one named inside the organisation or by
  breaking glass does not depend on agreements;
- community: `perm` is view and the marking is CLEAR or GREEN.

Objects under a shared object (an incident's timeline, tasks, reports) are registered as
its children (`register_child`): they are open exactly where their parent is, and a
child with a marking of its own is judged under the stricter of the two markings, so a
RED entry on an AMBER incident reaches only the incident's named people.

Reading the principal's roles is one small query, made once per request (`roles_read_once`,
entered by `sharing.middleware`); the decision is then one statement.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.db.models import (
    BooleanField,
    ExpressionWrapper,
    Model,
    Q,
    QuerySet,
)
from django.http import Http404

from agencies.models import Role
from coordination.errors import Forbidden
from sharing.access import PERMS, Access
from sharing.error_codes import SharingErrorCode
from sharing.markings import AGENCY_GRANTED, COMMUNITY, TLP, no_looser_than
from sharing.models import SharingAgreement


@dataclass(frozen=True)
class Shareable:
    """What `sharing` needs to know about a model to guard it.

    `share_model` records each agency share (an `AgencyShareBase` with a foreign key
    `target_field` to the object); `group_grants` and `user_grants` are guardian's direct
    foreign-key permission tables for the model, the group one with a `share` key, the
    user one a `NamedGrantBase` (with the `agreement` it was made under).
    """

    model: type[Model]
    share_model: type[Model]
    group_grants: type[Model]
    user_grants: type[Model]
    target_field: str
    marking_field: str = "tlp"

    def codename(self, access: Access) -> str:
        return f"{access.label}_{self.model._meta.model_name}"


@dataclass(frozen=True)
class Child:
    """A model whose rows live under a shareable parent, reached by `parent_field` (a
    field or a path, e.g. "period__incident").

    `marking_field`, when set, is the child's own marking, which may only narrow.
    """

    model: type[Model]
    parent: type[Model]
    parent_field: str
    marking_field: str | None = None


_registry: dict[type[Model], Shareable] = {}
_children: dict[type[Model], Child] = {}


def register(shareable: Shareable) -> None:
    _registry[shareable.model] = shareable


def register_child(child: Child) -> None:
    shareable(child.parent)
    _children[child.model] = child


def registered() -> list[Shareable]:
    return list(_registry.values())


def shareable(model: type[Model]) -> Shareable:
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered with sharing.policy") from None


@dataclass(frozen=True)
class _Target:
    """How a queried model reaches the shared object: its key and the markings to test."""

    spec: Shareable
    key: str  # "pk" for the shared object itself, "incident_id" for a child
    markings: tuple[str, ...]  # every marking that must admit the reader

    def parent_pk(self, obj: Model):
        if self.key == "pk":
            return obj.pk
        for attribute in self.key.split("__"):
            obj = getattr(obj, attribute)
        return obj


def _target(model: type[Model]) -> _Target:
    if model in _children:
        child = _children[model]
        spec = shareable(child.parent)
        markings = (f"{child.parent_field}__{spec.marking_field}",)
        if child.marking_field:
            markings += (child.marking_field,)
        return _Target(spec, f"{child.parent_field}_id", markings)
    spec = shareable(model)
    return _Target(spec, "pk", (spec.marking_field,))


def _marked_within(markings: tuple[str, ...], allowed: frozenset[str]) -> Q:
    """Every marking lies in `allowed` (a set closed downwards, so: the strictest does)."""
    condition = Q()
    for field in markings:
        condition &= Q(**{f"{field}__in": allowed})
    return condition


def _marked_exactly(markings: tuple[str, ...], marking: str) -> Q:
    """The strictest of the markings is `marking`."""
    if len(markings) == 1:
        return Q(**{markings[0]: marking})
    at_most = no_looser_than(marking)
    any_equal = Q()
    for field in markings:
        any_equal |= Q(**{field: marking})
    return _marked_within(markings, at_most) & any_equal


def capable_roles(user, access: Access):
    """The user's roles, in active agencies, whose capabilities carry `access`."""
    return Role.objects.filter(
        group__user=user,
        agency__is_active=True,
        capability_grants__capability=access.capability,
    )


@dataclass(frozen=True)
class HeldRole:
    """One role the principal holds now, as the visibility query needs it."""

    group_id: int
    agency_id: int
    organisation_ids: tuple[int, ...]  # the agency and every agency above it
    capabilities: frozenset[str]


# The roles read in the current request, by account: a page asks the policy about the
# incident and each of its parts, and the roles need reading only once for all of them.
_request_roles: ContextVar[dict | None] = ContextVar("request_roles", default=None)


@contextmanager
def roles_read_once():
    """Within this block (one request) each principal's roles are read at most once."""
    scope = _request_roles.set({})
    try:
        yield
    finally:
        _request_roles.reset(scope)


def held_roles(user) -> list[HeldRole]:
    """The principal's roles in active agencies with their capabilities: one query, once
    per request (every decision outside a request reads them afresh); a person holds a
    handful of roles, never an unbounded list."""
    read = _request_roles.get()
    if read is None:
        return _read_roles(user)
    if user.pk not in read:
        read[user.pk] = _read_roles(user)
    return read[user.pk]


def _read_roles(user) -> list[HeldRole]:
    rows = Role.objects.filter(group__user=user, agency__is_active=True).values_list(
        "pk", "group_id", "agency_id", "agency__tree_path", "capability_grants__capability"
    )
    found: dict = {}
    for role_id, group_id, agency_id, tree_path, capability in rows:
        role = found.setdefault(role_id, (group_id, agency_id, tree_path, set()))
        if capability:
            role[3].add(capability)
    return [
        HeldRole(
            group_id=group_id,
            agency_id=agency_id,
            organisation_ids=tuple(int(part) for part in tree_path.strip("/").split("/")),
            capabilities=frozenset(capabilities),
        )
        for group_id, agency_id, tree_path, capabilities in found.values()
    ]


_permission_ids: dict[tuple[str, str, str], int] = {}


def _permission_id(spec: Shareable, access: Access) -> int:
    """The permission's id, looked up once per process.

    A plain number lets PostgreSQL estimate the grant tables well and scan in parallel
    (a join by codename, or a scalar subquery, prevents one or the other). The cache is
    emptied whenever migrations run (`forget_permission_ids`), since ids can change then.
    """
    key = (spec.model._meta.app_label, spec.model._meta.model_name, spec.codename(access))
    if key not in _permission_ids:
        _permission_ids[key] = Permission.objects.get(
            content_type__app_label=key[0], content_type__model=key[1], codename=key[2]
        ).pk
    return _permission_ids[key]


def forget_permission_ids(**kwargs) -> None:
    _permission_ids.clear()


def _counting(made: QuerySet) -> QuerySet:
    """Shares, or named grants, that count now: made without an agreement, or under one
    in force."""
    in_force = SharingAgreement.objects.in_force().values("id")
    return made.filter(Q(agreement_id__isnull=True) | Q(agreement_id__in=in_force))


def _admits(target: _Target, user, roles: list[HeldRole], perm: str, *, only_pk=None) -> Q:
    """The SQL condition under which a principal holding `roles` may `perm` an object.

    Each part is an uncorrelated `IN (subquery)` keyed by the principal's own few groups
    and agencies, so PostgreSQL builds each set once through the indexes and probes it
    per row. Asked about one shared object (`only_pk`), every set is cut to it first.
    """
    access = Access.named(perm)
    capable = [role for role in roles if access.capability in role.capabilities]
    if not capable:
        return Q(pk__isnull=True)  # always false, and valid SQL in an annotation too
    spec, key, markings = target.spec, target.key, target.markings
    permission_id = _permission_id(spec, access)
    one_grant = {} if only_pk is None else {"content_object_id": only_pk}
    one_share = {} if only_pk is None else {f"{spec.target_field}_id": only_pk}

    my_shares = _counting(
        spec.share_model.objects.filter(
            agency_id__in={role.agency_id for role in capable}, **one_share
        )
    )
    group_grants = spec.group_grants.objects.filter(
        share_id__in=my_shares.values("id"),
        permission_id=permission_id,
        group_id__in={role.group_id for role in capable},
        **one_grant,
    )
    named_grants = _counting(
        spec.user_grants.objects.filter(user_id=user.pk, permission_id=permission_id, **one_grant)
    )
    # Cheap marking tests come first: PostgreSQL evaluates them in the order written, so
    # most rows never reach a hash probe.
    direct = _marked_within(markings, AGENCY_GRANTED) & Q(
        **{f"{key}__in": group_grants.values("content_object_id")}
    )
    named = Q(**{f"{key}__in": named_grants.values("content_object_id")})
    if access != Access.VIEW:
        return direct | named
    organisation_shares = _counting(
        spec.share_model.objects.filter(
            agency_id__in={pk for role in capable for pk in role.organisation_ids},
            whole_agency=True,
            **one_share,
        )
    )
    community = _marked_within(markings, COMMUNITY)
    organisation = _marked_exactly(markings, TLP.AMBER) & Q(
        **{f"{key}__in": organisation_shares.values(spec.target_field)}
    )
    return community | direct | organisation | named


def _is_principal(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def visible(user, queryset: QuerySet, perm: str = "view") -> QuerySet:
    """The part of `queryset` the user may `perm`: the user's roles, then one statement."""
    if not _is_principal(user):
        return queryset.none()
    target = _target(queryset.model)
    return queryset.filter(_admits(target, user, held_roles(user), perm))


def visible_or_404(user, queryset: QuerySet, **lookup) -> Model:
    """The object of `queryset` matching `lookup` that the user may see, else 404: one
    that does not exist and one that is not theirs get the same answer. The API and the
    pages look every object up through here."""
    found = visible(user, queryset, "view").filter(**lookup).first()
    if found is None:
        raise Http404
    return found


def can(user, perm: str, obj: Model) -> bool:
    """Whether the user may `perm` this object: two small queries."""
    return perm in permissions_on(user, obj, perms=(perm,))


def permissions_on(user, obj: Model, perms=PERMS) -> frozenset[str]:
    """What the user may do to this object (of `perms`): two small queries."""
    if not _is_principal(user):
        return frozenset()
    model = type(obj)
    target = _target(model)
    roles = held_roles(user)
    only_pk = target.parent_pk(obj)
    # Prefixed names, so no flag collides with a field of the model (a `share` key).
    flags = {
        f"may_{perm}": ExpressionWrapper(
            _admits(target, user, roles, perm, only_pk=only_pk), BooleanField()
        )
        for perm in perms
    }
    found = model._default_manager.filter(pk=obj.pk).annotate(**flags).values(*flags).first()
    return frozenset(
        name.removeprefix("may_") for name, allowed in (found or {}).items() if allowed
    )


def require(user, perm: str, obj: Model, permissions: frozenset[str] | None = None) -> None:
    """404 if the user may not even see the object, 403 if they may see but not `perm` it."""
    permissions = permissions_on(user, obj) if permissions is None else permissions
    if "view" not in permissions:
        raise Http404
    if perm not in permissions:
        raise Forbidden(
            SharingErrorCode.NOT_PERMITTED,
            f"You may see this {type(obj)._meta.verbose_name} but not {perm} it.",
        )
