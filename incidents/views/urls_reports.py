from django.urls import path

from incidents.views import placeholder

urlpatterns = [
    path("sitreps/", placeholder.tab, {"tab": "sitreps"}, name="incident-sitreps"),
    path("sharing/", placeholder.tab, {"tab": "sharing"}, name="incident-sharing"),
]
