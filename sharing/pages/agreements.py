"""The agreements page of agency admin: what the agency has agreed to share with whom,
and proposing, accepting, suspending and renewing through `sharing.agreements`.

An agreement the agency is not a party to is the same 404 as one that does not exist,
as in the API; each action is taken for the agency in the URL, which the person must
administer.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.models import Agency
from agencies.pages.scope import admin_context, administered_agency, refuse_in_form
from coordination.errors import ServiceError
from sharing import agreements as verbs
from sharing.models import AgreementParty, AgreementStatus, SharingAgreement
from sharing.pages.forms import ProposeAgreementForm, RenewAgreementForm, SuspendAgreementForm

REVIEW_NOTICE = timedelta(days=30)


def review_note(review_due: date | None, today: date) -> str:
    """ "Review due" text when the review date is near (30 days) or past; else nothing."""
    if review_due is None or review_due > today + REVIEW_NOTICE:
        return ""
    if review_due < today:
        return f"Review overdue since {review_due:%d %b %Y}"
    if review_due == today:
        return "Review due today"
    days = (review_due - today).days
    return f"Review due in {days} day{'s' if days != 1 else ''}"


@dataclass(frozen=True)
class AgreementRow:
    """One agreement as the agency sees it: its partners and what it may do now."""

    agreement: SharingAgreement
    partners: list[AgreementParty]
    status: str
    status_label: str
    review_note: str
    can_accept: bool
    can_suspend: bool
    can_renew: bool


def _agreements_of(agency: Agency):
    parties = AgreementParty.objects.select_related("agency", "accepted_by").order_by(
        "agency__name"
    )
    return (
        SharingAgreement.objects.filter(party_links__agency=agency)
        .select_related("proposed_by")
        .prefetch_related(Prefetch("party_links", queryset=parties))
        .order_by("name", "id")
    )


def _row(agreement: SharingAgreement, agency: Agency, today: date) -> AgreementRow:
    links = list(agreement.party_links.all())
    own = next(link for link in links if link.agency_id == agency.pk)
    status = agreement.effective_status
    return AgreementRow(
        agreement=agreement,
        partners=[link for link in links if link.agency_id != agency.pk],
        status=status,
        status_label=AgreementStatus(status).label,
        review_note=review_note(agreement.review_due, today),
        can_accept=agreement.status == AgreementStatus.DRAFT and own.accepted_at is None,
        can_suspend=agreement.status != AgreementStatus.SUSPENDED,
        can_renew=agreement.status != AgreementStatus.DRAFT,
    )


def _agreement_of(agency: Agency, agreement_id: int) -> SharingAgreement:
    return get_object_or_404(_agreements_of(agency), pk=agreement_id)


@login_required
@require_GET
def agreements(request, slug):
    """Every agreement the agency is a party to, with what each covers and its dates."""
    agency = administered_agency(request, slug)
    today = timezone.localdate()
    rows = [_row(agreement, agency, today) for agreement in _agreements_of(agency)]
    return render(
        request, "agency_admin/agreements.html", admin_context(agency, "agreements", rows=rows)
    )


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, slug):
    """Propose an agreement; the agency's own side counts as accepted at once."""
    agency = administered_agency(request, slug)
    form = ProposeAgreementForm(agency, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                agreement = verbs.propose_agreement(
                    proposer=agency, actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                status = refuse_in_form(form, error)
            else:
                messages.success(
                    request,
                    f"“{agreement.name}” was proposed; it counts once every partner accepts.",
                )
                return redirect("agency-agreements", slug=agency.slug)
    context = admin_context(agency, "agreements", form=form)
    return render(request, "agency_admin/agreement_propose.html", context, status=status)


@login_required
@require_POST
def accept(request, slug, agreement_id):
    """Accept for this agency; the last party to accept makes the agreement active."""
    agency = administered_agency(request, slug)
    agreement = verbs.accept_agreement(
        _agreement_of(agency, agreement_id), agency=agency, actor=request.user
    )
    if agreement.status == AgreementStatus.ACTIVE:
        messages.success(request, f"“{agreement.name}” is accepted by every party and active.")
    else:
        messages.success(request, f"{agency.name} accepted “{agreement.name}”.")
    return redirect("agency-agreements", slug=agency.slug)


@login_required
@require_http_methods(["GET", "POST"])
def suspend(request, slug, agreement_id):
    """GET says what suspending stops; POST suspends, with the reason the partners see."""
    agency = administered_agency(request, slug)
    agreement = _agreement_of(agency, agreement_id)
    form = SuspendAgreementForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                verbs.suspend_agreement(
                    agreement, agency=agency, actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                status = refuse_in_form(form, error)
            else:
                messages.success(
                    request, f"“{agreement.name}” is suspended; shares under it stopped."
                )
                return redirect("agency-agreements", slug=agency.slug)
    context = admin_context(
        agency, "agreements", agreement=agreement, row=_row(agreement, agency, timezone.localdate())
    )
    context["form"] = form
    return render(request, "agency_admin/agreement_suspend.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def renew(request, slug, agreement_id):
    """Propose new dates; every other party must accept again before it counts."""
    agency = administered_agency(request, slug)
    agreement = _agreement_of(agency, agreement_id)
    if request.method == "POST":
        form = RenewAgreementForm(request.POST)
    else:
        form = RenewAgreementForm(
            initial={"valid_until": agreement.valid_until, "review_due": agreement.review_due}
        )
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                verbs.renew_agreement(
                    agreement, agency=agency, actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                status = refuse_in_form(form, error)
            else:
                messages.success(
                    request, f"New dates for “{agreement.name}” were sent to the partners."
                )
                return redirect("agency-agreements", slug=agency.slug)
    context = admin_context(
        agency, "agreements", agreement=agreement, row=_row(agreement, agency, timezone.localdate())
    )
    context["form"] = form
    return render(request, "agency_admin/agreement_renew.html", context, status=status)
