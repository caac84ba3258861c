"""Writing events to the outbox: the only road out of a change.

The verb skeleton (`ledger.verbs`) calls `emit` inside the verb's transaction, so an
event exists exactly when the change it describes was committed; delivery starts from
the committed rows.
"""

from django.db.models import Model

from ledger.models import Event


def reference(target: Model) -> tuple[str, str]:
    """(type, id) naming `target` in an event: its id on the wire where it has one. Taken
    when the change is described, so an event can name an object the change deleted."""
    return target._meta.label_lower, str(getattr(target, "public_id", None) or target.pk)


def emit(
    kind: str,
    *,
    target: tuple[str, str],
    tlp: str,
    actor=None,
    agencies=(),
    payload: dict | None = None,
) -> Event:
    """Record that `kind` happened to `target` (a `reference`, marked `tlp`), for delivery
    after commit."""
    target_type, target_id = target
    event = Event.objects.create(
        kind=kind,
        target_type=target_type,
        target_id=target_id,
        tlp=tlp,
        actor=actor if actor is not None and actor.pk else None,
        payload=payload or {},
    )
    addressed = Event.agencies.through
    addressed.objects.bulk_create(
        addressed(event_id=event.pk, agency_id=agency.pk) for agency in agencies
    )
    return event
