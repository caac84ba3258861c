"""The printable ICS 203 (organization assignment list) and ICS 204 (assignment list,
one per division or group) of one operational period, as `incidents.ics.plan` builds them.

The period is found through the visibility policy, so a hidden incident's forms are the
same 404 as missing ones.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incidents.ics import plan
from incidents.models import OperationalPeriod
from incidents.services.incidents import record_view
from sharing import policy


def visible_period(request, incident_id, number) -> OperationalPeriod:
    """The period if the reader may see it (otherwise 404); reading its plan is audited."""
    period = policy.visible_or_404(
        request.user, plan.plan_periods(), incident__public_id=incident_id, number=number
    )
    record_view(period.incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    return period


@login_required
@require_safe
def ics203(request, incident_id, number):
    """ICS 203: every post of the period and who holds it, for which agency."""
    period = visible_period(request, incident_id, number)
    return render(request, "incidents/print/ics203.html", plan.ics203(period, request.user))


@login_required
@require_safe
def ics204(request, incident_id, number):
    """ICS 204: one assignment list per division or group, then the period's other
    assignments."""
    period = visible_period(request, incident_id, number)
    return render(request, "incidents/print/ics204.html", plan.ics204(period, request.user))
