"""The named reads of an incident's rows, for the pages and the API.

Each is a queryset with what its readers show joined in; none decides who may see a row.
The caller narrows it with `sharing.policy.visible` (or looks one row up through
`visible_or_404`), so a read named here is never a way around the policy.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, QuerySet

from agencies.models import Agency, ApiClient, Jurisdiction, Membership, Responsibility
from incidents.models import (
    Incident,
    Objective,
    OperationalPeriod,
    Participant,
    Position,
    ResourceRequest,
    ResourceRequestStep,
    SituationReport,
    Task,
    TimelineEntry,
)
from sharing import policy


def visible_incident_or_404(user, public_id) -> Incident:
    """The incident if the user may see it; otherwise 404, as for one that does not exist.
    Every page and every API resource under an incident starts here."""
    incidents = Incident.objects.select_related("lead_agency")
    return policy.visible_or_404(user, incidents, public_id=public_id)


def incidents() -> QuerySet:
    """Incidents with their lead agency, as the board and the map list them."""
    return Incident.objects.select_related("lead_agency")


def participants(incident) -> QuerySet:
    return Participant.objects.filter(incident=incident).select_related("agency", "share")


def participant_rows(incident) -> QuerySet:
    """The participants with what the command tab says of each, oldest first."""
    return (
        Participant.objects.filter(incident=incident)
        .select_related("agency", "share__agreement", "routed_from", "added_by")
        .order_by("added_at", "id")
    )


def periods(incident) -> QuerySet:
    """The incident's operational periods, each with its objectives in order."""
    objectives = Prefetch("objectives", queryset=Objective.objects.order_by("order"))
    return OperationalPeriod.objects.filter(incident=incident).prefetch_related(objectives)


def positions(incident) -> QuerySet:
    return Position.objects.filter(period__incident=incident).select_related(
        "period", "person", "agency"
    )


def chart_positions(period) -> QuerySet:
    return Position.objects.filter(period=period).select_related("person", "agency", "reports_to")


def holders(incident) -> QuerySet:
    """The memberships whose person may fill a post: active members of the agencies
    taking part (API clients' service accounts are not people)."""
    taking_part = Participant.objects.taking_part(incident).values("agency_id")
    return (
        Membership.objects.filter(
            is_active=True,
            agency__is_active=True,
            agency_id__in=taking_part,
            user__is_active=True,
        )
        .exclude(user_id__in=ApiClient.objects.values("account_id"))
        .select_related("user", "agency")
        .order_by("agency__name", "user__last_name", "user__first_name", "user__username")
    )


def active_agencies() -> QuerySet:
    return Agency.objects.filter(is_active=True).order_by("name")


def authoring_agencies(entries) -> QuerySet:
    """The agencies that wrote any of these timeline entries, by name."""
    return Agency.objects.filter(pk__in=entries.values("agency_id")).order_by("name")


def timeline(incident) -> QuerySet:
    return TimelineEntry.objects.filter(incident=incident).select_related("agency", "corrects")


def tasks(incident) -> QuerySet:
    """The incident's tasks, with what a row shows."""
    return Task.objects.filter(incident=incident).select_related(
        "assigned_agency", "assigned_person", "period", "updated_by"
    )


def resource_requests(incident) -> QuerySet:
    """The incident's requests, newest first, with their steps in one more query."""
    steps = ResourceRequestStep.objects.select_related("agency", "taken_by")
    return (
        ResourceRequest.objects.filter(incident=incident)
        .select_related("requesting_agency", "supplying_agency", "created_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("-number")
    )


def sitreps(incident) -> QuerySet:
    """The incident's situation reports, newest first."""
    return (
        SituationReport.objects.filter(incident=incident)
        .select_related("incident", "agency", "period")
        .order_by("-number")
    )


def people(user_ids) -> dict:
    """People by id."""
    return get_user_model().objects.in_bulk(user_ids)


def person_named(username):
    """The person with this username, or None."""
    return get_user_model().objects.filter(username=username).first()


def answering_jurisdictions(longitude: float, latitude: float) -> QuerySet:
    """The jurisdictions whose bounding box holds the point, each with `answering`: its
    active agencies' responsibilities, primary first."""
    answering = (
        Responsibility.objects.filter(agency__is_active=True)
        .select_related("agency")
        .order_by("kind", "agency__name")
    )
    return Jurisdiction.objects.bbox_contains(longitude, latitude).prefetch_related(
        Prefetch("responsibilities", queryset=answering, to_attr="answering")
    )


def jurisdictions(*fields: str) -> QuerySet:
    """Every jurisdiction (shared reference data), only the fields asked for."""
    return Jurisdiction.objects.only(*fields)
