"""API permissions that depend on who is calling, before any object is looked at."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from agencies.models import ApiClient, ApiScope


class TokenScopePermission(BasePermission):
    """An API client may read with the `read` scope and change things with `write`."""

    message = "This API client's token does not carry the scope this request needs."
    code = "insufficient_scope"

    def has_permission(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return True
        needed = ApiScope.READ if request.method in SAFE_METHODS else ApiScope.WRITE
        return client.has_scope(needed)


class IsPlatformOperator(BasePermission):
    """Writes to shared reference data (jurisdictions) are for platform operators."""

    message = "Only platform operators may change jurisdictions."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or bool(request.user and request.user.is_staff)
