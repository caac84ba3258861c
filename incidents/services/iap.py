"""The Incident Action Plan of one operational period, as one structure that the API
sends as JSON and the printable page lays out: the incident header with its marking,
ICS 202 (objectives and the command's messages), ICS 203 (who holds which post for
which agency) and ICS 204 (the period's tasks, grouped by whom they are assigned to).

Reading it costs a fixed number of queries, however large the plan.
"""

from django.utils import timezone

from incidents.models import OperationalPeriod, Participant
from incidents.services.orgchart import agency_of, chart_positions, person_of

UNASSIGNED = "Unassigned"


def _header(period: OperationalPeriod) -> dict:
    incident = period.incident
    return {
        "id": incident.public_id,
        "reference": incident.reference,
        "title": incident.title,
        "type": incident.incident_type,
        "type_label": incident.get_incident_type_display(),
        "status": incident.status,
        "status_label": incident.get_status_display(),
        "severity": incident.severity,
        "tlp": incident.tlp,
        "lead_agency": {"slug": incident.lead_agency.slug, "name": incident.lead_agency.name},
        "is_exercise": incident.is_exercise,
    }


def _organization(period: OperationalPeriod) -> dict:
    participants = (
        Participant.objects.taking_part(period.incident_id)
        .select_related("agency")
        .order_by("added_at", "id")
    )
    return {
        "agencies": [
            {
                "slug": participant.agency.slug,
                "name": participant.agency.name,
                "part": participant.part,
            }
            for participant in participants
        ],
        "positions": [
            {
                "id": position.public_id,
                "kind": position.kind,
                "title": position.get_kind_display(),
                "name": position.name,
                "person": person_of(position),
                "agency": agency_of(position),
            }
            for position in chart_positions(period)
        ],
    }


def _assignments(period: OperationalPeriod) -> list[dict]:
    """The period's tasks by assignee: an agency, a person (with their agency), or none."""
    tasks = period.tasks.select_related("assigned_agency", "assigned_person").order_by(
        "assigned_agency__name", "assigned_person__username", "due_at", "id"
    )
    groups: dict[tuple, dict] = {}
    for task in tasks:
        agency, person = task.assigned_agency, task.assigned_person
        key = (agency.pk if agency else None, person.pk if person else None)
        if key not in groups:
            labels = []
            if agency is not None:
                labels.append(agency.name)
            if person is not None:
                labels.append(person.get_full_name() or person.get_username())
            groups[key] = {
                "assignee": " / ".join(labels) or UNASSIGNED,
                "agency": {"slug": agency.slug, "name": agency.name} if agency else None,
                "person": (
                    {"username": person.get_username(), "full_name": person.get_full_name()}
                    if person
                    else None
                ),
                "tasks": [],
            }
        groups[key]["tasks"].append(
            {
                "id": task.public_id,
                "title": task.title,
                "details": task.details,
                "priority": task.priority,
                "priority_label": task.get_priority_display(),
                "status": task.status,
                "status_label": task.get_status_display(),
                "due_at": task.due_at,
            }
        )
    return list(groups.values())


def build_iap(period: OperationalPeriod) -> dict:
    """The IAP of `period`; the caller has already made sure its reader may see it."""
    return {
        "incident": _header(period),
        "period": {
            "id": period.public_id,
            "number": period.number,
            "starts_at": period.starts_at,
            "ends_at": period.ends_at,
            "is_current": period.is_current,
        },
        "prepared_at": timezone.now(),
        "ics_202": {
            "objectives": [
                {
                    "order": objective.order,
                    "text": objective.text,
                    "status": objective.status,
                    "status_label": objective.get_status_display(),
                }
                for objective in period.objectives.all()
            ],
            "command_emphasis": period.command_emphasis,
            "situational_awareness": period.situational_awareness,
            "weather": period.weather,
            "safety_message": period.safety_message,
        },
        "ics_203": _organization(period),
        "ics_204": _assignments(period),
    }
