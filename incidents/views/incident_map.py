"""The map: the board's incidents on Leaflet, with the jurisdictions' boundaries.

It takes the board's query string, so "show on map" and "show on board" carry a view
across. The incidents come from `board.filtered_incidents` (the sharing policy first),
both for the page's text list and for the GeoJSON the map draws: a hidden incident is
in neither. The page lists in text everything the map draws.
"""

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse

from incidents import selectors
from incidents.models import IncidentStatus
from incidents.views.board import filter_context, filtered_incidents

# A map of more markers than this says nothing more; the page says how many are left out.
MAP_LIMIT = 1000
GEOJSON = "application/geo+json"
INCIDENT_FIELDS = (
    "public_id",
    "reference",
    "title",
    "tlp",
    "status",
    "severity",
    "is_exercise",
    "longitude",
    "latitude",
    "lead_agency__name",
)
STATUS_LABELS = dict(IncidentStatus.choices)
_PLACEHOLDER = UUID(int=0)


def _shown(request):
    """The filter set, and the incidents the map shows (the first MAP_LIMIT in order) as
    plain rows with their page's address and position in text: a thousand model
    instances, URL reversals and number filters would cost more than the query."""
    incidents = filtered_incidents(request)
    detail = reverse("incident-detail", kwargs={"incident_id": _PLACEHOLDER})
    rows = list(incidents.qs.values(*INCIDENT_FIELDS)[:MAP_LIMIT])
    for row in rows:
        row["url"] = detail.replace(str(_PLACEHOLDER), str(row["public_id"]))
        row["status_label"] = STATUS_LABELS[row["status"]]
        row["position"] = f"{row['latitude']:.4f}, {row['longitude']:.4f}"
    return incidents, rows


@login_required
def incident_map(request):
    """The map page, with the same filters as the board and a text list of what it shows."""
    incidents, shown = _shown(request)
    total = len(shown) if len(shown) < MAP_LIMIT else incidents.qs.count()
    query = request.GET.urlencode()
    suffix = f"?{query}" if query else ""
    context = {
        **filter_context(request, incidents),
        "nav": "map",
        "shown": shown,
        "total": total,
        "limit": MAP_LIMIT,
        "jurisdictions": selectors.jurisdictions("name", "level").order_by("name"),
        "geojson_urls": " ".join(
            (
                reverse("incident-map-jurisdictions"),
                reverse("incident-map-incidents") + suffix,
            )
        ),
    }
    status = 422 if incidents.form.errors else 200
    return render(request, "incidents/map.html", context, status=status)


@login_required
def incidents_geojson(request):
    """The visible incidents matching the filters, as Points with popup properties."""
    _, shown = _shown(request)
    features = [
        {
            "type": "Feature",
            "id": str(incident["public_id"]),
            "geometry": {
                "type": "Point",
                "coordinates": [incident["longitude"], incident["latitude"]],
            },
            "properties": {
                "reference": incident["reference"],
                "title": incident["title"],
                "tlp": incident["tlp"],
                "status": incident["status_label"],
                "severity": incident["severity"],
                "exercise": incident["is_exercise"],
                "url": incident["url"],
            },
        }
        for incident in shown
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features}, content_type=GEOJSON)


@login_required
def jurisdictions_geojson(request):
    """Every jurisdiction's boundary (shared reference data), outlined with its name."""
    features = [
        {
            "type": "Feature",
            "id": jurisdiction.slug,
            "geometry": jurisdiction.boundary,
            "properties": {"name": jurisdiction.name, "level": jurisdiction.get_level_display()},
        }
        for jurisdiction in selectors.jurisdictions("slug", "name", "level", "boundary")
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features}, content_type=GEOJSON)
