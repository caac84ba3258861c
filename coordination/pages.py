"""Pages answer a verb's refusal as a page, never as a 500.

The API turns a ServiceError into problem+json; a page view that lets one escape (a
permission refused, a conflict) gets a plain page saying what went wrong, or, for an
htmx request, a fragment the page shows in place.
"""

from django.shortcuts import render

from coordination.errors import ServiceError


class ServiceErrorPageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if request.path.startswith("/api/") or not isinstance(exception, ServiceError):
            return None
        if exception.status == 404:
            return render(request, "404.html", status=404)
        template = "components/error_fragment.html" if request.htmx else "error.html"
        return render(request, template, {"error": exception}, status=exception.status)
