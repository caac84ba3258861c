"""The board, the map and its GeoJSON, and the create-incident page."""

from django.urls import path

from incidents.views import board, create, incident_map

urlpatterns = [
    path("", board.board, name="board"),
    path("map/", incident_map.incident_map, name="incident-map"),
    path("map/incidents.geojson", incident_map.incidents_geojson, name="incident-map-incidents"),
    path(
        "map/jurisdictions.geojson",
        incident_map.jurisdictions_geojson,
        name="incident-map-jurisdictions",
    ),
    path("incidents/new/", create.create, name="incident-create"),
    path("incidents/new/where/", create.where, name="incident-create-where"),
]
