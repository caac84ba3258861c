"""The API clients page of agency admin: the partner systems holding a token, issuing a
new one, and revoking one.

A token is shown once. The verb returns it and keeps only its hash; the page passes it
to the result page through the session and removes it there as it is shown, so neither a
reload nor the idempotency layer's stored answer (a redirect) can show it again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies import services
from agencies.models import Agency, ApiClient
from agencies.pages.forms import ApiClientForm
from agencies.pages.scope import admin_context, administered_agency, refuse_in_form
from coordination.errors import ServiceError


def _session_key(client: ApiClient) -> str:
    return f"agency-admin:issued-token:{client.pk}"


def _client_of(agency: Agency, client_id) -> ApiClient:
    """A client of this agency only: another agency's is the same 404 as none."""
    return get_object_or_404(
        ApiClient.objects.select_related("role", "created_by", "revoked_by"),
        agency=agency,
        pk=client_id,
    )


def _list_page(request, agency, *, form, status=200):
    clients = (
        ApiClient.objects.filter(agency=agency)
        .select_related("role", "created_by", "revoked_by")
        .order_by("name")
    )
    context = admin_context(agency, "api_clients", clients=clients, form=form)
    return render(request, "agency_admin/api_clients.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def api_clients(request, slug):
    """List the agency's clients; POST issues a new client and its token."""
    agency = administered_agency(request, slug)
    if request.method == "GET":
        return _list_page(request, agency, form=ApiClientForm(agency))
    form = ApiClientForm(agency, request.POST)
    if not form.is_valid():
        return _list_page(request, agency, form=form, status=422)
    try:
        client, token = services.issue_api_client(agency, actor=request.user, **form.cleaned_data)
    except ServiceError as error:
        return _list_page(request, agency, form=form, status=refuse_in_form(form, error))
    request.session[_session_key(client)] = token
    return redirect("agency-api-client-issued", slug=agency.slug, client_id=client.pk)


@never_cache
@login_required
@require_GET
def issued(request, slug, client_id):
    """The new client's token, this once; afterwards the page says it cannot be shown."""
    agency = administered_agency(request, slug)
    client = _client_of(agency, client_id)
    token = request.session.pop(_session_key(client), None)
    context = admin_context(agency, "api_clients", client=client, token=token)
    return render(request, "agency_admin/api_client_issued.html", context)


@login_required
@require_POST
def revoke(request, slug, client_id):
    """Stop the client's token at once and for good."""
    agency = administered_agency(request, slug)
    client = _client_of(agency, client_id)
    services.revoke_api_client(client, actor=request.user)
    messages.success(request, f"{client.name}'s token was revoked; it no longer works.")
    return redirect("agency-api-clients", slug=agency.slug)
