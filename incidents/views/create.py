"""Opening an incident from the portal: the form, and where its point lies.

The page is for people who contribute for at least one agency (others get 403, as the
verb would refuse them). Before submitting, the "where" fragment names the jurisdictions
that contain the point and the agencies that answer for them, found as jurisdiction
routing finds them (the indexed bounding box, then `agencies.geo.covering`), so the
person sees who will be proposed to take part. Submitting calls `open_incident`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import agencies_with
from agencies.capabilities import Capability
from agencies.geo import covering
from agencies.models import Jurisdiction, Responsibility
from coordination.errors import Forbidden, Invalid, ServiceError
from incidents.error_codes import IncidentErrorCode as Code
from incidents.forms.create import IncidentCreateForm, PointForm
from incidents.services.incidents import open_incident


def jurisdictions_at(longitude: float, latitude: float) -> list[Jurisdiction]:
    """The jurisdictions covering the point, each with `answering`: its active agencies'
    responsibilities, primary first (inactive agencies are not routed to either)."""
    answering = (
        Responsibility.objects.filter(agency__is_active=True)
        .select_related("agency")
        .order_by("kind", "agency__name")
    )
    candidates = Jurisdiction.objects.bbox_contains(longitude, latitude).prefetch_related(
        Prefetch("responsibilities", queryset=answering, to_attr="answering")
    )
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
    data = request.POST if request.method == "POST" else None
    form = IncidentCreateForm(data, lead_agencies=lead_agencies)
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                incident = open_incident(actor=request.user, **form.verb_arguments())
            except ServiceError as error:
                form.add_service_error(error)
                status = 422 if isinstance(error, Invalid) else error.status
            else:
                messages.success(request, f"Opened {incident.reference}: {incident.title}.")
                return redirect("incident-detail", incident_id=incident.public_id)
    context = {"form": form, "nav": "create", "point_form": form, **_where_context(form)}
    return render(request, "incidents/create.html", context, status=status)
