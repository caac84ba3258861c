"""The organization chart of one operational period (ICS 207) as a tree for pages to draw.

The whole chart comes from one query over the period's positions: the command node holds
the incident commanders (a unified command when several agencies each name one) and the
deputy; under it sit the command staff, then the general staff sections, and the
branches, divisions and groups under whoever they report to (operations by default).
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


def person_of(position: Position) -> dict:
    person = position.person
    return {"username": person.get_username(), "full_name": person.get_full_name()}


def agency_of(position: Position) -> dict:
    return {"slug": position.agency.slug, "name": position.agency.name}


def _node(position: Position) -> dict:
    return {
        "id": position.public_id,
        "kind": position.kind,
        "title": position.get_kind_display(),
        "name": position.name,
        "person": person_of(position),
        "agency": agency_of(position),
        "children": [],
    }


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
