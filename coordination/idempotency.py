"""`Idempotency-Key` for every POST under /api/, and a `form_key` field for every page
form: a retried request, or a form submitted twice, acts once.

The first request with a key runs inside one transaction together with the row that
remembers it, so the object it creates and the stored response commit together or not at
all. A parallel retry waits on that row (PostgreSQL blocks the second insert of the same
unique key until the first commits) and then replays the stored response. Only
successful responses are stored (for pages also redirects, since a form that worked
redirects): a request that failed wrote nothing, so running it again is safe. Keys live
24 hours per principal (the session's user, or the bearer token).

A replay answers only a caller who may still make the request: the retry runs through
authentication, permissions and the view again, in a savepoint that is always rolled
back, and a refusal (401, 403, 404) is the answer instead of the stored success. So a
revoked or expired token, a deactivated member or a demoted admin gets nothing back.
A response carrying a secret (a new API token) is never stored: its replay is a 409
saying the secret was shown once, in the first answer.
"""

import hashlib
import json
from datetime import timedelta

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from coordination.api import PROBLEM_CONTENT_TYPE, problem_body, problem_response
from coordination.models import IdempotentRequest

HEADER = "Idempotency-Key"
FORM_FIELD = "form_key"
KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255
REPLAYED_HEADERS = ("Location", "ETag", "HX-Redirect", "HX-Location", "HX-Trigger", "HX-Refresh")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# What a caller who may no longer make the request is told, instead of a replay.
REFUSALS = frozenset({401, 403, 404})
REPLAY_WITHHELD = "secret_already_shown"


def _scope(request) -> str | None:
    """Whose keys these are: the bearer token's hash, or the signed-in user."""
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:64]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def _fingerprint(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _replay(stored: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(stored.body), status=stored.status_code, content_type=stored.content_type
    )
    for name, value in stored.headers.items():
        response[name] = value
    response["Idempotent-Replayed"] = "true"
    return response


def withhold_from_replay(response, *, detail: str, location: str = "") -> None:
    """Mark a response that carries a secret shown once: it is never stored, and a
    replay of its request answers 409 with `detail` (and where the object lives)."""
    response.withheld_from_replay = (detail, location)


def _stored_answer(request, response) -> tuple[int, str, dict, bytes]:
    """(status, content type, headers, body) to keep for replays of this response."""
    withheld = getattr(response, "withheld_from_replay", None)
    if withheld is not None:
        detail, location = withheld
        body = problem_body(409, REPLAY_WITHHELD, detail, instance=request.path)
        headers = {"Location": location} if location else {}
        return 409, PROBLEM_CONTENT_TYPE, headers, json.dumps(body).encode()
    headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
    return response.status_code, response.get("Content-Type", ""), headers, response.content


def purge_expired() -> int:
    """Forget keys older than 24 hours; returns how many were dropped."""
    deleted, _ = IdempotentRequest.objects.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
    return deleted


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _key(request) -> str | None:
    if _is_api(request):
        return request.headers.get(HEADER)
    if request.content_type not in FORM_TYPES:
        return None
    request.body  # noqa: B018 - read first, so the fingerprint can hash the raw form
    return request.POST.get(FORM_FIELD)


def _kept(request, response) -> bool:
    """Whether this answer is the one to replay: it succeeded (a page form may redirect)."""
    if response.streaming:
        return False
    highest = 300 if _is_api(request) else 400
    return 200 <= response.status_code < highest


class IdempotencyKeyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = _key(request) if request.method == "POST" else None
        if key is None:
            return self.get_response(request)
        scope = _scope(request)
        if scope is None:
            return self.get_response(request)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            return problem_response(
                400,
                "invalid_idempotency_key",
                f"{HEADER} must be 1 to {MAX_KEY_LENGTH} characters.",
                instance=request.path,
            )
        return self._once(request, scope, key)

    def _once(self, request, scope: str, key: str):
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            IdempotentRequest.objects.filter(
                scope=scope, key=key, created_at__lt=timezone.now() - KEPT_FOR
            ).delete()
            IdempotentRequest.objects.bulk_create(
                [IdempotentRequest(scope=scope, key=key, fingerprint=fingerprint)],
                ignore_conflicts=True,
            )
            stored = IdempotentRequest.objects.select_for_update().get(scope=scope, key=key)
            if stored.fingerprint != fingerprint:
                return problem_response(
                    422,
                    "idempotency_key_reused",
                    f"This {HEADER} was used for a different request in the last 24 hours. "
                    "Use a new key for a new request.",
                    instance=request.path,
                )
            if stored.status_code is not None:
                return self._replay_if_still_allowed(request, stored)
            response = self.get_response(request)
            if _kept(request, response):
                (stored.status_code, stored.content_type, stored.headers, stored.body) = (
                    _stored_answer(request, response)
                )
                stored.save(update_fields=["status_code", "content_type", "headers", "body"])
            else:
                transaction.set_rollback(True)
            return response

    def _replay_if_still_allowed(self, request, stored: IdempotentRequest):
        """The stored answer, if the caller may still make this request now.

        Authentication and permissions live in the views (and the policy behind them),
        so the request runs through them again, and everything it does is undone.
        """
        with transaction.atomic():
            response = self.get_response(request)
            transaction.set_rollback(True)
        if response.status_code in REFUSALS:
            return response
        return _replay(stored)
