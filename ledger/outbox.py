"""Writing events to the outbox: the only road out of a change.

A verb calls `emit` inside its transaction, so an event exists exactly when the change
it describes was committed; delivery starts from the committed rows.
"""

from django.db.models import Model

from ledger.models import Event


def emit(
    kind: str,
    *,
    target: Model,
    tlp: str,
    actor=None,
    agencies=(),
    payload: dict | None = None,
) -> Event:
    """Record that `kind` happened to `target` (marked `tlp`), for delivery after commit."""
    event = Event.objects.create(
        kind=kind,
        target_type=target._meta.label_lower,
        target_id=str(getattr(target, "public_id", None) or target.pk),
        tlp=tlp,
        actor=actor if actor is not None and actor.pk else None,
        payload=payload or {},
    )
    addressed = Event.agencies.through
    addressed.objects.bulk_create(
        addressed(event_id=event.pk, agency_id=agency.pk) for agency in agencies
    )
    return event
