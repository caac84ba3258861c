"""Resource requests (ICS 213RR) on the warehouse fire: Harbor Police asks Esterly Fire
for engines; Esterly Fire's command approves and sends them; Harbor Police confirms
they arrived. Each step belongs to one side, and only that side may take it."""

import itertools

import pytest

from coordination.errors import Invalid
from incidents.models import (
    COMMON_RESOURCE_KINDS,
    RESOURCE_STEPS,
    EntryKind,
    RequestSide,
    ResourceRequest,
    ResourceRequestStep,
    ResourceStatus,
    TimelineEntry,
)
from incidents.services import resource_requests as verbs
from tests.cases import ApiCases, ApiStaleCases, ApiVersionCases, Call

pytestmark = pytest.mark.postgres

# The steps that lead from `requested` to each status, each taken by its own side.
PATH_TO = {
    ResourceStatus.REQUESTED: [],
    ResourceStatus.APPROVED: [ResourceStatus.APPROVED],
    ResourceStatus.ASSIGNED: [ResourceStatus.APPROVED, ResourceStatus.ASSIGNED],
    ResourceStatus.EN_ROUTE: [
        ResourceStatus.APPROVED,
        ResourceStatus.ASSIGNED,
        ResourceStatus.EN_ROUTE,
    ],
    ResourceStatus.DELIVERED: [
        ResourceStatus.APPROVED,
        ResourceStatus.ASSIGNED,
        ResourceStatus.EN_ROUTE,
        ResourceStatus.DELIVERED,
    ],
    ResourceStatus.DENIED: [ResourceStatus.DENIED],
    ResourceStatus.CANCELLED: [ResourceStatus.CANCELLED],
}


def requests_url(incident) -> str:
    return f"/api/v1/incidents/{incident.public_id}/resource-requests/"


def request_url(request) -> str:
    return f"{requests_url(request.incident)}{request.public_id}/"


def transition_url(request) -> str:
    return f"{request_url(request)}transition/"


@pytest.fixture
def engines(joint_incident, duty, other_agency):
    """Harbor Police asks Esterly Fire for two engines."""
    return verbs.request_resources(
        joint_incident,
        actor=duty,
        supplying_agency=other_agency,
        resource_kind="Engine (fire)",
        resource_type="Type 1",
        quantity=2,
    )


@pytest.fixture
def side_of(duty, fire_duty):
    """Who takes each side's steps on Harbor Police's request to Esterly Fire."""
    return {RequestSide.REQUESTER: duty, RequestSide.SUPPLIER: fire_duty}


def bring_to(request, state, side_of):
    current = request.status
    for to in PATH_TO[state]:
        actor = side_of[RESOURCE_STEPS[(current, to)]]
        request = verbs.take_step(request, to, actor=actor, note="On radio")
        current = to
    return request


# Asking


def test_harbor_police_asks_esterly_fire_for_engines(api_as, duty, joint_incident):
    response = api_as(duty).post(
        requests_url(joint_incident),
        {
            "supplying_agency": "esterly-fire",
            "resource_kind": "Engine (fire)",
            "resource_type": "Type 1",
            "quantity": 2,
            "delivery_location": "Dock Street staging",
            "delivery_point": {"type": "Point", "coordinates": [-123.9, 46.0]},
            "priority": "urgent",
        },
    )

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    body = response.json()
    assert (body["number"], body["reference"]) == (1, "RR-1")
    assert body["requesting_agency"] == {"slug": "harbor-police", "name": "Harbor Police"}
    assert body["supplying_agency"] == {"slug": "esterly-fire", "name": "Esterly Fire"}
    assert (body["resource_kind"], body["resource_type"], body["quantity"]) == (
        "Engine (fire)",
        "Type 1",
        2,
    )
    assert (body["status"], body["priority"]) == ("requested", "urgent")
    assert [(s["from"], s["to"], s["agency"], s["by"]) for s in body["steps"]] == [
        (None, "requested", "harbor-police", "harbor-police.duty_officer")
    ]
    assert body["allowed_steps"] == ["cancelled"]
    assert TimelineEntry.objects.filter(incident=joint_incident).latest("id").text == (
        "RR-1: Harbor Police requests 2 x Engine (fire) from Esterly Fire."
    )
    second = api_as(duty).post(
        requests_url(joint_incident),
        {"supplying_agency": "esterly-fire", "resource_kind": "Water tender", "quantity": 1},
    )
    assert second.json()["reference"] == "RR-2"


