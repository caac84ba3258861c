"""The verbs of sharing agreements: propose, accept, suspend, renew; and the question
"which agreement, if any, lets agency A share this with agency B now"."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from agencies.models import Agency
from coordination.errors import Conflict, Forbidden, Invalid
from ledger import audit
from ledger.models import AuditAction
from sharing.error_codes import SharingErrorCode as Code
from sharing.markings import TLP, allows
from sharing.models import AgreementParty, AgreementStatus, SharingAgreement


def _record(action, agreement, *, actor, agency, flagged=False, **detail):
    audit.record(
        action,
        actor=actor,
        agency=agency,
        target=agreement,
        target_label=agreement.name,
        flagged=flagged,
        detail=detail,
    )
    for other in agreement.parties.exclude(pk=agency.pk):
        audit.record(
            action,
            actor=actor,
            agency=other,
            other_agency=agency,
            target=agreement,
            target_label=agreement.name,
            flagged=flagged,
            detail=detail,
        )


def _check_terms(valid_from: datetime, valid_until: datetime | None, max_tlp: str):
    if valid_until is not None and valid_until <= max(valid_from, timezone.now()):
        raise Invalid(
            Code.INVALID_PERIOD,
            "valid_until must be in the future and after valid_from.",
            field="valid_until",
        )
    if max_tlp not in TLP.values:
        raise Invalid(Code.INVALID_MARKING, f"Unknown marking {max_tlp!r}.", field="max_tlp")


@transaction.atomic
def propose_agreement(
    *,
    proposer: Agency,
    parties: Iterable[Agency],
    name: str,
    max_tlp: str,
    valid_from: datetime,
    valid_until: datetime | None = None,
    review_due: date | None = None,
    incident_types: Iterable[str] = (),
    description: str = "",
    auto_join: bool = False,
    actor,
) -> SharingAgreement:
    """Propose an agreement; the proposing agency's side counts as accepted."""
    members = {agency.pk: agency for agency in [proposer, *parties]}
    if len(members) < 2:
        raise Invalid(Code.TOO_FEW_PARTIES, "An agreement needs at least two agencies.")
    _check_terms(valid_from, valid_until, max_tlp)
    agreement = SharingAgreement.objects.create(
        name=name,
        description=description,
        proposed_by=proposer,
        max_tlp=max_tlp,
        incident_types=sorted(set(incident_types)),
        valid_from=valid_from,
        valid_until=valid_until,
        review_due=review_due,
        auto_join=auto_join,
        status=AgreementStatus.DRAFT,
    )
    now = timezone.now()
    AgreementParty.objects.bulk_create(
        AgreementParty(
            agreement=agreement,
            agency=agency,
            accepted_at=now if agency.pk == proposer.pk else None,
            accepted_by=actor if agency.pk == proposer.pk else None,
        )
        for agency in members.values()
    )
    _record(AuditAction.AGREEMENT_PROPOSED, agreement, actor=actor, agency=proposer)
    return agreement


def _party(agreement: SharingAgreement, agency: Agency) -> AgreementParty:
    party = agreement.party_links.filter(agency=agency).first()
    if party is None:
        raise Forbidden(Code.NOT_A_PARTY, f"{agency.name} is not a party to this agreement.")
    return party


@transaction.atomic
def accept_agreement(agreement: SharingAgreement, *, agency: Agency, actor) -> SharingAgreement:
    """One party accepts; when the last party accepts, the agreement becomes active."""
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.status != AgreementStatus.DRAFT:
        raise Conflict(Code.NOT_AWAITING_ACCEPTANCE, "This agreement is not awaiting acceptance.")
    party = _party(agreement, agency)
    if party.accepted_at is not None:
        raise Conflict(Code.ALREADY_ACCEPTED, f"{agency.name} has already accepted.")
    party.accepted_at, party.accepted_by = timezone.now(), actor
    party.save(update_fields=["accepted_at", "accepted_by"])
    _record(AuditAction.AGREEMENT_ACCEPTED, agreement, actor=actor, agency=agency)
    if not agreement.party_links.filter(accepted_at__isnull=True).exists():
        agreement.status = AgreementStatus.ACTIVE
        agreement.save(update_fields=["status", "updated_at"])
        _record(AuditAction.AGREEMENT_ACTIVATED, agreement, actor=actor, agency=agency)
    return agreement


@transaction.atomic
def suspend_agreement(
    agreement: SharingAgreement, *, agency: Agency, actor, reason: str
) -> SharingAgreement:
    """Any party may suspend at once; every grant made under it stops counting."""
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    _party(agreement, agency)
    if agreement.status == AgreementStatus.SUSPENDED:
        raise Conflict(Code.ALREADY_SUSPENDED, "This agreement is already suspended.")
    if not reason.strip():
        raise Invalid(Code.REASON_REQUIRED, "Say why the agreement is suspended.", field="reason")
    agreement.status = AgreementStatus.SUSPENDED
    agreement.save(update_fields=["status", "updated_at"])
    _record(AuditAction.AGREEMENT_SUSPENDED, agreement, actor=actor, agency=agency, reason=reason)
    return agreement


@transaction.atomic
def renew_agreement(
    agreement: SharingAgreement,
    *,
    agency: Agency,
    actor,
    valid_until: datetime | None,
    review_due: date | None = None,
) -> SharingAgreement:
    """Propose new dates for an agreement (expired, suspended or due for review).

    The other parties must accept again; once they have, grants made under it count again.
    """
    agreement = SharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    _party(agreement, agency)
    now = timezone.now()
    if valid_until is not None and valid_until <= now:
        raise Invalid(Code.INVALID_PERIOD, "A renewal must end in the future.", field="valid_until")
    agreement.valid_until = valid_until
    agreement.review_due = review_due
    if agreement.valid_from > now:
        agreement.valid_from = now
    agreement.status = AgreementStatus.DRAFT
    agreement.save()
    agreement.party_links.exclude(agency=agency).update(accepted_at=None, accepted_by=None)
    agreement.party_links.filter(agency=agency).update(accepted_at=now, accepted_by=actor)
    _record(
        AuditAction.AGREEMENT_RENEWED,
        agreement,
        actor=actor,
        agency=agency,
        valid_until=valid_until.isoformat() if valid_until else None,
    )
    return agreement


def covering_agreement(
    sharer: Agency, recipient: Agency, *, incident_type: str, marking: str
) -> SharingAgreement | None:
    """An agreement in force that has both agencies as parties and covers the object.

    The one that runs longest is chosen, so a share does not go dark while another
    agreement that covers it is still in force.
    """
    candidates = (
        SharingAgreement.objects.in_force()
        .filter(party_links__agency=sharer)
        .filter(party_links__agency=recipient)
        .order_by(F("valid_until").desc(nulls_first=True), "pk")
    )
    for agreement in candidates:
        if agreement.covers_type(incident_type) and allows(agreement.max_tlp, marking):
            return agreement
    return None
