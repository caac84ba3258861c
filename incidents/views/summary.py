"""One incident's summary tab, and the status change its header posts.

Everything shown comes through `sharing.policy`: the current operational period, the
participants and the latest timeline entries, each under its own marking, so the page
never shows a line the API would hide.
"""

from urllib.parse import urlsplit

from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from coordination.errors import Conflict, Invalid
from incidents import selectors
from incidents.forms.incident import StatusForm
from incidents.models.incident import IncidentStatus
from incidents.services import incidents as verbs
from incidents.views.base import TABS, Page, incident_page
from incidents.views.runner import finish, run
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


def summary_context(page: Page, **extra) -> dict:
    """The summary tab's content, each part narrowed to what the reader may see."""
    user, incident = page.user, page.incident
    periods = selectors.periods(incident).filter(is_current=True)
    participants = selectors.participants(incident).select_related(None).select_related("agency")
    entries = selectors.timeline(incident).select_related(None).select_related("agency")
    sitreps = selectors.sitreps(incident).select_related(None).only("number", "issued_at")
    return {
        **page.context("summary"),
        "period": policy.visible(user, periods, "view").first(),
        "participants": policy.visible(user, participants, "view").order_by("added_at", "id"),
        "latest_entries": policy.visible(user, entries, "view").order_by("-occurred_at", "-id")[
            :LATEST_ENTRIES
        ],
        "latest_sitrep": policy.visible(user, sitreps, "view").first(),
        "affected_area": _affected_area(incident),
        **extra,
    }


@incident_page(GET="view")
def summary(page: Page):
    """The incident at a glance; reading it is audited like the API's detail view."""
    request = page.request
    verbs.record_view(page.incident, actor=page.user, ip_address=request.META.get("REMOTE_ADDR"))
    return render(request, "incidents/summary.html", summary_context(page))


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


def _refused(page: Page, message: str, status: int):
    """The summary again, saying why the status did not change (the header shows the
    status as it is now)."""
    context = summary_context(page, status_error=message)
    return render(page.request, "incidents/summary.html", context, status=status)


@incident_page(POST="command")
def change_status(page: Page):
    """Move the incident along its lifecycle from the header's buttons (command)."""
    incident = page.incident

    def move(form):
        data = form.cleaned_data
        verbs.change_status(
            incident,
            data["to"],
            actor=page.user,
            reason=data["reason"],
            expected_version=data["version"],
        )
        return data["to"]

    def moved(to):
        message = f"{incident.reference} is now {IncidentStatus(to).label}."
        return finish(page.request, message, _back_to(page.request, incident))

    def again(form, status):
        problems = " ".join(error for errors in form.errors.values() for error in errors)
        if status == 409:
            page.refresh()
            return _refused(page, problems, status)
        return _refused(page, f"The status was not changed: {problems}", status)

    def stale(message):
        current = page.refresh()
        return _refused(page, STALE_STATUS.format(status=current.get_status_display()), 409)

    return run(
        StatusForm,
        move,
        data=page.request.POST,
        done=moved,
        again=again,
        current=stale,
        refusals={Invalid: 422, Conflict: 409},
    )
