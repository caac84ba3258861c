"""Routes of the incident endpoints under /api/v1/, and of what lies under an incident."""

from rest_framework.routers import SimpleRouter

from incidents.api import (
    participants,
    periods,
    positions,
    resource_requests,
    sitreps,
    tasks,
    timeline,
    views,
)
from incidents.api.base import incident_child_prefix

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register(
    incident_child_prefix("participants"), participants.ParticipantViewSet, "participant"
)
router.register(incident_child_prefix("periods"), periods.PeriodViewSet, "period")
router.register(incident_child_prefix("positions"), positions.PositionViewSet, "position")
router.register(incident_child_prefix("timeline"), timeline.TimelineViewSet, "timeline-entry")
router.register(incident_child_prefix("tasks"), tasks.TaskViewSet, "task")
router.register(
    incident_child_prefix("resource-requests"),
    resource_requests.ResourceRequestViewSet,
    "resource-request",
)
router.register(incident_child_prefix("sitreps"), sitreps.SituationReportViewSet, "sitrep")

urlpatterns = router.urls
