from django.urls import path

from incidents.views import placeholder

urlpatterns = [
    path("tasks/", placeholder.tab, {"tab": "tasks"}, name="incident-tasks"),
    path("resources/", placeholder.tab, {"tab": "resources"}, name="incident-resource-requests"),
]
