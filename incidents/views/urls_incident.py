from django.urls import path

from incidents.views import placeholder

urlpatterns = [
    path("", placeholder.tab, name="incident-detail"),
    path("status/", placeholder.tab, name="incident-status"),
    path("timeline/", placeholder.tab, {"tab": "timeline"}, name="incident-timeline"),
]
