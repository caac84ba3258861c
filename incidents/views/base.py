"""The pages of one incident, declared like the API's view sets: each names, per HTTP
method, the permission it needs on the incident.

`incident_page(GET="view", POST="command")` signs the reader in, refuses other methods
(405), looks the incident up through the policy (404 for one the reader may not see,
exactly as for one that does not exist) and requires the permission (403 when visible
but not allowed), all before the view parses anything. The view then gets a `Page`: the
request, the incident, the reader's permissions (read once), and `child()` to look up
anything under the incident the same way. A route under an incident whose view was not
declared here fails `tests/incidents/pages/test_every_page_is_guarded.py`.
"""

from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.views.decorators.http import require_http_methods

from incidents.models import Incident, IncidentWorkflow
from incidents.selectors import visible_incident_or_404
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


class Page:
    """One request to a page of one incident the reader may see."""

    def __init__(self, request: HttpRequest, incident: Incident):
        self.request = request
        self.incident = incident

    @property
    def user(self):
        return self.request.user

    @cached_property
    def permissions(self) -> frozenset[str]:
        """What the reader may do to the incident: read once, when first asked."""
        return policy.permissions_on(self.user, self.incident)

    def may(self, perm: str) -> bool:
        return perm in self.permissions

    def child(self, queryset: QuerySet, **lookup) -> Model:
        """The row of `queryset` matching `lookup` that the reader may see, else 404."""
        return policy.visible_or_404(self.user, queryset, **lookup)

    def refresh(self) -> Incident:
        """Read the incident again, as stored now (after a refused or stale change)."""
        self.incident = visible_incident_or_404(self.user, self.incident.public_id)
        return self.incident

    def context(self, tab: str) -> dict:
        """The header and tab bar: the incident, the permissions, the next statuses."""
        return {
            "incident": self.incident,
            "permissions": self.permissions,
            "tab": tab,
            "tabs": TABS,
            "next_statuses": IncidentWorkflow.moves(self.incident, self.permissions),
        }


def incident_page(**needs: str | tuple[str, ...]):
    """Declare a page of one incident: `needs` maps each HTTP method it answers to the
    permission it needs, or to a tuple of permissions any one of which will do."""
    methods = set(needs) | ({"HEAD"} if "GET" in needs else set())

    def declare(view):
        @login_required
        @require_http_methods(sorted(methods))
        @wraps(view)
        def page_view(request, incident_id, **kwargs):
            page = Page(request, visible_incident_or_404(request.user, incident_id))
            wanted = needs["GET" if request.method == "HEAD" else request.method]
            wanted = (wanted,) if isinstance(wanted, str) else wanted
            # Found through the visible lookup, the incident is one the reader may view.
            if wanted != ("view",) and not page.permissions.intersection(wanted):
                policy.require(request.user, wanted[0], page.incident, page.permissions)
            return view(page, **kwargs)

        page_view.needs = dict(needs)
        return page_view

    return declare
