"""The sharing pages of agency admin: agreements and the audit trail."""

from django.urls import include, path

urlpatterns = [
    path("agency/", include("sharing.pages.urls")),
]
