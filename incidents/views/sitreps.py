"""The printable situation report (ICS 209), for the briefing table and the binder."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from incidents.models import Incident, SituationReport
from incidents.services import sitreps
from incidents.services.incidents import record_view
from sharing import policy

FIGURE_LABELS = (
    ("fatalities", "Fatalities"),
    ("injured", "Injured"),
    ("missing", "Missing"),
    ("evacuated", "Evacuated"),
    ("sheltered", "Sheltered"),
    ("structures_destroyed", "Structures destroyed"),
    ("structures_damaged", "Structures damaged"),
)


@login_required
def printable(request, incident_id, number):
    """One report as issued, with whether it still matches its signature.

    A hidden incident and a hidden report (one marked beyond the reader) are the same
    404 as one that does not exist.
    """
    incident = (
        policy.visible(request.user, Incident.objects.select_related("lead_agency"), "view")
        .filter(public_id=incident_id)
        .first()
    )
    if incident is None:
        raise Http404
    reports = SituationReport.objects.filter(incident=incident, number=number).select_related(
        "incident", "agency", "period"
    )
    report = policy.visible(request.user, reports, "view").first()
    if report is None:
        raise Http404
    record_view(incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    figures = [(label, report.figures.get(name)) for name, label in FIGURE_LABELS]
    return render(
        request,
        "incidents/print/sitrep.html",
        {
            "report": report,
            "snapshot": report.snapshot,
            "figures": figures,
            "notes": report.figures.get("notes", ""),
            "verified": sitreps.verify(report),
        },
    )
