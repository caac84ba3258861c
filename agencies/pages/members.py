"""The members page of agency admin: who holds which role, adding people, changing their
role, and deactivating them after the consequences have been shown.

Every write is one of the membership verbs in `agencies.services`, which keep role
groups in step and refuse to leave the agency without an administrator.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from agencies import services
from agencies.capabilities import Capability
from agencies.models import Agency, Membership
from agencies.pages.forms import AddMemberForm, ChangeRoleForm
from agencies.pages.scope import admin_context, administered_agency, refuse_in_form
from coordination.errors import ServiceError


def _membership_of(agency: Agency, membership_id) -> Membership:
    """A membership of this agency only: another agency's is the same 404 as none."""
    return get_object_or_404(
        Membership.objects.select_related("user", "role", "agency"),
        agency=agency,
        pk=membership_id,
    )


def _list_page(request, agency, *, add_form, status=200, row_errors=None):
    memberships = list(
        Membership.objects.filter(agency=agency)
        .select_related("user", "role")
        .order_by("-is_active", "user__username")
    )
    for membership in memberships:
        membership.role_errors = (row_errors or {}).get(membership.pk, [])
    context = admin_context(
        agency,
        "members",
        memberships=memberships,
        roles=list(agency.roles.all()),
        add_form=add_form,
    )
    return render(request, "agency_admin/members.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug):
    """List the agency's members; POST adds (or brings back) a person in a role."""
    agency = administered_agency(request, slug)
    if request.method == "GET":
        return _list_page(request, agency, add_form=AddMemberForm(agency))
    form = AddMemberForm(agency, request.POST)
    if not form.is_valid():
        return _list_page(request, agency, add_form=form, status=422)
    person, role = form.cleaned_data["user"], form.cleaned_data["role"]
    try:
        services.add_member(agency, user=person, role=role, actor=request.user)
    except ServiceError as error:
        status = refuse_in_form(form, error)
        return _list_page(request, agency, add_form=form, status=status)
    messages.success(request, f"{person.get_username()} is now {role.name} in {agency.name}.")
    return redirect("agency-members", slug=agency.slug)


@login_required
@require_POST
def change_role(request, slug, membership_id):
    """Give a member another of the agency's roles; what they may do changes at once."""
    agency = administered_agency(request, slug)
    membership = _membership_of(agency, membership_id)
    form = ChangeRoleForm(agency, request.POST)
    status = 422
    if form.is_valid():
        try:
            services.change_member(membership, actor=request.user, role=form.cleaned_data["role"])
        except ServiceError as error:
            status = refuse_in_form(form, error)
        else:
            messages.success(
                request,
                f"{membership.user.get_username()} is now {form.cleaned_data['role'].name}.",
            )
            return redirect("agency-members", slug=agency.slug)
    row_errors = {membership.pk: [*form.non_field_errors(), *form.errors.get("role", [])]}
    return _list_page(
        request, agency, add_form=AddMemberForm(agency), status=status, row_errors=row_errors
    )


def _consequences(request, membership: Membership) -> dict:
    """What deactivating the membership takes away, for the confirmation page.

    Incident positions belong to the incidents app, which this layer cannot read (nor
    may it read incidents outside the sharing policy), so they are described in general.
    """
    other_roles = list(
        Membership.objects.filter(user=membership.user, is_active=True, agency__is_active=True)
        .exclude(pk=membership.pk)
        .select_related("agency", "role")
        .order_by("agency__name")
    )
    capabilities = [
        Capability(grant.capability).label
        for grant in membership.role.capability_grants.order_by("capability")
    ]
    return {
        "membership": membership,
        "capabilities": capabilities,
        "other_roles": other_roles,
        "is_self": membership.user_id == request.user.pk,
    }


@login_required
@require_http_methods(["GET", "POST"])
def deactivate(request, slug, membership_id):
    """GET shows what the person would lose; POST deactivates the membership."""
    agency = administered_agency(request, slug)
    membership = _membership_of(agency, membership_id)
    if not membership.is_active:
        messages.info(request, f"{membership.user.get_username()} is already deactivated.")
        return redirect("agency-members", slug=agency.slug)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.deactivate_member(membership, actor=request.user)
        except ServiceError as refusal:
            if refusal.status in (403, 404):
                raise
            error, status = refusal.message, refusal.status
        else:
            messages.success(
                request, f"{membership.user.get_username()} was deactivated in {agency.name}."
            )
            return redirect("agency-members", slug=agency.slug)
    context = admin_context(agency, "members", error=error, **_consequences(request, membership))
    return render(request, "agency_admin/member_deactivate.html", context, status=status)


@login_required
@require_POST
def reactivate(request, slug, membership_id):
    """Bring a deactivated member back in the role they held."""
    agency = administered_agency(request, slug)
    membership = _membership_of(agency, membership_id)
    services.change_member(membership, actor=request.user, is_active=True)
    messages.success(request, f"{membership.user.get_username()} is active again.")
    return redirect("agency-members", slug=agency.slug)
