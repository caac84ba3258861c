"""The organization chart of one operational period (ICS 207), as a tree.

The whole chart comes from one query over the period's positions: the command node holds
the incident commanders (a unified command when several agencies each name one) and the
deputy; under it sit the command staff, then the general staff sections, and the
branches, divisions and groups under whoever they report to (operations by default).
`org_chart` is the chart as the API sends it; `staffed_chart` is the one the command tab
draws and the ICS 203 and 204 print, with the standing posts in place, vacant or not.
"""

from incidents.models import OperationalPeriod, Position, PositionKind

COMMAND_STAFF = (
    PositionKind.SAFETY_OFFICER,
    PositionKind.PUBLIC_INFORMATION_OFFICER,
    PositionKind.LIAISON_OFFICER,
)
GENERAL_STAFF = (
    PositionKind.OPERATIONS_SECTION_CHIEF,
    PositionKind.PLANNING_SECTION_CHIEF,
    PositionKind.LOGISTICS_SECTION_CHIEF,
    PositionKind.FINANCE_ADMIN_SECTION_CHIEF,
    PositionKind.INTELLIGENCE_INVESTIGATIONS_CHIEF,
)
# The posts every staffed chart shows, filled or "Vacant"; the deputy and the
# intelligence section appear only once someone holds them.
STANDING_SECTIONS = (
    PositionKind.OPERATIONS_SECTION_CHIEF,
    PositionKind.PLANNING_SECTION_CHIEF,
    PositionKind.LOGISTICS_SECTION_CHIEF,
    PositionKind.FINANCE_ADMIN_SECTION_CHIEF,
)
FIXED_KINDS = frozenset(COMMAND_STAFF) | frozenset(GENERAL_STAFF)
# The order in which ICS forms list the organization, top down.
CHART_ORDER = {
    kind: index
    for index, kind in enumerate(
        (
            PositionKind.INCIDENT_COMMANDER,
            PositionKind.DEPUTY_INCIDENT_COMMANDER,
            *COMMAND_STAFF,
            *GENERAL_STAFF,
            PositionKind.BRANCH_DIRECTOR,
            PositionKind.DIVISION_SUPERVISOR,
            PositionKind.GROUP_SUPERVISOR,
        )
    )
}


def chart_positions(period: OperationalPeriod) -> list[Position]:
    """The period's positions with their holders and agencies, in the forms' order."""
    positions = period.positions.select_related("person", "agency")
    return sorted(
        positions, key=lambda p: (CHART_ORDER[p.kind], p.agency.name, p.name.lower(), p.pk)
    )


def _person_of(position: Position) -> dict:
    person = position.person
    return {"username": person.get_username(), "full_name": person.get_full_name()}


def _agency_of(position: Position) -> dict:
    return {"slug": position.agency.slug, "name": position.agency.name}


def post_of(position: Position) -> dict:
    """A post as the chart and the forms name it: its kind, its holder, their agency."""
    return {
        "id": position.public_id,
        "kind": position.kind,
        "title": position.get_kind_display(),
        "name": position.name,
        "person": _person_of(position),
        "agency": _agency_of(position),
    }


def _node(position: Position) -> dict:
    return {**post_of(position), "children": []}


def org_chart(period: OperationalPeriod) -> dict:
    """The period's chart: {"period", "root"}, where root is the command node."""
    positions = chart_positions(period)
    nodes = {position.pk: _node(position) for position in positions}
    commanders = [nodes[p.pk] for p in positions if p.kind == PositionKind.INCIDENT_COMMANDER]
    deputies = [nodes[p.pk] for p in positions if p.kind == PositionKind.DEPUTY_INCIDENT_COMMANDER]
    root = {
        "id": None,
        "kind": "command",
        "title": "Unified Command" if len(commanders) > 1 else "Incident Command",
        "name": "",
        "person": None,
        "agency": None,
        "unified": len(commanders) > 1,
        "commanders": commanders,
        "deputy": deputies[0] if deputies else None,
        "children": [],
    }
    operations = next(
        (p.pk for p in positions if p.kind == PositionKind.OPERATIONS_SECTION_CHIEF), None
    )
    for position in positions:
        if position.kind in COMMAND_STAFF or position.kind in GENERAL_STAFF:
            root["children"].append(nodes[position.pk])
        elif position.kind not in (
            PositionKind.INCIDENT_COMMANDER,
            PositionKind.DEPUTY_INCIDENT_COMMANDER,
        ):
            supervisor = position.reports_to_id if position.reports_to_id in nodes else operations
            parent = nodes[supervisor] if supervisor is not None else root
            parent["children"].append(nodes[position.pk])
    return {"period": period.number, "root": root}


def vacant(kind: str) -> dict:
    """A chart box for a post nobody holds."""
    return {
        "id": None,
        "kind": kind,
        "title": PositionKind(kind).label,
        "name": "",
        "person": None,
        "agency": None,
        "vacant": True,
        "children": [],
    }


def staffed_chart(period: OperationalPeriod) -> dict:
    """`org_chart` with the standing posts in place, vacant or not.

    The command staff hang under one "Command staff" box and the general staff follow;
    branches, divisions and groups that report to a vacant Operations Section Chief stay
    under its (vacant) box, where the form of an ICS chart puts them.
    """
    chart = org_chart(period)
    root = chart["root"]
    placed = {node["kind"]: node for node in root["children"] if node["kind"] in FIXED_KINDS}
    loose = [node for node in root["children"] if node["kind"] not in FIXED_KINDS]
    staff = {
        "id": None,
        "kind": "command_staff",
        "title": "Command staff",
        "name": "",
        "person": None,
        "agency": None,
        "group": True,
        "children": [placed.get(kind) or vacant(kind) for kind in COMMAND_STAFF],
    }
    sections = [placed.get(kind) or vacant(kind) for kind in STANDING_SECTIONS]
    intelligence = placed.get(PositionKind.INTELLIGENCE_INVESTIGATIONS_CHIEF)
    if intelligence is not None:
        sections.append(intelligence)
    operations = sections[0]
    if operations.get("vacant"):
        operations["children"] = loose
    return {
        "period": chart["period"],
        "title": root["title"],
        "unified": root["unified"],
        "commanders": root["commanders"],
        "deputy": root["deputy"],
        "children": [staff, *sections],
    }
