"""The plan of one operational period as ICS forms: ICS 202 (objectives and the
command's messages), ICS 203 (who holds which post for which agency) and ICS 204 (the
period's tasks), and the Incident Action Plan that binds them.

`build_iap` is the IAP as one structure that the API sends as JSON and the printable
page lays out. `ics203` and `ics204` are the printable forms, drawn from the same staffed
chart as the command tab, so a post nobody holds is printed as vacant on paper too; an
ICS 204 goes to each division and group, a branch named on those under it. Each costs a
fixed number of queries however large the plan; the caller has already made sure its
reader may see the period.
"""

from django.db.models import QuerySet
from django.utils import timezone

from incidents.ics.orgchart import chart_positions, post_of, staffed_chart
from incidents.models import OperationalPeriod, Participant, PositionKind
from sharing import policy

UNASSIGNED = "Unassigned"
# Each division and group gets its own ICS 204; a branch is named on those under it.
UNIT_KINDS = frozenset({PositionKind.DIVISION_SUPERVISOR, PositionKind.GROUP_SUPERVISOR})


def plan_periods() -> QuerySet:
    """Operational periods with what every form's header shows."""
    return OperationalPeriod.objects.select_related("incident__lead_agency")


def _participants(period: OperationalPeriod) -> QuerySet:
    return (
        Participant.objects.taking_part(period.incident_id)
        .select_related("agency")
        .order_by("added_at", "id")
    )


def _tasks(period: OperationalPeriod) -> QuerySet:
    """The period's tasks in the order the forms list them: by assignee, then due time."""
    return period.tasks.select_related("assigned_agency", "assigned_person").order_by(
        "assigned_agency__name", "assigned_person__username", "due_at", "id"
    )


def assignee_label(agency, person) -> str:
    labels = []
    if agency is not None:
        labels.append(agency.name)
    if person is not None:
        labels.append(person.get_full_name() or person.get_username())
    return " / ".join(labels) or UNASSIGNED


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
    return {
        "agencies": [
            {
                "slug": participant.agency.slug,
                "name": participant.agency.name,
                "part": participant.part,
            }
            for participant in _participants(period)
        ],
        "positions": [post_of(position) for position in chart_positions(period)],
    }


def _assignments(period: OperationalPeriod) -> list[dict]:
    """The period's tasks by assignee: an agency, a person (with their agency), or none."""
    groups: dict[tuple, dict] = {}
    for task in _tasks(period):
        agency, person = task.assigned_agency, task.assigned_person
        key = (agency.pk if agency else None, person.pk if person else None)
        if key not in groups:
            groups[key] = {
                "assignee": assignee_label(agency, person),
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
    """The IAP of `period`: the incident header with its marking, then ICS 202, 203, 204."""
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


def _label(node: dict) -> str:
    return f"{node['title']} {node['name']}".strip()


def _rows(nodes: list[dict], reports_to: str) -> list[dict]:
    """The boxes under one supervisor, depth first, each saying whom it reports to."""
    rows = []
    for node in nodes:
        rows.append({"node": node, "label": _label(node), "reports_to": reports_to})
        rows += _rows(node["children"], _label(node))
    return rows


def _command_rows(chart: dict) -> list[dict]:
    commanders = chart["commanders"] or [
        {"title": PositionKind.INCIDENT_COMMANDER.label, "name": "", "vacant": True}
    ]
    rows = [{"node": node, "label": _label(node), "reports_to": ""} for node in commanders]
    if chart["deputy"] is not None:
        rows.append({"node": chart["deputy"], "label": _label(chart["deputy"]), "reports_to": ""})
    staff = chart["children"][0]
    return rows + _rows(staff["children"], chart["title"])


def _ics203_sections(chart: dict) -> list[dict]:
    """ICS 203's blocks: command and its staff, then one block per general staff section."""
    sections = [{"title": chart["title"] + " and command staff", "rows": _command_rows(chart)}]
    for section in chart["children"][1:]:
        sections.append(
            {
                "title": section["title"].removesuffix(" Chief"),
                "rows": _rows([section], chart["title"]),
            }
        )
    return sections


def ics203(period: OperationalPeriod, reader) -> dict:
    """The printable ICS 203: every post of the period and who holds it, for which
    agency, and the agencies taking part that `reader` may see."""
    return {
        "incident": period.incident,
        "period": period,
        "prepared_at": timezone.now(),
        "sections": _ics203_sections(staffed_chart(period)),
        "participants": policy.visible(reader, _participants(period), "view"),
    }


def _assignment_units(chart: dict) -> list[dict]:
    """Each division and group with the branch above it, if any."""
    operations = chart["children"][1]
    units = []

    def walk(nodes, branch):
        for node in nodes:
            if node["kind"] in UNIT_KINDS:
                units.append({"node": node, "label": _label(node), "branch": branch, "tasks": []})
            below = node if node["kind"] == PositionKind.BRANCH_DIRECTOR else branch
            walk(node["children"], below)

    walk(operations["children"], None)
    return units


def ics204(period: OperationalPeriod, reader) -> dict:
    """The printable ICS 204: the period's tasks `reader` may see, under the division or
    group whose supervisor they are assigned to; the rest grouped by assignee, as the
    IAP groups them."""
    chart = staffed_chart(period)
    units = _assignment_units(chart)
    by_supervisor = {}
    for unit in units:
        by_supervisor.setdefault(unit["node"]["person"]["username"], unit)
    others: dict[str, dict] = {}
    for task in policy.visible(reader, _tasks(period), "view"):
        person = task.assigned_person
        unit = by_supervisor.get(person.get_username()) if person is not None else None
        if unit is not None:
            unit["tasks"].append(task)
        else:
            assignee = assignee_label(task.assigned_agency, person)
            others.setdefault(assignee, {"assignee": assignee, "tasks": []})["tasks"].append(task)
    return {
        "incident": period.incident,
        "period": period,
        "prepared_at": timezone.now(),
        "operations": chart["children"][1],
        "units": units,
        "others": list(others.values()),
    }
