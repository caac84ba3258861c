"""Bearer-token authentication for partner API clients.

A request with `Authorization: Bearer <token>` acts as the client's service account. A
wrong, expired or revoked token is refused with 401 (and problem+json, through the API's
exception handler); the response does not say which of the three it was.
"""

from rest_framework import authentication, exceptions

from agencies.services import find_client_by_token, record_client_use


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        keyword, _, token = header.partition(" ")
        if keyword.lower() != self.keyword.lower():
            return None
        token = token.strip()
        if not token or " " in token:
            raise exceptions.AuthenticationFailed("Malformed bearer token.", "invalid_token")
        client = find_client_by_token(token)
        if client is None or client.status != "active" or not client.agency.is_active:
            raise exceptions.AuthenticationFailed(
                "The token is not valid: unknown, expired or revoked.", "invalid_token"
            )
        if record_client_use(client):
            self.client_used(request, client)
        return client.account, client

    def client_used(self, request, client) -> None:
        """Called on a client's first use in each minute; layers above may audit it."""

    def authenticate_header(self, request):
        return f'{self.keyword} realm="concord"'
