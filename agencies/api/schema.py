"""How the bearer-token authentication appears in the OpenAPI description."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "agencies.authentication.BearerTokenAuthentication"
    match_subclasses = True
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An agency's API client token, e.g. `Authorization: Bearer ccd_...`.",
        }
