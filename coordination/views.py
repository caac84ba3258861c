"""Error pages: problem+json under /api/, plain pages elsewhere, and never a detail that
would tell a visitor more than "not found"."""

from django.shortcuts import render

from coordination.api import problem_response


def _wants_problem(request) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def not_found(request, exception=None):
    if _wants_problem(request):
        return problem_response(404, "not_found", "Not found.", instance=request.path)
    return render(request, "404.html", status=404)


def server_error(request):
    if _wants_problem(request):
        return problem_response(
            500, "server_error", "The server failed to answer; the error was logged."
        )
    return render(request, "500.html", status=500)
