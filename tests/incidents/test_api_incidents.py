"""The incident API as its users meet it: open, read, change, move along, share."""

import pytest

from incidents.models import Incident
from ledger.models import AuditRecord
from tests.factories import POINT, agreement_between, issue_client, open_incident

INCIDENTS = "/api/v1/incidents/"


def new_incident(**fields):
    return {
        "title": "Warehouse fire on Dock Street",
        "type": "fire",
        "severity": 3,
        "location": POINT,
        "tlp": "AMBER",
        **fields,
    }


def test_a_duty_officer_opens_an_incident_led_by_their_agency(api_as, duty):
    response = api_as(duty).post(INCIDENTS, new_incident())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("INC-")
    assert len(body["reference"]) == len("INC-2026-000001")
    assert body["lead_agency"] == "harbor-police"
    assert body["status"] == "reported"
    assert body["permissions"] == ["view", "contribute", "command", "share"]
    assert body["allowed_statuses"] == ["active"]
    assert body["status_history"][0]["to_status"] == "reported"


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("tlp", "PURPLE", "invalid"),
        ("severity", 6, "invalid"),
        ("severity", 0, "invalid"),
        ("type", "alien_invasion", "invalid"),
        ("location", {"type": "Point", "coordinates": [200, 0]}, "invalid_location"),
        ("location", {"type": "Polygon", "coordinates": []}, "invalid_location"),
        ("affected_area", BOWTIE, "invalid_area"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(api_as, duty, problem, field, value, code):
    body = problem(api_as(duty).post(INCIDENTS, new_incident(**{field: value})), 400, code)
    assert field in body["errors"]
    assert not Incident.objects.exists()


def test_someone_with_no_role_cannot_open_incidents(api_as, outsider, problem):
    problem(api_as(outsider).post(INCIDENTS, new_incident()), 403, "not_a_member")


def test_another_agency_cannot_see_an_amber_incident_anywhere(api_as, duty, fire_analyst, problem):
    incident = open_incident(duty, title="Secret dock fire")
    other = api_as(fire_analyst)
    listing = other.get(INCIDENTS)
    assert listing.json()["count"] == 0
    assert b"Secret dock fire" not in listing.content
    assert other.get(INCIDENTS, {"search": "Secret"}).json()["count"] == 0
    assert other.get(INCIDENTS, {"search": incident.reference}).json()["count"] == 0
    detail = f"{INCIDENTS}{incident.public_id}/"
    problem(other.get(detail), 404, "not_found")
    problem(other.patch(detail, {"title": "x"}), 404, "not_found")
    problem(other.post(f"{detail}status/", {"status": "active", "reason": "x"}), 404, "not_found")
    problem(other.get(f"{detail}shares/"), 404, "not_found")
    problem(other.post(f"{detail}shares/", {"agency": "esterly-fire"}), 404, "not_found")


def test_a_visible_incident_refuses_what_the_role_may_not_do_with_403(
    api_as, duty, analyst, problem
):
    incident = open_incident(duty)
    detail = f"{INCIDENTS}{incident.public_id}/"
    assert api_as(analyst).get(detail).json()["permissions"] == ["view", "contribute"]
    problem(api_as(analyst).patch(detail, {"title": "x"}), 403, "not_permitted")
    problem(
        api_as(analyst).post(f"{detail}status/", {"status": "active", "reason": "x"}),
        403,
        "not_permitted",
    )


def test_status_moves_along_the_lifecycle_and_refuses_jumps(api_as, duty, problem):
    incident = open_incident(duty)
    url = f"{INCIDENTS}{incident.public_id}/status/"
    client = api_as(duty)
    body = problem(
        client.post(url, {"status": "closed", "reason": "done"}), 409, "invalid_transition"
    )
    assert body["detail"] == "An incident that is reported can go to active, not closed."
    blank = problem(client.post(url, {"status": "active", "reason": " "}), 400, "invalid")
    assert list(blank["errors"]) == ["reason"]
    for to in ("active", "contained", "closed", "active"):
        response = client.post(url, {"status": to, "reason": f"now {to}"})
        assert response.status_code == 200, response.content
    history = response.json()["status_history"]
    assert [step["to_status"] for step in history] == [
        "reported",
        "active",
        "contained",
        "closed",
        "active",
    ]
    assert history[-1]["changed_by"] == "harbor-police.duty_officer"


def test_sharing_through_the_api_needs_an_agreement_and_then_reaches_the_other_side(
    api_as, duty, fire_analyst, agency, other_agency, admin, other_admin, problem
):
    incident = open_incident(duty, title="Dock fire")
    url = f"{INCIDENTS}{incident.public_id}/shares/"
    refused = problem(api_as(duty).post(url, {"agency": "esterly-fire"}), 409, "agreement_missing")
    assert refused["agency"] == "esterly-fire"
    agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)

    shared = api_as(duty).post(url, {"agency": "esterly-fire", "level": "contribute"})
    assert shared.status_code == 201, shared.content
    [share] = [s for s in shared.json()["agencies"] if s["agency"] == "esterly-fire"]
    assert share["level"] == "contribute"
    assert share["kind"] == "agreement"
    assert api_as(fire_analyst).get(INCIDENTS).json()["count"] == 1

    revoked = api_as(duty).delete(f"{url}{share['id']}/")
    assert revoked.status_code == 204
    assert api_as(fire_analyst).get(INCIDENTS).json()["count"] == 0
    problem(api_as(duty).delete(f"{url}{share['id']}/"), 404, "grant_not_found")


