"""Routes of the sharing endpoints under /api/v1/."""

urlpatterns = []
