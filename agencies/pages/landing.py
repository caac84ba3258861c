"""Agency admin's front door: the agencies the person administers, or straight to the
one when there is only one."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from agencies.access import agencies_with
from agencies.capabilities import Capability
from agencies.error_codes import AgencyErrorCode as Code
from agencies.pages.scope import SECTIONS
from coordination.errors import Forbidden


@login_required
@require_GET
def landing(request):
    agencies = list(agencies_with(request.user, Capability.ADMINISTER).order_by("name"))
    if not agencies:
        raise Forbidden(Code.NOT_ADMINISTRATOR, "You do not administer any agency.")
    if len(agencies) == 1:
        return redirect("agency-members", slug=agencies[0].slug)
    context = {"agencies": agencies, "sections": SECTIONS, "nav": "admin"}
    return render(request, "agency_admin/landing.html", context)