def test_a_share_naming_a_role_the_agency_lacks_is_refused(
    api_as, duty, agency, other_agency, admin, other_admin, problem
):
    agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)
    incident = open_incident(duty)
    url = f"{INCIDENTS}{incident.public_id}/shares/"
    body = problem(
        api_as(duty).post(url, {"agency": "esterly-fire", "roles": ["captain"]}),
        400,
        "role_not_in_agency",
    )
    assert body["errors"] == {"roles": ["Esterly Fire has no role captain."]}
    assert incident.shares.count() == 1


def test_red_is_shared_with_named_people_only(api_as, duty, analyst, problem):
    incident = open_incident(duty, tlp="RED", title="Informant")
    url = f"{INCIDENTS}{incident.public_id}/shares/"
    assert api_as(analyst).get(INCIDENTS).json()["count"] == 0
    response = api_as(duty).post(url, {"person": "harbor-police.analyst"})
    assert response.status_code == 201, response.content
    assert {
        "person": "harbor-police.analyst",
        "level": "view",
        "agreement": None,
    } in response.json()["people"]
    assert api_as(analyst).get(INCIDENTS).json()["count"] == 1
    assert api_as(duty).delete(f"{url}people/harbor-police.analyst/").status_code == 204
    assert api_as(analyst).get(INCIDENTS).json()["count"] == 0
    problem(api_as(duty).delete(f"{url}people/harbor-police.analyst/"), 404, "grant_not_found")


def test_every_detail_view_of_amber_is_audited_but_green_is_not(api_as, duty, analyst):
    amber = open_incident(duty, tlp="AMBER")
    green = open_incident(duty, tlp="GREEN")
    api_as(analyst).get(f"{INCIDENTS}{amber.public_id}/")
    api_as(analyst).get(f"{INCIDENTS}{green.public_id}/")
    views = AuditRecord.objects.filter(action="viewed")
    assert list(views.values_list("target_id", "actor_label")) == [
        (str(amber.public_id), "harbor-police.analyst")
    ]


def test_filters_narrow_only_what_is_visible(api_as, duty, fire_analyst):
    open_incident(duty, title="Dock fire", severity=4, tlp="GREEN")
    open_incident(duty, title="Hidden chlorine leak", incident_type="hazmat", severity=5)
    client = api_as(fire_analyst)
    assert client.get(INCIDENTS, {"severity_min": 4}).json()["count"] == 1
    assert client.get(INCIDENTS, {"type": "hazmat"}).json()["count"] == 0
    assert client.get(INCIDENTS, {"agency": "harbor-police"}).json()["count"] == 1
    near = client.get(INCIDENTS, {"near": "-123.9,46.02,5"}).json()
    assert [i["title"] for i in near["results"]] == ["Dock fire"]
    assert client.get(INCIDENTS, {"near": "-100,40,5"}).json()["count"] == 0
    assert client.get(INCIDENTS, {"bbox": "-124,46,-123.8,46.1"}).json()["count"] == 1


@pytest.mark.parametrize(
    "query",
    [{"near": "1,2"}, {"near": "a,b,c"}, {"bbox": "5,5,1,1"}, {"tlp": "PURPLE"}, {"id": "1"}],
)
def test_bad_filters_are_400(api_as, duty, problem, query):
    problem(api_as(duty).get(INCIDENTS, query), 400, "invalid")


def test_an_api_client_reads_what_its_role_sees(api_with_token, duty, agency):
    open_incident(duty, title="Dock fire")
    _, token = issue_client(agency, "viewer", scopes=["read"])
    response = api_with_token(token).get(INCIDENTS)
    assert [i["title"] for i in response.json()["results"]] == ["Dock fire"]


def test_listing_costs_the_same_whatever_the_page_size(api_as, duty, django_assert_max_num_queries):
    for number in range(12):
        open_incident(duty, title=f"Incident {number}")
    client = api_as(duty)
    with django_assert_max_num_queries(5):
        assert len(client.get(INCIDENTS, {"page_size": 3}).json()["results"]) == 3
    with django_assert_max_num_queries(5):
        assert len(client.get(INCIDENTS, {"page_size": 12}).json()["results"]) == 12


def test_a_detail_view_costs_a_fixed_number_of_queries(api_as, duty, django_assert_max_num_queries):
    incident = open_incident(duty, tlp="GREEN")
    client = api_as(duty)
    for reason in ("go", "hold"):
        client.post(
            f"{INCIDENTS}{incident.public_id}/status/", {"status": "active", "reason": reason}
        )
    with django_assert_max_num_queries(8):
        response = client.get(f"{INCIDENTS}{incident.public_id}/")
    assert len(response.json()["status_history"]) == 2
