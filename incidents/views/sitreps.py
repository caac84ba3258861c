"""The printable situation report (ICS 209), for the briefing table and the binder."""

from django.shortcuts import render

from incidents import selectors
from incidents.services import sitreps
from incidents.services.incidents import record_view
from incidents.views.base import Page, incident_page

FIGURE_LABELS = (
    ("fatalities", "Fatalities"),
    ("injured", "Injured"),
    ("missing", "Missing"),
    ("evacuated", "Evacuated"),
    ("sheltered", "Sheltered"),
    ("structures_destroyed", "Structures destroyed"),
    ("structures_damaged", "Structures damaged"),
)


@incident_page(GET="view")
def printable(page: Page, number):
    """One report as issued, with whether it still matches its signature.

    A hidden incident and a hidden report (one marked beyond the reader) are the same
    404 as one that does not exist.
    """
    report = page.child(selectors.sitreps(page.incident), number=number)
    record_view(page.incident, actor=page.user, ip_address=page.request.META.get("REMOTE_ADDR"))
    figures = [(label, report.figures.get(name)) for name, label in FIGURE_LABELS]
    return render(
        page.request,
        "incidents/print/sitrep.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "figures": figures,
            "notes": report.figures.get("notes", ""),
            "verified": sitreps.verify(report),
        },
    )
