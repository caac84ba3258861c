"""Errors that service verbs raise, independent of HTTP.

Services run under the API, the pages, commands and workers alike, so they speak of what
went wrong in the domain's words (a stable `code`, a human message, the field it concerns)
and leave the status code to whoever answers the request.
"""

from typing import Any


class ServiceError(Exception):
    """A business rule refused the action; `code` is stable, `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.field = field
        self.extra = extra


class Invalid(ServiceError):
    """The input breaks a rule that needs the database to check (400)."""

    status = 400


class Forbidden(ServiceError):
    """The actor may see the object but not do this to it (403)."""

    status = 403


class NotFound(ServiceError):
    """The object does not exist or the actor may not know that it does (404)."""

    status = 404


class Conflict(ServiceError):
    """The action collides with the current state, e.g. a duplicate or a role in use (409)."""

    status = 409


class PreconditionFailed(ServiceError):
    """The client's If-Match names a version that is no longer current (412)."""

    status = 412


class PreconditionRequired(ServiceError):
    """An update came without If-Match from a client that must send one (428)."""

    status = 428


class Unprocessable(ServiceError):
    """The request is well-formed but cannot be honoured as sent (422)."""

    status = 422
