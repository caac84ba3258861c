"""The API's conventions, configured once: problem+json errors, pagination, throttling,
strict input and the schema of error responses. Nothing here knows a domain model.
"""

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404, JsonResponse
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from coordination.errors import ServiceError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_PREFIX = "urn:concord:problem:"


class ProblemJSONRenderer(JSONRenderer):
    media_type = PROBLEM_CONTENT_TYPE


def problem_body(
    status: int,
    code: str,
    detail: str,
    *,
    instance: str | None = None,
    errors: dict[str, list[str]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An RFC 9457 problem document; `code` doubles as the last part of the type URI."""
    body: dict[str, Any] = {
        "type": f"{PROBLEM_TYPE_PREFIX}{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def problem_response(status: int, code: str, detail: str, **kwargs: Any) -> JsonResponse:
    """A problem document for plain Django views (404/500 handlers, health checks)."""
    return JsonResponse(
        problem_body(status, code, detail, **kwargs),
        status=status,
        content_type=PROBLEM_CONTENT_TYPE,
    )


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into {"field.0.sub": ["message", ...]}."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "non_field_errors" if key == "non_field_errors" and not prefix else str(key)
            flat.update(flatten_errors(value, f"{prefix}.{name}" if prefix else name))
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]}


def _first_code(codes: Any) -> str | None:
    if isinstance(codes, str):
        return codes
    if isinstance(codes, dict):
        codes = list(codes.values())
    for item in codes or []:
        found = _first_code(item)
        if found:
            return found
    return None


def _as_api_exception(exc: Exception) -> exceptions.APIException | None:
    """Map Django's and our own exceptions onto DRF's, which carry a status code."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, ServiceError):
        error = exceptions.APIException(exc.message, exc.code)
        error.status_code = exc.status
        error.service_error = exc
        return error
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        error = exceptions.APIException("The request body is too large.", "request_too_large")
        error.status_code = 413
        return error
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(str(exc) or "The request was refused.")
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, ProtectedError | RestrictedError):
        error = exceptions.APIException(
            "The object is still referenced and cannot be deleted.", "in_use"
        )
        error.status_code = 409
        return error
    return None


def problem_exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's exception handler: every error becomes application/problem+json."""
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None
    request = context.get("request")
    instance = request.path if request is not None else None
    status = api_exc.status_code
    extra: dict[str, Any] = {}
    if isinstance(api_exc, exceptions.ValidationError):
        errors = flatten_errors(api_exc.detail)
        code = "invalid"
        if set(errors) == {"non_field_errors"}:
            detail = errors["non_field_errors"][0]
        else:
            names = ", ".join(sorted(errors))
            detail = f"The request has invalid fields: {names}."
    else:
        errors = None
        service_error = getattr(api_exc, "service_error", None)
        if service_error is not None:
            code, detail = service_error.code, service_error.message
            if service_error.field:
                errors = {service_error.field: [service_error.message]}
            extra = service_error.extra
        else:
            code = _first_code(api_exc.get_codes()) or "error"
            detail = str(api_exc.detail)
    body = problem_body(status, code, detail, instance=instance, errors=errors, **extra)

    headers = {}
    if getattr(api_exc, "auth_header", None):
        headers["WWW-Authenticate"] = api_exc.auth_header
    if getattr(api_exc, "wait", None):
        headers["Retry-After"] = str(int(api_exc.wait))
    if request is not None:
        request.accepted_renderer = ProblemJSONRenderer()
        request.accepted_media_type = PROBLEM_CONTENT_TYPE
    return Response(body, status=status, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


class CappedPageNumberPagination(PageNumberPagination):
    """Page-number pagination whose page size a client may choose, up to a cap.

    A page size beyond the cap is refused rather than silently shrunk, so a partner
    that asks for everything learns at once that it must page.
    """

    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or int(raw) < 1:
            raise exceptions.ValidationError({"page_size": ["Must be a positive whole number."]})
        if int(raw) > self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [f"Must be at most {self.max_page_size}."]}
            )
        return int(raw)


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per authenticated principal: a person, or an API client's account."""

    scope = "principal"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class StrictSerializerMixin:
    """Refuse fields the serializer does not know, instead of silently ignoring them.

    A partner that misspells a field would otherwise believe its change was applied.
    """

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data) - writable)
            if unknown:
                raise exceptions.ValidationError(
                    {name: ["Unknown or read-only field."] for name in unknown}
                )
        return super().to_internal_value(data)


class StrictQueryParamsMixin:
    """Refuse list query parameters the endpoint does not understand.

    A misspelt filter (`?stauts=active`) would otherwise return everything, and a
    partner would act on the wrong set of records.
    """

    general_query_params = frozenset({"page", "page_size", "ordering", "format"})

    def allowed_query_params(self) -> set[str]:
        allowed = set(self.general_query_params)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def filter_queryset(self, queryset):
        if getattr(self, "action", None) == "list":
            unknown = sorted(set(self.request.query_params) - self.allowed_query_params())
            if unknown:
                raise exceptions.ValidationError(
                    {name: ["Unknown query parameter."] for name in unknown}
                )
        return super().filter_queryset(queryset)
