"""The verb skeleton (`ledger.verbs`) fitted to an incident: its row locked with its lead
agency, the actor's permission asked of `sharing.policy`, the event about the incident and
marked as it is."""

from coordination.errors import Forbidden
from incidents.models import Incident
from ledger.verbs import Change, verb
from sharing import policy
from sharing.error_codes import SharingErrorCode


def ensure_still_visible(actor, incident: Incident) -> None:
    """Refuse (and so roll back) a change that would hide the incident from its author."""
    if not policy.can(actor, "view", incident):
        raise Forbidden(
            SharingErrorCode.NOT_PERMITTED,
            "This change would hide the incident from you; it was not made.",
        )


def incident_verb(
    incident: Incident,
    *,
    actor,
    permission: str | None,
    expected_version: int | None = None,
    recheck: bool = False,
):
    """`ledger.verbs.verb` on an incident's row (only its own row is locked: locking the
    lead agency's too would make every write to any of its incidents wait on the others).

    `permission` is what the actor needs on the incident (None when the verb asks for
    something finer itself); `recheck` is for changes that could hide the incident from
    the actor by accident (its marking, its type). Revoking may hide it on purpose.
    """
    return verb(
        actor=actor,
        lock=Incident.objects.select_related("lead_agency").filter(pk=incident.pk),
        expected_version=expected_version,
        require=None if permission is None else lambda row: policy.require(actor, permission, row),
        recheck=(lambda target: ensure_still_visible(actor, target)) if recheck else None,
    )


def describe(
    change: Change, kind: str, incident: Incident, /, *, tlp: str | None = None, **payload
) -> None:
    """The event of a change to an incident or to something of it: about the incident,
    under its marking unless the thing is marked more strictly (`tlp`)."""
    change.describe(kind, target=incident, tlp=tlp or incident.tlp, **payload)
