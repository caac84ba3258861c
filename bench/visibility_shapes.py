"""Prototype shapes of the visibility queryset, compared with `sharing.policy.visible`.

Every shape returns exactly the policy's rows (the bench asserts it); they differ only
in the SQL PostgreSQL is given. Nothing here is used by the app: a shape that wins is a
proposal for `sharing/policy.py`.

- A is the policy (roles read first, uncorrelated `IN (subquery)` sets, the permission
  id as a number, cheap marking tests first). An earlier shape B proposed those last two
  changes; the policy has taken them, so B is gone.
- C and D are one statement each, the principal's roles as a subquery, the permission id
  resolved: C with `id IN (subquery)` (hashed once per statement), D with correlated
  `EXISTS (... content_object_id = outer id)` per branch.
"""

from functools import cache, partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q, QuerySet

from agencies.models import Agency, Role
from sharing.access import Access
from sharing.markings import AGENCY_GRANTED, COMMUNITY, TLP
from sharing.models import SharingAgreement, in_force_q
from sharing.policy import shareable


@cache
def permission_id(codename: str) -> int:
    """auth_permission ids never change once migrated: look each up once per process."""
    return Permission.objects.get(content_type__app_label="incidents", codename=codename).pk


def _any(arms: list[Q]) -> Q:
    condition = Q()
    for arm in arms:
        condition |= arm
    return condition


def _counting(shares: QuerySet) -> QuerySet:
    in_force = SharingAgreement.objects.in_force().values("id")
    return shares.filter(Q(agreement_id__isnull=True) | Q(agreement_id__in=in_force))


def _roles(user, access: Access) -> QuerySet:
    memberships = get_user_model().groups.through.objects.filter(user=user)
    return Role.objects.filter(
        group_id__in=memberships.values("group_id"),
        agency__is_active=True,
        capability_grants__capability=access.capability,
    )


def one_statement(user, queryset: QuerySet, perm: str = "view", *, correlated: bool):
    """C (`correlated=False`) and D (`True`): the rule as one statement, roles included."""
    access = Access.named(perm)
    spec = shareable(queryset.model)
    marking = spec.marking_field
    roles = _roles(user, access)
    holds_role = Exists(roles)
    permission = permission_id(spec.codename(access))

    def branch(model, field: str, *conditions, **lookups):
        if correlated:
            return Exists(model.objects.filter(*conditions, **{field: OuterRef("pk")}, **lookups))
        return Q(pk__in=model.objects.filter(*conditions, **lookups).values(field))

    direct = branch(
        spec.group_grants,
        "content_object_id",
        Q(share__agreement__isnull=True) | in_force_q("share__agreement"),
        group_id__in=roles.values("group_id"),
        permission_id=permission,
    )
    named = branch(
        spec.user_grants,
        "content_object_id",
        Q(agreement__isnull=True) | in_force_q("agreement"),
        user=user,
        permission_id=permission,
    )
    arms = [Q(**{f"{marking}__in": sorted(AGENCY_GRANTED)}) & direct, Q(named) & holds_role]
    if access == Access.VIEW:
        reaching = Agency.objects.filter(
            Exists(
                Agency.objects.filter(
                    pk__in=roles.values("agency_id"), tree_path__startswith=OuterRef("tree_path")
                )
            )
        )
        organisation = branch(
            spec.share_model,
            spec.target_field,
            Q(agreement__isnull=True) | in_force_q("agreement"),
            agency__in=reaching,
            whole_agency=True,
        )
        arms = [
            Q(**{f"{marking}__in": sorted(COMMUNITY)}) & holds_role,
            *arms,
            Q(**{marking: TLP.AMBER}) & organisation,
        ]
    return queryset.filter(_any(arms))


SHAPES = {
    "A. sharing.policy.visible as is": None,
    "C. one statement, IN (subquery)": partial(one_statement, correlated=False),
    "D. one statement, correlated EXISTS": partial(one_statement, correlated=True),
}
