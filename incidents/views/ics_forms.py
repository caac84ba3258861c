"""The printable ICS 203 (organization assignment list) and ICS 204 (assignment list,
one per division or group) of one operational period.

Both start from the same chart as the command tab (`command_page.staffed_chart`), so a
post nobody holds is printed as vacant on paper too. The period is found through the
visibility policy (a hidden incident's forms are the same 404 as missing ones), and each
page costs a fixed number of queries however large the organization.
"""

from django.shortcuts import render
from django.utils import timezone

from incidents import selectors
from incidents.models import (
    OperationalPeriod,
    Participant,
    PositionKind,
    Task,
)
from incidents.services.iap import UNASSIGNED
from incidents.services.incidents import record_view
from incidents.views.base import Page, incident_page
from incidents.views.command_page import staffed_chart
from sharing import policy

# Each division and group gets its own ICS 204; a branch is named on those under it.
UNIT_KINDS = frozenset({PositionKind.DIVISION_SUPERVISOR, PositionKind.GROUP_SUPERVISOR})


def _visible_period(page: Page, number) -> OperationalPeriod:
    period = page.child(selectors.printable_periods(page.incident), number=number)
    record_view(period.incident, actor=page.user, ip_address=page.request.META.get("REMOTE_ADDR"))
    return period


def label(node: dict) -> str:
    return f"{node['title']} {node['name']}".strip()


def _rows(nodes: list[dict], reports_to: str) -> list[dict]:
    """The boxes under one supervisor, depth first, each saying whom it reports to."""
    rows = []
    for node in nodes:
        rows.append({"node": node, "label": label(node), "reports_to": reports_to})
        rows += _rows(node["children"], label(node))
    return rows


def _command_rows(chart: dict) -> list[dict]:
    commanders = chart["commanders"] or [
        {"title": PositionKind.INCIDENT_COMMANDER.label, "name": "", "vacant": True}
    ]
    rows = [{"node": node, "label": label(node), "reports_to": ""} for node in commanders]
    if chart["deputy"] is not None:
        rows.append({"node": chart["deputy"], "label": label(chart["deputy"]), "reports_to": ""})
    staff = chart["children"][0]
    return rows + _rows(staff["children"], chart["title"])


def ics203_sections(chart: dict) -> list[dict]:
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


@incident_page(GET="view")
def ics203(page: Page, number):
    """ICS 203: every post of the period and who holds it, for which agency."""
    request = page.request
    period = _visible_period(page, number)
    chart = staffed_chart(period)
    agencies = (
        Participant.objects.taking_part(period.incident_id)
        .select_related("agency")
        .order_by("added_at", "id")
    )
    return render(
        request,
        "incidents/print/ics203.html",
        {
            "incident": period.incident,
            "period": period,
            "prepared_at": timezone.now(),
            "sections": ics203_sections(chart),
            "participants": policy.visible(request.user, agencies, "view"),
        },
    )


def _assignment_units(chart: dict) -> list[dict]:
    """Each division and group with the branch above it, if any."""
    operations = chart["children"][1]
    units = []

    def walk(nodes, branch):
        for node in nodes:
            if node["kind"] in UNIT_KINDS:
                units.append({"node": node, "label": label(node), "branch": branch, "tasks": []})
            below = node if node["kind"] == PositionKind.BRANCH_DIRECTOR else branch
            walk(node["children"], below)

    walk(operations["children"], None)
    return units


def _assignee(task: Task) -> str:
    parts = []
    if task.assigned_agency is not None:
        parts.append(task.assigned_agency.name)
    if task.assigned_person is not None:
        person = task.assigned_person
        parts.append(person.get_full_name() or person.get_username())
    return " / ".join(parts) or UNASSIGNED


def ics204_assignments(chart: dict, tasks) -> tuple[list[dict], list[dict]]:
    """The period's tasks under the division or group whose supervisor they are
    assigned to; the rest grouped by assignee, as the IAP groups them."""
    units = _assignment_units(chart)
    by_supervisor = {}
    for unit in units:
        by_supervisor.setdefault(unit["node"]["person"]["username"], unit)
    others: dict[str, dict] = {}
    for task in tasks:
        person = task.assigned_person
        unit = by_supervisor.get(person.get_username()) if person is not None else None
        if unit is not None:
            unit["tasks"].append(task)
        else:
            assignee = _assignee(task)
            others.setdefault(assignee, {"assignee": assignee, "tasks": []})["tasks"].append(task)
    return units, list(others.values())


@incident_page(GET="view")
def ics204(page: Page, number):
    """ICS 204: one assignment list per division or group, then the period's other
    assignments."""
    request = page.request
    period = _visible_period(page, number)
    chart = staffed_chart(period)
    tasks = policy.visible(
        request.user,
        Task.objects.filter(period=period)
        .select_related("assigned_agency", "assigned_person")
        .order_by("assigned_agency__name", "assigned_person__username", "due_at", "id"),
        "view",
    )
    units, others = ics204_assignments(chart, tasks)
    return render(
        request,
        "incidents/print/ics204.html",
        {
            "incident": period.incident,
            "period": period,
            "prepared_at": timezone.now(),
            "operations": chart["children"][1],
            "units": units,
            "others": others,
        },
    )
