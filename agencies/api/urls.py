"""Routes of the agencies endpoints under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from agencies.api import views

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("jurisdictions", views.JurisdictionViewSet, basename="jurisdiction")
router.register("roles", views.RoleViewSet, basename="role")
router.register("memberships", views.MembershipViewSet, basename="membership")
router.register("api-clients", views.ApiClientViewSet, basename="api-client")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    *router.urls,
]
