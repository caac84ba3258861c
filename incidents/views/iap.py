"""The printable Incident Action Plan of one operational period (ICS 202, 203, 204)."""

from django.shortcuts import render

from incidents import selectors
from incidents.services.iap import build_iap
from incidents.services.incidents import record_view
from incidents.views.base import Page, incident_page


@incident_page(GET="view")
def printable(page: Page, number):
    """The IAP as a page to print, marked with the incident's TLP at top and bottom.

    The period is looked up through the visibility policy, so a hidden incident's plan is
    the same 404 as one that does not exist.
    """
    period = page.child(selectors.printable_periods(page.incident), number=number)
    record_view(period.incident, actor=page.user, ip_address=page.request.META.get("REMOTE_ADDR"))
    return render(page.request, "incidents/print/iap.html", {"iap": build_iap(period)})
