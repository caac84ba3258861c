"""No filter, ordering, search or page of the incident list tells a caller anything about
incidents it may not see.

The oracle is the caller's own view of the world before the hidden incidents existed:
every query is asked once before they are opened and once after, and must get the same
answer, byte for byte. Hidden incidents carry the extreme values (highest and lowest
severity, newest and oldest, first and last title, their own agency, type, place and
words), so any query that counted, sorted or matched them before narrowing to what the
caller may see would answer differently.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.models import Incident
from incidents.services import incidents as incident_services
from incidents.services import sharing as sharing_services
from sharing.access import Access
from tests.factories import AgencyFactory, agreement_between, issue_client, member_of, open_incident
from tests.incidents.matrix import INCIDENTS, leaked

HIDDEN_WORD = "Wrenfield"
FAR_AWAY = {"type": "Point", "coordinates": [151.2, -33.9]}


@pytest.fixture
def people(agency, other_agency, admin, other_admin):
    agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)
    return {
        "harbor_duty": member_of(agency, "duty_officer", username="harbor-police.duty_officer"),
        "fire_duty": member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer"),
        "fire_analyst": member_of(other_agency, "analyst", username="esterly-fire.analyst"),
    }


@pytest.fixture
def visible(people, other_agency):
    """Four incidents an Esterly Fire analyst may see, with distinct severities and
    statuses so that every ordering has one right answer."""
    harbor, fire = people["harbor_duty"], people["fire_duty"]
    first = open_incident(harbor, title="Road closure on Front Street", tlp="GREEN", severity=1)
    second = open_incident(harbor, title="Flooded underpass", tlp="GREEN", severity=2)
    third = open_incident(harbor, title="Dock fire", severity=3, incident_type="fire")
    sharing_services.share_incident(third, actor=harbor, agency=other_agency, level=Access.VIEW)
    fourth = open_incident(fire, title="Brush fire on Hill Road", severity=4)
    incident_services.change_status(second, "active", actor=harbor, reason="Pumps on site")
    for to in ("active", "contained"):
        incident_services.change_status(third, to, actor=harbor, reason="Crews at work")
    for to in ("active", "contained", "closed"):
        incident_services.change_status(fourth, to, actor=fire, reason="Line held")
    return [first, second, third, fourth]


def open_hidden(people, agency):
    """Incidents the Esterly Fire analyst may not see, holding every extreme value."""
    harbor = people["harbor_duty"]
    northgate = AgencyFactory(name="Northgate Water Authority", slug="northgate-water")
    northgate_duty = member_of(northgate, "duty_officer")
    hidden = [
        open_incident(
            harbor,
            title=f"AAA {HIDDEN_WORD} informant meeting",
            description=f"{HIDDEN_WORD} cyber intrusion",
            incident_type="cyber",
            severity=5,
            location=FAR_AWAY,
            is_exercise=True,
        ),
        open_incident(harbor, title=f"zzz {HIDDEN_WORD} undercover", tlp="RED", severity=1),
        open_incident(
            northgate_duty, title=f"Northgate {HIDDEN_WORD} main burst", severity=5, tlp="AMBER"
        ),
        open_incident(harbor, title=f"{HIDDEN_WORD} strict", tlp="AMBER+STRICT", severity=5),
    ]
    # One of them the oldest of all, so ascending orderings meet a hidden row first.
    long_ago = timezone.now() - timedelta(days=3650)
    Incident.objects.filter(pk=hidden[0].pk).update(created_at=long_ago, updated_at=long_ago)
    for incident in hidden[1:]:
        incident_services.change_status(incident, "active", actor=incident.created_by, reason="Go")
    return hidden


@pytest.fixture(params=["session", "api_client"])
def caller(request, people, other_agency):
    """An Esterly Fire analyst: a person signed in, or an API client in that role."""
    client = APIClient()
    if request.param == "session":
        client.force_login(people["fire_analyst"])
    else:
        _, token = issue_client(other_agency, "analyst", scopes=("read",))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


ORDERINGS = [
    "severity",
    "-severity",
    "updated_at",
    "-updated_at",
    "created_at",
    "-created_at",
    "reference",
    "-reference",
    "title",
    "-title",
    "status",
    "-status",
]
NOT_ORDERABLE = [
    "lead_agency__name",
    "-lead_agency__name",
    "created_by__password",
    "-created_by__password",
    "lead_agency__incidentshare__agency__slug",
    "tlp",
    "description",
    "id",
    "-id",
]


def queries(before_hidden):
    """What a curious caller might ask."""
    return [
        {},
        *({"ordering": field} for field in ORDERINGS),
        *({"ordering": field} for field in NOT_ORDERABLE),
        {"ordering": "severity,created_by__password"},
        {"search": HIDDEN_WORD},
        {"search": HIDDEN_WORD.lower()},
        {"search": "cyber intrusion"},
        {"search": "fire"},
        {"search": "INC-"},
        {"agency": "harbor-police"},
        {"agency": "esterly-fire"},
        {"agency": "northgate-water"},
        {"agency": "no-such-agency"},
        {"tlp": "RED"},
        {"tlp": "AMBER+STRICT"},
        {"tlp": "AMBER"},
        {"type": "cyber"},
        {"severity_min": 5},
        {"severity_max": 1},
        {"exercise": "true"},
        {"near": "151.2,-33.9,50"},
        {"bbox": "150,-35,152,-33"},
        {"status": "active"},
        {"updated_since": before_hidden.isoformat()},
        {"created_before": before_hidden.isoformat()},
        {"page_size": 2},
        {"page_size": 2, "page": 2},
        {"page_size": 2, "page": 3},
        {"page_size": 3, "ordering": "-severity", "page": 2},
    ]


def answers(client, asked):
    return [(query, *_answer(client.get(INCIDENTS, query))) for query in asked]


def _answer(response):
    return response.status_code, response.json()


def ids(response_body):
    return [row["id"] for row in response_body["results"]]


def test_hidden_incidents_change_no_answer_to_any_query(caller, people, agency, visible):
    # Given the answers before anything hidden exists
    before_hidden = timezone.now()
    asked = queries(before_hidden)
    before = answers(caller, asked)
    assert before[0][2]["count"] == 4

    # When incidents the caller may not see are opened, with every extreme value
    hidden = open_hidden(people, agency)

    # Then every query gets the same answer as before
    after = answers(caller, asked)
    changed = [
        f"{query}: {was_status} {was} -> {now_status} {now}"
        for (query, was_status, was), (_, now_status, now) in zip(before, after, strict=True)
        if (was_status, was) != (now_status, now)
    ]
    assert changed == [], "\n".join(changed)
    for incident in hidden:
        assert incident.title not in str(after)
        assert incident.reference not in str(after)
        assert str(incident.public_id) not in str(after)


def test_searching_for_a_hidden_reference_is_like_searching_for_nothing(caller, people, agency):
    hidden = open_hidden(people, agency)
    nothing = caller.get(INCIDENTS, {"search": "INC-1999-424242"})
    assert nothing.status_code == 200
    assert nothing.json()["count"] == 0
    for incident in hidden:
        for text in (incident.reference, incident.title, str(incident.public_id)):
            response = caller.get(INCIDENTS, {"search": text})
            assert response.json() == nothing.json(), text
    assert caller.get(INCIDENTS, {"agency": "northgate-water"}).json() == (
        caller.get(INCIDENTS, {"agency": "no-such-agency"}).json()
    )


def test_orderings_give_the_visible_incidents_in_the_right_order(caller, people, agency, visible):
    open_hidden(people, agency)
    by_title = {incident.title: str(incident.public_id) for incident in visible}
    severity_order = [str(incident.public_id) for incident in visible]
    assert ids(caller.get(INCIDENTS, {"ordering": "severity"}).json()) == severity_order
    assert ids(caller.get(INCIDENTS, {"ordering": "-severity"}).json()) == severity_order[::-1]
    assert ids(caller.get(INCIDENTS, {"ordering": "reference"}).json()) == severity_order
    assert ids(caller.get(INCIDENTS, {"ordering": "title"}).json()) == [
        by_title[title] for title in sorted(by_title)
    ]


def test_an_unknown_ordering_falls_back_to_the_default_and_shows_nothing_hidden(
    caller, people, agency, visible
):
    open_hidden(people, agency)
    default = caller.get(INCIDENTS).json()
    assert default["count"] == 4
    for field in NOT_ORDERABLE:
        response = caller.get(INCIDENTS, {"ordering": field})
        assert (response.status_code, response.json()) == (200, default), field


def test_pages_count_only_what_the_caller_may_see(caller, people, agency, visible):
    hidden = open_hidden(people, agency)
    first = caller.get(INCIDENTS, {"page_size": 2}).json()
    assert first["count"] == 4
    pages, seen, body = 1, ids(first), first
    while body["next"]:
        body = caller.get(body["next"]).json()
        pages += 1
        seen += ids(body)
    assert pages == 2
    assert sorted(seen) == sorted(str(incident.public_id) for incident in visible)
    beyond = caller.get(INCIDENTS, {"page_size": 2, "page": 3})
    assert beyond.status_code == 404
    for incident in hidden:
        assert leaked(beyond, (incident.title, incident.reference), path=INCIDENTS) == []


UNKNOWN_PARAMETERS = [
    {"lead_agency__slug": "northgate-water"},
    {"lead_agency": "1"},
    {"title__icontains": HIDDEN_WORD},
    {"reference": "INC-2026-000001"},
    {"created_by": "1"},
    {"tlp__in": "RED"},
    {"search_fields": "title"},
    {"shares__agency__slug": "esterly-fire"},
]


def test_unknown_query_parameters_are_refused(caller, people, agency, problem):
    open_hidden(people, agency)
    for query in UNKNOWN_PARAMETERS:
        body = problem(caller.get(INCIDENTS, query), 400, "invalid")
        assert list(body["errors"]) == list(query)
        assert HIDDEN_WORD not in str(body)
