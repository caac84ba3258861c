"""The printable Incident Action Plan of one operational period (ICS 202, 203, 204)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incidents.ics.plan import build_iap
from incidents.views.ics_forms import visible_period


@login_required
@require_safe
def printable(request, incident_id, number):
    """The IAP as a page to print, marked with the incident's TLP at top and bottom.

    The period is looked up through the visibility policy, so a hidden incident's plan is
    the same 404 as one that does not exist.
    """
    period = visible_period(request, incident_id, number)
    return render(request, "incidents/print/iap.html", {"iap": build_iap(period)})
