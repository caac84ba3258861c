"""Opening an incident from the portal: the form, and where its point lies.

The page is for people who contribute for at least one agency (others get 403, as the
verb would refuse them). Before submitting, the "where" fragment names the jurisdictions
that contain the point and the agencies that answer for them, found as jurisdiction
routing finds them (the indexed bounding box, then `agencies.geo.covering`), so the
person sees who will be proposed to take part. Submitting calls `open_incident`.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import agencies_with
from agencies.capabilities import Capability
from agencies.geo import covering
from agencies.models import Jurisdiction
from coordination.errors import Forbidden
from incidents import selectors
from incidents.error_codes import IncidentErrorCode as Code
from incidents.forms.create import IncidentCreateForm, PointForm
from incidents.services.incidents import open_incident
from incidents.views.runner import finish, run


def jurisdictions_at(longitude: float, latitude: float) -> list[Jurisdiction]:
    """The jurisdictions covering the point, each with `answering`: its active agencies'
    responsibilities, primary first (inactive agencies are not routed to either)."""
    candidates = selectors.answering_jurisdictions(longitude, latitude)
    return covering(candidates, longitude, latitude)


def _lead_agencies_or_403(user):
    """The agencies the person may open incidents for; none is a 403, as in the verb."""
    agencies = agencies_with(user, Capability.CONTRIBUTE).order_by("name")
    if not agencies.exists():
        raise Forbidden(
            Code.NOT_A_MEMBER,
            "You hold no role that may open incidents. Ask your agency's administrator for "
            "one that contributes (for example duty officer).",
        )
    return agencies


def _where_context(form: PointForm) -> dict:
    """The where fragment's state: empty, invalid, or the jurisdictions found."""
    if not form.is_bound or not (form.data.get("latitude") or form.data.get("longitude")):
        return {"where": "empty"}
    if "latitude" in form.errors or "longitude" in form.errors:
        return {"where": "invalid"}
    data = form.cleaned_data
    return {"where": "found", "place": jurisdictions_at(data["longitude"], data["latitude"])}


@login_required
@require_GET
def where(request):
    """The fragment naming the jurisdictions and agencies at the point typed or picked."""
    _lead_agencies_or_403(request.user)
    form = PointForm(request.GET)
    context = {"point_form": form, **_where_context(form)}
    status = 422 if context["where"] == "invalid" else 200
    return render(request, "incidents/create/_where.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def create(request):
    """The form; a valid one opens the incident and goes to its page."""
    lead_agencies = _lead_agencies_or_403(request.user)

    def bind(data):
        return IncidentCreateForm(data, lead_agencies=lead_agencies)

    def again(form, status):
        context = {"form": form, "nav": "create", "point_form": form, **_where_context(form)}
        return render(request, "incidents/create.html", context, status=status)

    def opened(incident):
        url = reverse("incident-detail", kwargs={"incident_id": incident.public_id})
        return finish(request, f"Opened {incident.reference}: {incident.title}.", url)

    if request.method != "POST":
        return again(bind(None), 200)
    return run(
        bind,
        lambda form: open_incident(actor=request.user, **form.verb_arguments()),
        data=request.POST,
        done=opened,
        again=again,
    )
