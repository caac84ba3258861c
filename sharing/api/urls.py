"""Routes of the sharing endpoints under /api/v1/.

SimpleRouter, as everywhere in the API: format-suffix routes (`verify.json`) would hand
actions a `format` argument they do not take; `?format=json` or an Accept header chooses
the format instead.
"""

from rest_framework.routers import SimpleRouter

from sharing.api import views

router = SimpleRouter()
router.register("sharing-agreements", views.SharingAgreementViewSet, basename="sharing-agreement")
router.register("audit", views.AuditRecordViewSet, basename="audit-record")

urlpatterns = router.urls
