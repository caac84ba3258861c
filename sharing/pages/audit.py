"""The audit trail page of agency admin: every record naming the agency on either side,
newest first, filtered through the URL, under the verdict of the whole chain's check.

The chain is one chain for the whole portal, so it is walked whole (`verify_chain`); the
verdict names only a record number, as the API's `verify` does.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.pages.scope import admin_context, administered_agency
from ledger import audit as chain
from ledger.models import AuditRecord
from sharing.audit import as_read_by
from sharing.pages.forms import AuditFilterForm

PAGE_SIZE = 50


@login_required
@require_GET
def audit(request, slug):
    agency = administered_agency(request, slug)
    records = AuditRecord.objects.filter(Q(agency=agency) | Q(other_agency=agency))
    target_types = list(
        records.exclude(target_type="")
        .order_by("target_type")
        .values_list("target_type", flat=True)
        .distinct()
    )
    form = AuditFilterForm(target_types, request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        status, records = 422, records.none()
    elif form.is_bound:
        records = records.filter(**form.filters())
    page = Paginator(
        records.select_related("agency", "other_agency").order_by("-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    # The page tells the reader only what they may see now of the objects it names.
    page.object_list = as_read_by(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = admin_context(
        agency,
        "audit",
        form=form,
        page=page,
        report=chain.verify_chain(),
        query=query.urlencode(),
    )
    return render(request, "agency_admin/audit.html", context, status=status)
