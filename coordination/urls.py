"""The URL map: the pages, the API under /api/v1/, its schema and docs, health, admin."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from coordination import views
from coordination.health import healthz

# The pages come after the API: some of their names (incident-detail, incident-status)
# are also names on the API's router, and reverse() takes the last pattern of a name.
urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include("agencies.api.urls")),
    path("api/v1/", include("sharing.api.urls")),
    path("api/v1/", include("incidents.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("", include("agencies.urls")),
    path("", include("sharing.urls")),
    path("", include("incidents.urls")),
]

handler404 = views.not_found
handler500 = views.server_error
