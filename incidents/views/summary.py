"""One incident's summary tab, and the status change its header posts.

Everything shown comes through `sharing.policy`: the current operational period, the
participants and the latest timeline entries, each under its own marking, so the page
never shows a line the API would hide.
"""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from coordination.errors import Conflict, Invalid, PreconditionFailed
from incidents.forms.incident import StatusForm
from incidents.models import (
    Objective,
    OperationalPeriod,
    Participant,
    SituationReport,
    TimelineEntry,
)
from incidents.models.incident import IncidentStatus
from incidents.services import incidents as verbs
from incidents.views.pages import TABS, incident_context, visible_incident_or_404
from sharing import policy

LATEST_ENTRIES = 5
TAB_URL_NAMES = frozenset(url_name for _, _, url_name in TABS)
STALE_STATUS = (
    "Someone else changed this since you opened it; the incident is now {status}. "
    "Your status change was not made — re-apply it if it still applies."
)


def _affected_area(incident) -> dict | None:
    """The affected area as a FeatureCollection for the map (its outline, named)."""
    if not incident.affected_area:
        return None
    feature = {
        "type": "Feature",
        "geometry": incident.affected_area,
        "properties": {"name": "Affected area"},
    }
    return {"type": "FeatureCollection", "features": [feature]}


def summary_context(request, incident, **extra) -> dict:
    """The summary tab's content, each part narrowed to what the reader may see."""
    user = request.user
    objectives = Prefetch("objectives", queryset=Objective.objects.order_by("order"))
    periods = OperationalPeriod.objects.filter(incident=incident, is_current=True)
    participants = Participant.objects.filter(incident=incident).select_related("agency")
    entries = TimelineEntry.objects.filter(incident=incident).select_related("agency")
    sitreps = SituationReport.objects.filter(incident=incident).order_by("-number")
    return {
        **incident_context(request, incident, "summary"),
        "period": policy.visible(user, periods.prefetch_related(objectives), "view").first(),
        "participants": policy.visible(user, participants, "view").order_by("added_at", "id"),
        "latest_entries": policy.visible(user, entries, "view").order_by("-occurred_at", "-id")[
            :LATEST_ENTRIES
        ],
        "latest_sitrep": policy.visible(user, sitreps.only("number", "issued_at"), "view").first(),
        "affected_area": _affected_area(incident),
        **extra,
    }


@login_required
@require_safe
def summary(request, incident_id):
    """The incident at a glance; reading it is audited like the API's detail view."""
    incident = visible_incident_or_404(request, incident_id)
    verbs.record_view(incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
    return render(request, "incidents/summary.html", summary_context(request, incident))


def _back_to(request, incident) -> str:
    """Where the person pressed the button: the Referer if it is a tab of this
    incident on this site, otherwise the summary (never an open redirect)."""
    summary_url = reverse("incident-detail", args=[incident.public_id])
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return summary_url
    parts = urlsplit(referer)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return summary_url
    if match.url_name not in TAB_URL_NAMES or match.kwargs.get("incident_id") != incident.public_id:
        return summary_url
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def _refused(request, incident, message: str, status: int):
    """The summary again, saying why the status did not change (the header shows the
    status as it is now)."""
    context = summary_context(request, incident, status_error=message)
    return render(request, "incidents/summary.html", context, status=status)


@login_required
@require_POST
def change_status(request, incident_id):
    """Move the incident along its lifecycle from the header's buttons (command)."""
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "command", incident)
    form = StatusForm(request.POST)
    if not form.is_valid():
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        return _refused(request, incident, f"The status was not changed: {problems}", 422)
    data = form.cleaned_data
    try:
        verbs.change_status(
            incident,
            data["to"],
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
        )
    except PreconditionFailed:
        current = visible_incident_or_404(request, incident_id)
        message = STALE_STATUS.format(status=current.get_status_display())
        return _refused(request, current, message, 409)
    except Conflict as error:
        return _refused(request, visible_incident_or_404(request, incident_id), error.message, 409)
    except Invalid as error:
        return _refused(request, incident, f"The status was not changed: {error.message}", 422)
    label = IncidentStatus(data["to"]).label
    messages.success(request, f"{incident.reference} is now {label}.")
    return redirect(_back_to(request, incident))
