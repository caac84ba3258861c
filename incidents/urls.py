"""The incident pages: printable ICS forms (the full pages come with the portal's UI)."""

from django.urls import path

from incidents.views import iap, sitreps

urlpatterns = [
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
