"""Jurisdiction routing: the fire on Dock Street lies in Clatsop County, which Esterly Fire
answers for (Northgate EMS in support). Opening or moving the incident proposes them, or
brings them in at once where an auto-join agreement with Harbor Police says so."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.services import assign_responsibility
from incidents.models import EntryKind, ParticipantStatus, TimelineEntry
from incidents.services.incidents import update_incident
from incidents.services.routing import ROUTED_EVENT, route_incident
from ledger.models import Event
from sharing.models import ShareKind, SharingAgreement
from tests.factories import (
    AgencyFactory,
    JurisdictionFactory,
    agreement_between,
    open_incident,
    platform_operator,
    square,
)

INCIDENTS = "/api/v1/incidents/"
# Forty kilometres north-east, in Pacific County and outside Clatsop County.
UP_THE_COAST = {"type": "Point", "coordinates": [-122.5, 47.0]}
# A triangle whose bounding box holds Dock Street while the triangle itself does not.
SANDBAR = {
    "type": "Polygon",
    "coordinates": [[[-124.5, 45.5], [-123.5, 45.5], [-124.5, 46.5], [-124.5, 45.5]]],
}


@pytest.fixture
def clatsop(other_agency, northgate):
    """Clatsop County: Esterly Fire its primary agency, Northgate EMS supporting."""
    county = JurisdictionFactory(
        name="Clatsop County", slug="clatsop", boundary=square(-124.5, 45.5)
    )
    assign_responsibility(other_agency, county, "primary", actor=platform_operator())
    assign_responsibility(northgate, county, "supporting", actor=platform_operator())
    return county


@pytest.fixture
def pacific(northgate):
    """Pacific County, up the coast: Northgate EMS answers for it."""
    county = JurisdictionFactory(name="Pacific County", slug="pacific", boundary=square(-123, 46.5))
    assign_responsibility(northgate, county, "primary", actor=platform_operator())
    return county


def routings(event) -> list[dict]:
    """What routing said in an event: the event itself when routing was the verb called,
    else the routing folded into the opening or the move it ran in."""
    if event.kind == ROUTED_EVENT:
        return [event.payload]
    folded = event.payload.get("folded", [])
    return [inner["payload"] for inner in folded if inner["kind"] == ROUTED_EVENT]


def routed_events(incident):
    """(marking, agencies addressed, what the agency was told) for each agency routed, in
    the order the events about the incident were written."""
    events = Event.objects.filter(target_id=str(incident.public_id)).order_by("id")
    return [
        (event.tlp, sorted(agency.slug for agency in event.agencies.all()), told)
        for event in events
        for routing in routings(event)
        for told in routing["routed"]
    ]


def states(incident):
    return {
        p.agency.slug: (p.part, p.status, p.routed_from.slug if p.routed_from else None)
        for p in incident.participants.select_related("agency", "routed_from")
    }


def test_the_agencies_responsible_are_proposed_and_told(duty, clatsop, fire_analyst):
    incident = open_incident(duty)

    assert states(incident) == {
        "harbor-police": ("lead", "active", None),
        "esterly-fire": ("assisting", "proposed", "clatsop"),
        "northgate-ems": ("assisting", "proposed", "clatsop"),
    }
    assert (
        incident.participants.filter(status=ParticipantStatus.PROPOSED, share__isnull=False).count()
        == 0
    )
    county = {"slug": "clatsop", "name": "Clatsop County"}
    told = ["esterly-fire", "northgate-ems"]
    assert routed_events(incident) == [
        (
            "AMBER",
            told,
            {"agency": "esterly-fire", "jurisdiction": county, "auto_joined": False},
        ),
        (
            "AMBER",
            told,
            {"agency": "northgate-ems", "jurisdiction": county, "auto_joined": False},
        ),
    ]
    line = TimelineEntry.objects.get(incident=incident, kind=EntryKind.SYSTEM)
    assert line.text == (
        "Jurisdiction routing. Proposed to take part: Esterly Fire (Clatsop County), "
        "Northgate EMS (Clatsop County)."
    )
    opened = Event.objects.get(target_id=str(incident.public_id))
    assert opened.kind == "incident.opened"
    assert [routing["dropped"] for routing in routings(opened)] == [[]]


def test_an_auto_join_agreement_brings_the_agency_in_at_once(
    api_as, duty, clatsop, agency, other_agency, admin, other_admin, fire_analyst
):
    agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, auto_join=True
    )

    incident = open_incident(duty)

    assert states(incident)["esterly-fire"] == ("assisting", "active", "clatsop")
    assert states(incident)["northgate-ems"] == ("assisting", "proposed", "clatsop")
    share = incident.shares.get(agency=other_agency)
    assert (share.kind, share.level) == (ShareKind.AGREEMENT, 2)
    assert [payload["auto_joined"] for _, _, payload in routed_events(incident)] == [True, False]
    assert api_as(fire_analyst).get(f"{INCIDENTS}{incident.public_id}/").status_code == 200


def test_an_agreement_without_auto_join_only_proposes(
    duty, clatsop, agency, other_agency, admin, other_admin
):
    agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)

    incident = open_incident(duty)

    assert states(incident)["esterly-fire"] == ("assisting", "proposed", "clatsop")
    assert not incident.shares.filter(agency=other_agency).exists()


def test_an_auto_join_agreement_for_other_incident_types_only_proposes(
    duty, clatsop, agency, other_agency, admin, other_admin
):
    agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        auto_join=True,
        incident_types=["flood"],
    )

    incident = open_incident(duty, incident_type="fire")

    assert states(incident)["esterly-fire"] == ("assisting", "proposed", "clatsop")


def test_nobody_auto_joins_a_red_incident_and_the_event_names_no_content(
    api_as, duty, clatsop, agency, other_agency, admin, other_admin, fire_analyst
):
    agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        auto_join=True,
        max_tlp="RED",
    )

    incident = open_incident(duty, tlp="RED", title="Informant at Dock Street")

    assert states(incident)["esterly-fire"] == ("assisting", "proposed", "clatsop")
    tlp, addressed, payload = routed_events(incident)[0]
    assert (tlp, addressed) == ("RED", ["esterly-fire", "northgate-ems"])
    assert set(payload) == {"agency", "jurisdiction", "auto_joined"}
    assert "Informant" not in json.dumps(Event.objects.get(kind="incident.opened").payload)
    assert api_as(fire_analyst).get(f"{INCIDENTS}{incident.public_id}/").status_code == 404


def test_the_lead_and_places_outside_the_exact_boundary_route_nobody(duty, agency, northgate):
    own = JurisdictionFactory(name="Harbor District", slug="harbor", boundary=square(-124.5, 45.5))
    assign_responsibility(agency, own, "primary", actor=platform_operator())
    sandbar = JurisdictionFactory(name="Sandbar", slug="sandbar", boundary=SANDBAR)
    assign_responsibility(northgate, sandbar, "primary", actor=platform_operator())

    incident = open_incident(duty)

    assert states(incident) == {"harbor-police": ("lead", "active", None)}
    assert routed_events(incident) == []
    assert not TimelineEntry.objects.filter(incident=incident).exists()


def test_an_inactive_agency_is_not_proposed(duty, clatsop, other_agency):
    other_agency.is_active = False
    other_agency.save(update_fields=["is_active"])

    incident = open_incident(duty)

    assert set(states(incident)) == {"harbor-police", "northgate-ems"}


def test_an_analyst_who_opens_an_incident_gets_it_routed(
    analyst, clatsop, agency, other_agency, admin, other_admin
):
    agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, auto_join=True
    )

    incident = open_incident(analyst)

    assert states(incident)["esterly-fire"] == ("assisting", "active", "clatsop")


def test_moving_the_incident_drops_stale_proposals_and_keeps_participants(
    duty, clatsop, pacific, agency, other_agency, admin, other_admin
):
    agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, auto_join=True
    )
    incident = open_incident(duty)
    assert states(incident)["northgate-ems"] == ("assisting", "proposed", "clatsop")

    update_incident(incident, actor=duty, location=UP_THE_COAST)

    assert states(incident) == {
        "harbor-police": ("lead", "active", None),
        "esterly-fire": ("assisting", "active", "clatsop"),
        "northgate-ems": ("assisting", "proposed", "pacific"),
    }
    assert TimelineEntry.objects.filter(incident=incident).order_by("id").last().text == (
        "Jurisdiction routing. Proposed to take part: Northgate EMS (Pacific County). "
        "Proposals dropped, their jurisdiction no longer containing the incident: "
        "Northgate EMS (Clatsop County)."
    )


def test_moving_the_incident_through_the_api_routes_it(api_as, duty, pacific, northgate):
    incident = open_incident(duty)
    assert set(states(incident)) == {"harbor-police"}

    response = api_as(duty).patch(
        f"{INCIDENTS}{incident.public_id}/", {"location": UP_THE_COAST}, format="json"
    )

    assert response.status_code == 200, response.content
    assert states(incident)["northgate-ems"] == ("assisting", "proposed", "pacific")
    assert [addressed for _, addressed, _ in routed_events(incident)] == [["northgate-ems"]]


def test_moving_within_the_same_jurisdiction_changes_nothing(duty, clatsop):
    incident = open_incident(duty)
    before = states(incident)

    update_incident(incident, actor=duty, location={"type": "Point", "coordinates": [-124.0, 46.0]})

    assert states(incident) == before
    assert len(routed_events(incident)) == 2


def _routing_queries(duty, jurisdictions: int, west: float) -> int:
    incident = open_incident(duty, location={"type": "Point", "coordinates": [west + 0.5, 0.5]})
    for number in range(jurisdictions):
        slug = f"ground-{west:g}-{number}"
        ground = JurisdictionFactory(name=f"Ground {number}", slug=slug, boundary=square(west, 0))
        assign_responsibility(
            AgencyFactory(name=f"Unit {slug}", slug=slug),
            ground,
            "primary",
            actor=platform_operator(),
        )
    with CaptureQueriesContext(connection) as queries:
        routed = route_incident(incident, actor=duty)
    assert len(routed) == jurisdictions
    # The verb's savepoint and its release are transaction control, not reads or writes.
    control = ("SAVEPOINT", "RELEASE SAVEPOINT")
    return sum(1 for query in queries.captured_queries if not query["sql"].startswith(control))


def test_routing_on_its_own_is_one_event_addressed_to_the_agencies_routed(duty, northgate):
    incident = open_incident(duty)
    ground = JurisdictionFactory(name="Dock Ward", slug="dock", boundary=square(-124.5, 45.5))
    assign_responsibility(northgate, ground, "primary", actor=platform_operator())

    route_incident(incident, actor=duty)

    event = Event.objects.filter(target_id=str(incident.public_id)).last()
    assert event.kind == ROUTED_EVENT
    assert [agency.slug for agency in event.agencies.all()] == ["northgate-ems"]
    assert [told["agency"] for told in event.payload["routed"]] == ["northgate-ems"]


def test_routing_costs_the_same_for_one_jurisdiction_and_ten(duty):
    one = _routing_queries(duty, 1, west=10)
    ten = _routing_queries(duty, 10, west=20)

    assert one == ten
    assert ten <= 9


def test_an_administrator_proposes_an_auto_join_agreement(api_as, admin, other_agency):
    response = api_as(admin).post(
        "/api/v1/sharing-agreements/",
        {
            "agency": "harbor-police",
            "name": "Waterfront first response",
            "parties": ["esterly-fire"],
            "max_tlp": "AMBER",
            "valid_from": "2026-01-01T00:00:00Z",
            "auto_join": True,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["auto_join"] is True
    assert SharingAgreement.objects.get(name="Waterfront first response").auto_join is True
