"""The fixed list of capabilities a role can carry, and the five built-in roles.

Capabilities are data: code asks "does this role carry `command`", never "is this role
duty_officer", so an agency's own roles ("Watch Commander") work everywhere at once.
"""

from dataclasses import dataclass

from django.db import models


class Capability(models.TextChoices):
    VIEW = "view", "View incidents shared with the agency"
    CONTRIBUTE = "contribute", "Contribute timeline entries, tasks, requests and reports"
    COMMAND = "command", "Command incidents: edit, change status, fill positions"
    SHARE = "share", "Share incidents with other agencies and people"
    ADMINISTER = "administer", "Administer the agency: members, roles, agreements, API clients"


@dataclass(frozen=True)
class BuiltinRole:
    slug: str
    name: str
    description: str
    capabilities: frozenset[str]


BUILTIN_ROLES: tuple[BuiltinRole, ...] = (
    BuiltinRole(
        "admin",
        "Agency administrator",
        "Configures the agency: members, roles, sharing agreements, alert rules, API clients.",
        frozenset({Capability.VIEW, Capability.ADMINISTER}),
    ),
    BuiltinRole(
        "duty_officer",
        "Duty officer",
        "Commands incidents and decides what is shared with whom.",
        frozenset({Capability.VIEW, Capability.CONTRIBUTE, Capability.COMMAND, Capability.SHARE}),
    ),
    BuiltinRole(
        "analyst",
        "Analyst",
        "Reads incidents and contributes assessments, timeline entries and reports.",
        frozenset({Capability.VIEW, Capability.CONTRIBUTE}),
    ),
    BuiltinRole(
        "responder",
        "Responder",
        "Works assigned tasks and requests in the field.",
        frozenset({Capability.VIEW, Capability.CONTRIBUTE}),
    ),
    BuiltinRole(
        "viewer",
        "Viewer",
        "Reads incidents shared with the agency.",
        frozenset({Capability.VIEW}),
    ),
)

BUILTIN_ROLE_SLUGS = frozenset(role.slug for role in BUILTIN_ROLES)
