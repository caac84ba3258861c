"""The printable situation report (ICS 209), for the briefing table and the binder."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from incidents.ics import sitrep
from incidents.services.incidents import record_view
from sharing import policy


@login_required
def printable(request, incident_id, number):
    """One report as issued, with whether it still matches its signature.

    A hidden incident and a hidden report (one marked beyond the reader) are the same
    404 as one that does not exist.
    """
    report = policy.visible_or_404(
        request.user, sitrep.issued_reports(), incident__public_id=incident_id, number=number
    )
    record_view(report.incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    return render(request, "incidents/print/sitrep.html", sitrep.ics209(report))
