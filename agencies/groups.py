"""Keep each account's role-group membership equal to its active memberships and client.

Called by every service verb that changes a membership, a role, an agency's state or an
API client, inside the verb's transaction, so grants to "agency X's analysts" always
reach exactly the people who hold that role now.
"""

from agencies.models import ApiClient, Membership


def role_group_name(agency_slug: str, role_slug: str) -> str:
    return f"{agency_slug}.{role_slug}"


def desired_role_groups(user) -> set[int]:
    group_ids = set(
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True).values_list(
            "role__group_id", flat=True
        )
    )
    client = ApiClient.objects.filter(account=user, revoked_at__isnull=True).first()
    if client is not None and client.agency.is_active:
        group_ids.add(client.role.group_id)
    return group_ids


def sync_role_groups(user) -> None:
    """Add and remove the account's role groups; groups that are not role groups stay."""
    desired = desired_role_groups(user)
    current = set(user.groups.filter(role__isnull=False).values_list("id", flat=True))
    if current - desired:
        user.groups.remove(*(current - desired))
    if desired - current:
        user.groups.add(*(desired - current))
