"""Routes of the incident endpoints under /api/v1/."""

from rest_framework.routers import SimpleRouter

from incidents.api import views

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")

urlpatterns = router.urls
