"""For which agency a person acts on an incident.

A person may hold roles in several agencies; what they write on an incident is
attributed to one of them: the one they name, else the lead agency, else an agency
taking part, else one the incident is shared with, else any agency where they hold the
capability (a community-wide GREEN incident).
"""

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from agencies.access import agencies_with
from agencies.capabilities import Capability
from agencies.models import Agency
from coordination.errors import Forbidden
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import Incident, IncidentShare, Participant


def acting_agency(
    actor, incident: Incident, capability: Capability = Capability.CONTRIBUTE, *, named=None
) -> Agency:
    """The agency the actor acts for here, holding `capability`; 403 if there is none."""
    candidates = agencies_with(actor, capability)
    if named is not None:
        if not candidates.filter(pk=named.pk).exists():
            raise Forbidden(
                Code.NOT_A_MEMBER,
                f"You hold no role in {named.name} that may {capability.value}.",
                field="agency",
            )
        return named
    taking_part = Participant.objects.taking_part(incident).filter(agency=OuterRef("pk"))
    shared = IncidentShare.objects.filter(incident=incident, agency=OuterRef("pk"))
    chosen = (
        candidates.annotate(
            preference=Case(
                When(pk=incident.lead_agency_id, then=Value(0)),
                When(Exists(taking_part), then=Value(1)),
                When(Exists(shared), then=Value(2)),
                default=Value(3),
                output_field=IntegerField(),
            )
        )
        .order_by("preference", "name")
        .first()
    )
    if chosen is None:
        raise Forbidden(Code.NOT_A_MEMBER, f"You hold no role that may {capability.value} here.")
    return chosen
