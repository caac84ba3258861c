"""The OpenAPI description's conventions: every operation documents its problem+json errors."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

from coordination.api import PROBLEM_CONTENT_TYPE


class ProblemSerializer(serializers.Serializer):
    """The schema of an RFC 9457 problem document, for the OpenAPI description."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    code = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class ProblemAutoSchema(AutoSchema):
    """Document the problem+json error responses that every operation may return."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["401", "403", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("400")
        if self._is_list_view() and self.method == "GET":
            codes.append("400")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            responses.setdefault(
                code,
                self._get_response_for_code(
                    ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE], direction=direction
                ),
            )
        return responses
