"""The demo's people: one per role of every demo agency, `<agency-slug>.<role-slug>`,
and the platform operator, who belongs to no agency.

People are known by username and memberships by (username, agency): whoever exists is
left as they are, their password included.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from agencies import services
from agencies.models import Agency, Membership, Role
from demo.scenario import read

DEMO_PASSWORD = "concord-demo"  # noqa: S105 - published on purpose; seed_demo refuses production
OPERATOR_USERNAME = "operator"


def seed_people(counts: Counter) -> dict:
    """Everyone `people.json` names, and the operator, by username."""
    data = read("people.json")
    names = {username: name for username, name, _agency, _role in _holders(data)}
    names[OPERATOR_USERNAME] = data["operator_name"]
    return seed_users(names, data["email_domain"], counts)


def _holders(data: dict) -> list[tuple[str, list[str], str, str]]:
    """(username, [first name, last name], agency slug, role slug) for each role holder."""
    return [
        (f"{agency}.{role}", name, agency, role)
        for agency, roles in data["role_holders"].items()
        for role, name in roles.items()
    ]


def seed_users(names: dict[str, list[str]], email_domain: str, counts: Counter) -> dict:
    User = get_user_model()
    users = User.objects.in_bulk(list(names), field_name="username")
    counts["users_present"] = len(users)
    missing = [username for username in names if username not in users]
    if not missing:
        return users
    # PBKDF2 is slow on purpose (most of a second per call at production settings) and
    # every demo account has the same published password: hash it once and give every
    # new account that hash. Computed here, not at import, so that the hasher in settings
    # at seeding time (the tests' fast MD5, say) is the one used.
    password = make_password(DEMO_PASSWORD)
    for username in missing:
        first_name, last_name = names[username]
        is_operator = username == OPERATOR_USERNAME
        users[username] = User.objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@{email_domain}",
            password=password,
            is_staff=is_operator,
            is_superuser=is_operator,
        )
    counts["users_created"] = len(missing)
    return users


def seed_memberships(agencies: dict[str, Agency], people: dict, counts: Counter) -> None:
    """Each role holder a member of their agency in their role."""
    roles = {
        (role.agency.slug, role.slug): role
        for role in Role.objects.filter(agency__in=agencies.values()).select_related("agency")
    }
    present = set(
        Membership.objects.filter(agency__in=agencies.values()).values_list(
            "user__username", "agency__slug"
        )
    )
    for username, _name, agency, role in _holders(read("people.json")):
        if (username, agency) not in present:
            services.add_member(
                agencies[agency],
                actor=people[OPERATOR_USERNAME],
                user=people[username],
                role=roles[agency, role],
            )
            counts["memberships_created"] += 1
