"""The verbs of sharing agreements: propose, accept, suspend, renew; and the question
"which agreement, if any, lets agency A share this with agency B now".

Each is a verb of the skeleton (`ledger.verbs`), by an administrator of the agency that
acts; its one event is addressed to every party, the audit record written in each
party's trail."""

from collections.abc import Iterable
from datetime import date, datetime

from django.db.models import F
from django.utils import timezone

from agencies.access import require_administrator
from agencies.models import Agency
from coordination.errors import Conflict, Forbidden, Invalid
from ledger.models import AuditAction
from ledger.verbs import Change, verb
from sharing.error_codes import SharingErrorCode as Code
from sharing.markings import TLP, allows
from sharing.models import AgreementParty, AgreementStatus, SharingAgreement


def _agreement_verb(agreement: SharingAgreement | None, *, actor, agency: Agency):
    """The verb skeleton for `agency`'s administrator, on the agreement's row."""
    return verb(actor=actor, lock=agreement, require=lambda _: require_administrator(actor, agency))


def _record(change: Change, action, agreement, *, agency, flagged=False, **detail):
    """The audit record in the acting agency's trail and in every other party's."""
    change.audit(
        action,
        agency=agency,
        target=agreement,
        target_label=agreement.name,
        flagged=flagged,
        detail=detail,
    )
    for other in agreement.parties.exclude(pk=agency.pk):
        change.audit(
            action,
            agency=other,
            other_agency=agency,
            target=agreement,
            target_label=agreement.name,
            flagged=flagged,
            detail=detail,
        )


def _describe(change: Change, kind: str, agreement: SharingAgreement, *, agency: Agency, **payload):
    change.describe(
        kind,
        target=agreement,
        agencies=list(agreement.parties.all()),
        agency=agency.slug,
        status=agreement.status,
        **payload,
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
    with _agreement_verb(None, actor=actor, agency=proposer) as change:
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
        _record(change, AuditAction.AGREEMENT_PROPOSED, agreement, agency=proposer)
        _describe(change, "agreement.proposed", agreement, agency=proposer)
        return agreement


def _party(agreement: SharingAgreement, agency: Agency) -> AgreementParty:
    party = agreement.party_links.filter(agency=agency).first()
    if party is None:
        raise Forbidden(Code.NOT_A_PARTY, f"{agency.name} is not a party to this agreement.")
    return party


def accept_agreement(agreement: SharingAgreement, *, agency: Agency, actor) -> SharingAgreement:
    """One party accepts; when the last party accepts, the agreement becomes active."""
    with _agreement_verb(agreement, actor=actor, agency=agency) as change:
        agreement = change.row
        if agreement.status != AgreementStatus.DRAFT:
            raise Conflict(
                Code.NOT_AWAITING_ACCEPTANCE, "This agreement is not awaiting acceptance."
            )
        party = _party(agreement, agency)
        if party.accepted_at is not None:
            raise Conflict(Code.ALREADY_ACCEPTED, f"{agency.name} has already accepted.")
        party.accepted_at, party.accepted_by = timezone.now(), actor
        party.save(update_fields=["accepted_at", "accepted_by"])
        _record(change, AuditAction.AGREEMENT_ACCEPTED, agreement, agency=agency)
        if not agreement.party_links.filter(accepted_at__isnull=True).exists():
            agreement.status = AgreementStatus.ACTIVE
            agreement.save(update_fields=["status", "updated_at"])
            _record(change, AuditAction.AGREEMENT_ACTIVATED, agreement, agency=agency)
        _describe(change, "agreement.accepted", agreement, agency=agency)
        return agreement


def suspend_agreement(
    agreement: SharingAgreement, *, agency: Agency, actor, reason: str
) -> SharingAgreement:
    """Any party may suspend at once; every grant made under it stops counting."""
    with _agreement_verb(agreement, actor=actor, agency=agency) as change:
        agreement = change.row
        _party(agreement, agency)
        if agreement.status == AgreementStatus.SUSPENDED:
            raise Conflict(Code.ALREADY_SUSPENDED, "This agreement is already suspended.")
        if not reason.strip():
            raise Invalid(
                Code.REASON_REQUIRED, "Say why the agreement is suspended.", field="reason"
            )
        agreement.status = AgreementStatus.SUSPENDED
        agreement.save(update_fields=["status", "updated_at"])
        _record(change, AuditAction.AGREEMENT_SUSPENDED, agreement, agency=agency, reason=reason)
        _describe(change, "agreement.suspended", agreement, agency=agency)
        return agreement


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
    with _agreement_verb(agreement, actor=actor, agency=agency) as change:
        agreement = change.row
        _party(agreement, agency)
        now = timezone.now()
        if valid_until is not None and valid_until <= now:
            raise Invalid(
                Code.INVALID_PERIOD, "A renewal must end in the future.", field="valid_until"
            )
        agreement.valid_until = valid_until
        agreement.review_due = review_due
        if agreement.valid_from > now:
            agreement.valid_from = now
        agreement.status = AgreementStatus.DRAFT
        agreement.save()
        agreement.party_links.exclude(agency=agency).update(accepted_at=None, accepted_by=None)
        agreement.party_links.filter(agency=agency).update(accepted_at=now, accepted_by=actor)
        _record(
            change,
            AuditAction.AGREEMENT_RENEWED,
            agreement,
            agency=agency,
            valid_until=valid_until.isoformat() if valid_until else None,
        )
        _describe(
            change,
            "agreement.renewed",
            agreement,
            agency=agency,
            changed=["valid_until", "review_due"],
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
