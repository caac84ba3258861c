"""Routes of the incident endpoints under /api/v1/."""

from rest_framework.routers import DefaultRouter

from incidents.api import views

router = DefaultRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")

urlpatterns = router.urls
