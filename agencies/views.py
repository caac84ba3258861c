"""The home page: who you are and what you hold, until the incident board arrives."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.access import roles_held


@login_required
def home(request):
    roles = (
        roles_held(request.user)
        .select_related("agency")
        .prefetch_related("capability_grants")
        .order_by("agency__name")
    )
    return render(request, "home.html", {"roles": roles})
