"""What the verbs write about themselves: a system line on the timeline and an event.

Every change to an incident's command structure and work (status, shares, participants,
positions, resource request steps) leaves a line in the incident's log, marked as the
incident is, and an outbox event in the same transaction.
"""

from django.utils import timezone

from agencies.capabilities import Capability
from agencies.models import Agency
from coordination.errors import Forbidden
from incidents.models import EntryKind, Incident, TimelineEntry
from incidents.services.actors import acting_agency
from ledger import outbox
from ledger.audit import label_of


def log_change(
    incident: Incident,
    event: str,
    text: str,
    *,
    actor,
    agency: Agency | None = None,
    kind: str = EntryKind.SYSTEM,
    payload: dict | None = None,
) -> TimelineEntry:
    """Write the system timeline entry and the outbox event `incident.<event>`."""
    if agency is None and actor is not None and actor.pk:
        try:
            agency = acting_agency(actor, incident, Capability.VIEW)
        except Forbidden:
            agency = None
    entry = TimelineEntry.objects.create(
        incident=incident,
        kind=kind,
        text=text,
        tlp=incident.tlp,
        author=actor if actor is not None and actor.pk else None,
        author_label=label_of(actor),
        agency=agency,
        occurred_at=timezone.now(),
    )
    outbox.emit(
        f"incident.{event}",
        target=incident,
        tlp=incident.tlp,
        actor=actor,
        payload={"entry": str(entry.public_id), **(payload or {})},
    )
    return entry
