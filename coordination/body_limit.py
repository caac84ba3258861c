"""A request body larger than the portal accepts is refused before anything reads it.

Django raises `RequestDataTooBig` when a body over `DATA_UPLOAD_MAX_MEMORY_SIZE` is read.
Read by a middleware (the idempotency key of a page form is in the body), that became a
bare 400, or Django's debug page in development. Checking the declared length first
answers 413 in the portal's own words: problem+json for the API, the error page (or, for
htmx, a fragment shown in place) for the pages.
"""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

from coordination.api import problem_response

TOO_LARGE = "request_too_large"


def declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is None or declared_length(request) <= limit:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return problem_response(
                413, TOO_LARGE, "The request body is too large.", instance=request.path
            )
        message = (
            f"That is more than the portal takes in one go ({filesizeformat(limit)}). "
            "Nothing was saved: shorten it, or split it into several parts."
        )
        template = "components/error_fragment.html" if request.htmx else "error.html"
        return render(request, template, {"error": {"message": message}}, status=413)
