"""Raising or lowering an agency's share of an incident, without taking it away.

Sharing and revoking live in `incidents.services.sharing`; this verb lets whoever may
share an incident adjust what an agency already holding it may do. A lead's share is
fixed, and a participant's share follows its part in unified command, so both are
refused here and changed where they belong.
"""

from coordination.errors import Conflict, Invalid
from incidents.models import IncidentShare
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.models import AuditAction
from sharing import grants
from sharing.access import Access
from sharing.error_codes import SharingErrorCode as Code
from sharing.models import ShareKind


def change_share_level(share: IncidentShare, *, actor, level: Access) -> IncidentShare:
    """Set an agency share to `level` (share); its grants are rewritten at once."""
    with incident_verb(share.incident, actor=actor, permission="share") as change:
        incident = change.row
        share = change.lock(IncidentShare.objects.select_related("agency").filter(pk=share.pk))
        if share.kind == ShareKind.LEAD:
            raise Conflict(Code.LEAD_SHARE, "The lead agency's access cannot be changed.")
        if hasattr(share, "participant"):
            raise Conflict(
                Code.SHARE_OF_PARTICIPANT,
                f"{share.agency.name} takes part in the incident; its level follows its part.",
            )
        level = Access(level)
        before = Access(share.level)
        if level == before:
            raise Invalid(
                Code.ALREADY_SHARED,
                f"{share.agency.name} already holds the incident at {level.label} level.",
                field="level",
            )
        grants.change_level(share, level)
        change.audit(
            AuditAction.SHARE_GRANTED,
            agency=incident.lead_agency,
            other_agency=share.agency,
            target=incident,
            detail={"level": level.label, "from": before.label, "kind": share.kind},
        )
        log_change(
            incident,
            f"Share with {share.agency.name} changed from {before.label} to {level.label} level.",
            actor=actor,
        )
        describe(
            change,
            "incident.share_changed",
            incident,
            agency=share.agency.slug,
            level=level.label,
            **{"from": before.label},
        )
        return share
