"""The system line on the timeline a verb may leave about itself.

Changes to an incident's command structure and work (status, shares, participants,
positions, resource request steps) leave a line in the incident's log, marked as the
incident is. It is an effect of its own: the verb's outbox event is the skeleton's
(`ledger.verbs`), not this line's.
"""

from django.utils import timezone

from agencies.capabilities import Capability
from agencies.models import Agency
from coordination.errors import Forbidden
from incidents.models import EntryKind, Incident, TimelineEntry
from incidents.services.actors import acting_agency
from ledger.audit import label_of


def log_change(
    incident: Incident,
    text: str,
    *,
    actor,
    agency: Agency | None = None,
    kind: str = EntryKind.SYSTEM,
) -> TimelineEntry:
    """Write the system timeline entry, attributed to the agency the actor acts for."""
    if agency is None and actor is not None and actor.pk:
        try:
            agency = acting_agency(actor, incident, Capability.VIEW)
        except Forbidden:
            agency = None
    return TimelineEntry.objects.create(
        incident=incident,
        kind=kind,
        text=text,
        tlp=incident.tlp,
        author=actor if actor is not None and actor.pk else None,
        author_label=label_of(actor),
        agency=agency,
        occurred_at=timezone.now(),
    )
