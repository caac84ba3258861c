"""The printable Incident Action Plan of one operational period (ICS 202, 203, 204)."""

from django.shortcuts import render

from incidents.ics.plan import build_iap
from incidents.views.base import Page, incident_page
from incidents.views.ics_forms import visible_period


@incident_page(GET="view")
def printable(page: Page, number):
    """The IAP as a page to print, marked with the incident's TLP at top and bottom.

    The period is looked up through the visibility policy, so a hidden incident's plan is
    the same 404 as one that does not exist.
    """
    period = visible_period(page, number)
    return render(page.request, "incidents/print/iap.html", {"iap": build_iap(period)})
