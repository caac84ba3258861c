from django.urls import path

from incidents.views import edit, summary, timeline_page

urlpatterns = [
    path("", summary.summary, name="incident-detail"),
    path("status/", summary.change_status, name="incident-status"),
    path("edit/", edit.edit, name="incident-edit"),
    path("marking/", edit.change_marking, name="incident-marking"),
    path("timeline/", timeline_page.timeline, name="incident-timeline"),
    path("timeline/entries/", timeline_page.post_entry, name="incident-timeline-post"),
    path(
        "timeline/<uuid:entry_id>/correct/",
        timeline_page.correct_entry,
        name="incident-timeline-correct",
    ),
]