def test_a_responder_may_ask_for_their_agency(api_as, fire_responder, joint_incident):
    response = api_as(fire_responder).post(
        requests_url(joint_incident),
        {"supplying_agency": "harbor-police", "resource_kind": "Personnel", "quantity": 4},
    )

    assert response.status_code == 201, response.content
    assert response.json()["requesting_agency"]["slug"] == "esterly-fire"


@pytest.mark.parametrize(
    ("fields", "status", "code"),
    [
        ({"supplying_agency": "northgate-ems"}, 409, "supplier_not_participating"),
        ({"supplying_agency": "harbor-police"}, 400, "same_agency"),
        ({"requesting_agency": "esterly-fire"}, 403, "not_a_member"),
        ({"quantity": 0}, 400, "invalid"),
        ({"quantity": 99_999_999_999_999}, 400, "invalid"),
        ({"delivery_point": {"type": "Point", "coordinates": [500, 0]}}, 400, "invalid_location"),
    ],
)
def test_requests_run_only_between_agencies_taking_part(
    api_as, problem, duty, northgate, joint_incident, fields, status, code
):
    asked = {
        "supplying_agency": "esterly-fire",
        "resource_kind": "Ambulance (ground)",
        "quantity": 1,
    }

    response = api_as(duty).post(requests_url(joint_incident), {**asked, **fields})

    problem(response, status, code)
    assert not joint_incident.resource_requests.exists()
    assert not TimelineEntry.objects.filter(
        incident=joint_incident, text__startswith="RR-"
    ).exists()


def test_common_kinds_are_offered(api_as, fire_analyst, joint_incident):
    response = api_as(fire_analyst).get(f"{requests_url(joint_incident)}kinds/")

    assert response.status_code == 200
    assert response.json() == {"kinds": list(COMMON_RESOURCE_KINDS)}


# Every step, and the side it belongs to

PAIRS = list(itertools.product(ResourceStatus.values, repeat=2))


