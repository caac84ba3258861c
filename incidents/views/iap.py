"""The printable Incident Action Plan of one operational period (ICS 202, 203, 204)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incidents.models import OperationalPeriod
from incidents.services.iap import build_iap
from incidents.services.incidents import record_view
from sharing import policy


@login_required
@require_safe
def printable(request, incident_id, number):
    """The IAP as a page to print, marked with the incident's TLP at top and bottom.

    The period is looked up through the visibility policy, so a hidden incident's plan is
    the same 404 as one that does not exist.
    """
    periods = policy.visible(
        request.user, OperationalPeriod.objects.select_related("incident__lead_agency"), "view"
    )
    period = periods.filter(incident__public_id=incident_id, number=number).first()
    if period is None:
        raise Http404
    record_view(period.incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    return render(request, "incidents/print/iap.html", {"iap": build_iap(period)})
