from django.urls import path

from incidents.views import placeholder

urlpatterns = [
    path("command/", placeholder.tab, {"tab": "command"}, name="incident-command"),
]
