"""Who holds which capability in which agency, answered in SQL.

A person's or API client's roles are the role groups their account is in; the groups are
kept in step with memberships and clients by `agencies.groups`. Asking through the
groups means a change to a role's capabilities counts at once for everyone holding it.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count

from agencies.capabilities import Capability
from agencies.error_codes import AgencyErrorCode as Code
from agencies.models import Agency, Role
from coordination.errors import Forbidden

Principal = AbstractBaseUser | AnonymousUser


def roles_held(user: Principal):
    """The roles the account holds now, across all its agencies."""
    if not user.is_authenticated:
        return Role.objects.none()
    return Role.objects.filter(group__user=user, agency__is_active=True)


def agency_ids_with(user: Principal, capability: Capability) -> frozenset:
    """The ids of `agencies_with(user, capability)`, read once for a whole list or check."""
    return frozenset(agencies_with(user, capability).values_list("pk", flat=True))


def least_privileged_role(agency: Agency) -> Role | None:
    """The agency's role carrying the fewest capabilities (built-in first, then by name):
    what a form offers first, so that giving more is a choice, never a default."""
    return (
        agency.roles.annotate(carried=Count("capability_grants"))
        .order_by("carried", "-is_builtin", "name")
        .first()
    )


def agencies_with(user: Principal, capability: Capability):
    """Agencies in which the account holds a role carrying `capability`.

    A partner system administers nothing, whatever its role says: administering
    (members, roles, agreements, API clients, the audit trail) is for people, so a
    leaked token cannot make administrators or mint more tokens.
    """
    if not user.is_authenticated:
        return Agency.objects.none()
    held = {"roles__group__user": user, "roles__capability_grants__capability": capability}
    if capability == Capability.ADMINISTER:
        held["roles__group__user__api_client__isnull"] = True
    return Agency.objects.filter(is_active=True, **held).distinct()


def member_agencies(user: Principal):
    """Agencies in which the account holds any role."""
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(is_active=True, roles__group__user=user).distinct()


def has_capability(user: Principal, agency: Agency, capability: Capability) -> bool:
    return agencies_with(user, capability).filter(pk=agency.pk).exists()


def require_administrator(user: Principal, agency: Agency) -> None:
    """403 unless the account administers `agency` (a person: partner systems never do)."""
    if not has_capability(user, agency, Capability.ADMINISTER):
        raise Forbidden(Code.NOT_ADMINISTRATOR, f"You do not administer {agency.name}.")


def is_api_client(user: Principal) -> bool:
    """Whether the account is a partner system's rather than a person's."""
    return hasattr(user, "api_client")


def is_platform_operator(user: Principal) -> bool:
    """Whether the account runs the portal itself (staff): the agencies, the jurisdictions,
    and any agency's set-up before it has administrators of its own."""
    return user.is_authenticated and user.is_staff and not is_api_client(user)


def require_platform_operator(user: Principal) -> None:
    """403 unless the account is a platform operator."""
    if not is_platform_operator(user):
        raise Forbidden(Code.NOT_PLATFORM_OPERATOR, "Only platform operators may do this.")


def require_administrator_or_operator(user: Principal, agency: Agency) -> None:
    """403 unless the account administers `agency` or runs the platform: an agency's
    members, roles and clients are its administrators' to keep, and the operator's who
    sets the agency up."""
    if not is_platform_operator(user):
        require_administrator(user, agency)
