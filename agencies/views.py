"""Your account: who you are and which roles you hold in which agencies."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from agencies.access import roles_held


@login_required
def account(request):
    roles = (
        roles_held(request.user)
        .select_related("agency")
        .prefetch_related("capability_grants")
        .order_by("agency__name")
    )
    return render(request, "account.html", {"roles": roles, "nav": "account"})
