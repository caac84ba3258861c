"""What every tab of an incident's page shares: the incident, looked up through the
sharing policy, and what the reader may do to it.

A page never looks an incident up any other way, so "does not exist" and "not yours"
are the same 404, exactly as in the API.
"""

from incidents.models import Incident, IncidentWorkflow
from sharing import policy

TABS = (
    ("summary", "Summary", "incident-detail"),
    ("command", "Command", "incident-command"),
    ("timeline", "Timeline", "incident-timeline"),
    ("tasks", "Tasks", "incident-tasks"),
    ("resources", "Resource requests", "incident-resource-requests"),
    ("sitreps", "Situation reports", "incident-sitreps"),
    ("sharing", "Sharing", "incident-sharing"),
)


def visible_incident_or_404(request, incident_id) -> Incident:
    """The incident if the signed-in person may see it; otherwise 404."""
    incidents = Incident.objects.select_related("lead_agency")
    return policy.visible_or_404(request.user, incidents, public_id=incident_id)


def incident_context(request, incident: Incident, tab: str) -> dict:
    """The header and tab bar: the incident, the reader's permissions, the next statuses."""
    permissions = policy.permissions_on(request.user, incident)
    return {
        "incident": incident,
        "permissions": permissions,
        "tab": tab,
        "tabs": TABS,
        "next_statuses": IncidentWorkflow.moves(incident, permissions),
    }
