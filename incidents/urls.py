"""The incident pages: the board and map, one incident's tabs, and the printable ICS forms."""

from django.urls import include, path

from incidents.views import iap, sitreps

urlpatterns = [
    path("", include("incidents.views.urls_board")),
    path("incidents/<uuid:incident_id>/", include("incidents.views.urls_incident")),
    path("incidents/<uuid:incident_id>/", include("incidents.views.urls_command")),
    path("incidents/<uuid:incident_id>/", include("incidents.views.urls_work")),
    path("incidents/<uuid:incident_id>/", include("incidents.views.urls_reports")),
    path(
        "incidents/<uuid:incident_id>/periods/<int:number>/iap/",
        iap.printable,
        name="print-iap",
    ),
    path(
        "incidents/<uuid:incident_id>/sitreps/<int:number>/",
        sitreps.printable,
        name="print-sitrep",
    ),
]
