"""Locking an incident's row for the length of a verb's transaction."""

from incidents.models import Incident


def locked_incident(incident: Incident) -> Incident:
    """The incident re-read and locked until commit, its lead agency loaded.

    Only the incident's own row is locked (`of=("self",)`): locking the joined agency
    row too would make every write to any incident of that agency wait on the others.
    """
    return (
        Incident.objects.select_for_update(of=("self",))
        .select_related("lead_agency")
        .get(pk=incident.pk)
    )
