"""The work of an incident: its tasks (ICS 204) and resource requests (ICS 213RR)."""

from django.urls import path

from incidents.views import resource_requests_page, tasks_page

urlpatterns = [
    path("tasks/", tasks_page.task_list, name="incident-tasks"),
    path("tasks/new/", tasks_page.task_create, name="incident-task-create"),
    path("tasks/<uuid:task_id>/", tasks_page.task_detail, name="incident-task-detail"),
    path("tasks/<uuid:task_id>/edit/", tasks_page.task_update, name="incident-task-update"),
    path("tasks/<uuid:task_id>/status/", tasks_page.task_status, name="incident-task-status"),
    path(
        "resources/",
        resource_requests_page.request_list,
        name="incident-resource-requests",
    ),
    path(
        "resources/new/",
        resource_requests_page.request_create,
        name="incident-resource-request-create",
    ),
    path(
        "resources/<uuid:request_id>/",
        resource_requests_page.request_detail,
        name="incident-resource-request-detail",
    ),
    path(
        "resources/<uuid:request_id>/edit/",
        resource_requests_page.request_update,
        name="incident-resource-request-update",
    ),
    path(
        "resources/<uuid:request_id>/step/",
        resource_requests_page.request_step,
        name="incident-resource-request-transition",
    ),
]