@pytest.mark.parametrize(("start", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_resource_request_transition(api_as, problem, engines, side_of, start, to):
    request = bring_to(engines, start, side_of)
    side = RESOURCE_STEPS.get((start, to), RequestSide.SUPPLIER)

    response = api_as(side_of[side]).post(
        transition_url(request),
        {"status": to, "note": "As agreed on the radio"},
        HTTP_IF_MATCH=f'"{request.version}"',
    )

    request.refresh_from_db()
    if (start, to) in RESOURCE_STEPS:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == to
        assert response.json()["steps"][-1]["from"] == start
        assert response.json()["steps"][-1]["note"] == "As agreed on the radio"
        assert request.status == to
    else:
        body = problem(response, 409, "invalid_transition")
        assert body["allowed"] == sorted(t for s, t in RESOURCE_STEPS if s == start)
        assert request.status == start


@pytest.mark.parametrize(
    ("start", "to"), list(RESOURCE_STEPS), ids=[f"{a}->{b}" for a, b in RESOURCE_STEPS]
)
def test_the_other_side_may_not_take_a_step(api_as, problem, engines, side_of, start, to):
    request = bring_to(engines, start, side_of)
    other = {
        RequestSide.SUPPLIER: RequestSide.REQUESTER,
        RequestSide.REQUESTER: RequestSide.SUPPLIER,
    }

    response = api_as(side_of[other[RESOURCE_STEPS[(start, to)]]]).post(
        transition_url(request), {"status": to, "note": "Mine to say"}
    )

    problem(response, 403, "wrong_side")
    request.refresh_from_db()
    assert request.status == start


def test_esterly_fires_duty_officer_approves_harbors_request(api_as, fire_duty, engines):
    response = api_as(fire_duty).post(
        transition_url(engines), {"status": "approved"}, HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    step = response.json()["steps"][-1]
    assert (step["from"], step["to"], step["agency"], step["by"]) == (
        "requested",
        "approved",
        "esterly-fire",
        "esterly-fire.duty_officer",
    )
    assert response.json()["allowed_steps"] == ["assigned"]


def test_esterly_fires_responder_cannot_approve(api_as, problem, fire_responder, engines):
    response = api_as(fire_responder).post(transition_url(engines), {"status": "approved"})

    problem(response, 403, "wrong_side")
    engines.refresh_from_db()
    assert engines.status == "requested"
    listed = api_as(fire_responder).get(requests_url(engines.incident)).json()["results"]
    assert listed[0]["allowed_steps"] == []


def test_harbors_duty_officer_cannot_approve_its_own_request(api_as, problem, duty, engines):
    problem(api_as(duty).post(transition_url(engines), {"status": "approved"}), 403, "wrong_side")


def test_harbor_police_confirms_the_engines_arrived(
    api_as, problem, responder, fire_duty, engines, side_of
):
    en_route = bring_to(engines, ResourceStatus.EN_ROUTE, side_of)
    assert api_as(responder).get(request_url(en_route)).json()["allowed_steps"] == ["delivered"]
    problem(
        api_as(fire_duty).post(transition_url(en_route), {"status": "delivered"}), 403, "wrong_side"
    )

    response = api_as(responder).post(transition_url(en_route), {"status": "delivered"})

    assert response.status_code == 200, response.content
    assert [step["to"] for step in response.json()["steps"]] == [
        "requested",
        "approved",
        "assigned",
        "en_route",
        "delivered",
    ]
    assert response.json()["allowed_steps"] == []


@pytest.mark.parametrize(("to", "who"), [("denied", "fire_duty"), ("cancelled", "duty")])
def test_turning_a_request_down_says_why(api_as, problem, engines, request, to, who):
    client = api_as(request.getfixturevalue(who))

    problem(
        client.post(transition_url(engines), {"status": to, "note": "  "}), 400, "note_required"
    )
    response = client.post(transition_url(engines), {"status": to, "note": "None to spare"})

    assert response.json()["steps"][-1]["note"] == "None to spare"


def test_every_step_is_on_the_timeline(engines, side_of):
    bring_to(engines, ResourceStatus.DELIVERED, side_of)

    lines = list(
        TimelineEntry.objects.filter(incident=engines.incident, kind=EntryKind.SYSTEM)
        .order_by("id")
        .values_list("text", "agency__slug")
    )
    assert lines[-5:] == [
        ("RR-1: Harbor Police requests 2 x Engine (fire) from Esterly Fire.", "harbor-police"),
        ("RR-1 Engine (fire): requested -> approved by Esterly Fire: On radio", "esterly-fire"),
        ("RR-1 Engine (fire): approved -> assigned by Esterly Fire: On radio", "esterly-fire"),
        ("RR-1 Engine (fire): assigned -> en_route by Esterly Fire: On radio", "esterly-fire"),
        ("RR-1 Engine (fire): en_route -> delivered by Harbor Police: On radio", "harbor-police"),
    ]
    assert ResourceRequestStep.objects.filter(request=engines).count() == 5


# Correcting a request


def test_the_requester_corrects_a_request_not_yet_acted_on(
    api_as, problem, duty, fire_duty, engines
):
    response = api_as(duty).patch(
        request_url(engines), {"quantity": 3, "details": "Foam capable"}, HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200, response.content
    assert (response.json()["quantity"], response.json()["details"]) == (3, "Foam capable")
    assert response["ETag"] == '"2"'
    problem(api_as(fire_duty).patch(request_url(engines), {"quantity": 1}), 403, "wrong_side")
    problem(
        api_as(duty).patch(request_url(engines), {"quantity": 4}, HTTP_IF_MATCH='"1"'),
        412,
        "stale_version",
    )
    api_as(fire_duty).post(transition_url(engines), {"status": "approved"})
    problem(api_as(duty).patch(request_url(engines), {"quantity": 4}), 409, "request_not_editable")
    problem(api_as(duty).patch(request_url(engines), {"status": "delivered"}), 400, "invalid")


CANCEL = {"status": "cancelled", "note": "Found our own"}


class TestResourceRequestVersions(ApiVersionCases, ApiStaleCases):
    """Esterly Fire approves; Harbor Police's cancel, at the old version, is refused."""

    first_leaves = [("approved", 2)]

    @pytest.fixture
    def versioned_change(self, engines):
        return Call(
            "post", transition_url(engines), {"status": "cancelled", "note": "Found our own"}
        )

    @pytest.fixture
    def first_change(self, engines):
        return Call("post", transition_url(engines), {"status": "approved"})

    @pytest.fixture
    def stale_changes(self, engines):
        return [Call("post", transition_url(engines), CANCEL)]

    @pytest.fixture
    def unchanged(self, engines):
        found = ResourceRequest.objects.filter(pk=engines.pk)
        return lambda: list(found.values_list("status", "version"))


# Lists


def test_requests_are_filtered(
    api_as, duty, fire_duty, fire_responder, agency, engines, joint_incident
):
    verbs.request_resources(
        joint_incident,
        actor=fire_responder,
        supplying_agency=agency,
        resource_kind="Law enforcement patrol team",
        quantity=1,
        priority="high",
    )
    verbs.take_step(engines, "approved", actor=fire_duty)
    client = api_as(duty)

    def numbers(**params):
        response = client.get(requests_url(joint_incident), params)
        assert response.status_code == 200, response.content
        return [row["number"] for row in response.json()["results"]]

    assert numbers() == [2, 1]
    assert numbers(ordering="number") == [1, 2]
    assert numbers(status="approved") == [1]
    assert numbers(requesting_agency="esterly-fire") == [2]
    assert numbers(supplying_agency="esterly-fire") == [1]
    assert numbers(priority="high") == [2]
    assert numbers(ordering="-priority") == [2, 1]


def test_listing_requests_costs_the_same_for_few_or_many(
    api_as, duty, fire_duty, engines, side_of, joint_incident, django_assert_max_num_queries
):
    bring_to(engines, ResourceStatus.EN_ROUTE, side_of)
    client = api_as(fire_duty)
    with django_assert_max_num_queries(12):
        assert client.get(requests_url(joint_incident)).json()["count"] == 1
    for number in range(12):
        more = verbs.request_resources(
            joint_incident,
            actor=duty,
            supplying_agency=engines.supplying_agency,
            resource_kind=f"Kind {number}",
            quantity=1,
        )
        bring_to(more, ResourceStatus.ASSIGNED, side_of)
    with django_assert_max_num_queries(12):
        rows = client.get(requests_url(joint_incident)).json()["results"]
    assert len(rows) == 13
    assert {len(row["steps"]) for row in rows} == {3, 4}


# Another agency's people


class TestEveryResourceRequestAddress(ApiCases):
    """Northgate EMS takes no part: it finds no request; nobody signed out does."""

    intruders = ("northgate_admin",)

    @pytest.fixture
    def addresses(self, engines):
        incident = engines.incident
        personnel = {
            "supplying_agency": "esterly-fire",
            "resource_kind": "Personnel",
            "quantity": 1,
        }
        return [
            Call("get", requests_url(incident)),
            Call("get", f"{requests_url(incident)}kinds/"),
            Call("post", requests_url(incident), personnel),
            Call("get", request_url(engines)),
            Call("patch", request_url(engines), {"quantity": 9}),
            Call("post", transition_url(engines), {"status": "cancelled", "note": "Spy"}),
        ]

    @pytest.fixture
    def unchanged(self, engines):
        requests = engines.incident.resource_requests
        return lambda: list(requests.values_list("status", "quantity"))


@pytest.mark.parametrize("quantity", [0, 100_001, 99_999_999_999_999])
def test_a_quantity_beyond_any_real_ask_is_refused_by_the_verb_too(duty, joint_incident, quantity):
    with pytest.raises(Invalid) as refusal:
        verbs.request_resources(
            joint_incident,
            actor=duty,
            supplying_agency=joint_incident.participants.get(part="unified_command").agency,
            resource_kind="Engine (fire)",
            quantity=quantity,
        )

    assert (refusal.value.code, refusal.value.field) == ("invalid_quantity", "quantity")
    assert not joint_incident.resource_requests.exists()
