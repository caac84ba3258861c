from django.urls import path

from incidents.views import placeholder

urlpatterns = [
    path("", placeholder.page, name="board"),
    path("map/", placeholder.page, name="incident-map"),
    path("incidents/new/", placeholder.page, name="incident-create"),
]
