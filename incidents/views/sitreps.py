"""The printable situation report (ICS 209), for the briefing table and the binder."""

from django.shortcuts import render

from incidents.ics import sitrep
from incidents.services.incidents import record_view
from incidents.views.base import Page, incident_page


@incident_page(GET="view")
def printable(page: Page, number):
    """One report as issued, with whether it still matches its signature.

    A hidden incident and a hidden report (one marked beyond the reader) are the same
    404 as one that does not exist.
    """
    reports = sitrep.issued_reports().filter(incident=page.incident)
    report = page.child(reports, number=number)
    record_view(page.incident, actor=page.user, ip_address=page.request.META.get("REMOTE_ADDR"))
    return render(page.request, "incidents/print/sitrep.html", sitrep.ics209(report))
