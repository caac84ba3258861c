"""The board: Harbor Police's analyst and Esterly Fire's analyst each see exactly the
incidents shared with them, however they filter, search, sort or page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from incidents.views import board as board_view
from tests.factories import open_incident

pytestmark = pytest.mark.django_db

BOARD = "/"


@pytest.fixture
def harbor_only(duty):
    """AMBER, led by Harbor Police and shared with nobody else."""
    return open_incident(duty, title="Gas leak at the ferry terminal", incident_type="hazmat")


@pytest.fixture
def community(duty):
    """GREEN: every agency's people may read it."""
    return open_incident(
        duty, title="Storm warning for the coast", incident_type="severe_weather", tlp="GREEN"
    )


def listed(response) -> list[str]:
    """The references on the board's current page, in order."""
    return [incident.reference for incident in response.context["page"].object_list]


def total(response) -> int:
    return response.context["page"].paginator.count


def test_each_agency_sees_exactly_what_is_shared_with_it(
    signed_in, analyst, fire_analyst, harbor_only, community
):
    harbor = signed_in(analyst).get(BOARD)
    assert harbor.status_code == 200
    assert listed(harbor) == [community.reference, harbor_only.reference]
    assert total(harbor) == 2
    assert "<strong>2</strong> incidents you may see" in harbor.content.decode()

    esterly = signed_in(fire_analyst).get(BOARD)
    assert listed(esterly) == [community.reference]
    assert total(esterly) == 1
    body = esterly.content.decode()
    assert "<strong>1</strong> incident you may see" in body
    assert harbor_only.reference not in body
    assert "Gas leak" not in body


def test_searching_never_finds_a_hidden_incident(
    signed_in, analyst, fire_analyst, harbor_only, community
):
    for text in ("ferry terminal", harbor_only.reference, "GAS LEAK"):
        esterly = signed_in(fire_analyst).get(BOARD, {"q": text})
        assert esterly.status_code == 200
        assert listed(esterly) == []
        assert total(esterly) == 0
        assert "No incidents you may see match these filters." in esterly.content.decode()

        harbor = signed_in(analyst).get(BOARD, {"q": text})
        assert listed(harbor) == [harbor_only.reference]


def test_search_reads_titles_references_and_descriptions(signed_in, analyst, duty, community):
    described = open_incident(duty, title="Pier 4", description="Diesel sheen near the marina")
    harbor = signed_in(analyst)
    assert listed(harbor.get(BOARD, {"q": "diesel"})) == [described.reference]
    assert listed(harbor.get(BOARD, {"q": community.reference})) == [community.reference]
    assert listed(harbor.get(BOARD, {"q": "  "})) == [described.reference, community.reference]


def test_filters_narrow_by_status_type_severity_marking(
    signed_in, analyst, duty, harbor_only, community
):
    severe = open_incident(duty, title="Bridge collapse", severity=5, tlp="AMBER+STRICT")
    harbor = signed_in(analyst)
    assert listed(harbor.get(BOARD, {"type": "hazmat"})) == [harbor_only.reference]
    assert listed(harbor.get(BOARD, {"severity": "4"})) == [severe.reference]
    assert listed(harbor.get(BOARD, {"tlp": "GREEN"})) == [community.reference]
    assert listed(harbor.get(BOARD, {"status": ["active", "closed"]})) == []
    assert listed(harbor.get(BOARD, {"status": ["reported"], "tlp": "AMBER+STRICT"})) == [
        severe.reference
    ]


def test_agency_filter_counts_lead_and_taking_part(
    signed_in, analyst, fire_analyst, joint_incident, harbor_only, community
):
    # Esterly Fire takes part in the warehouse fire Harbor Police leads.
    harbor = signed_in(analyst)
    assert listed(harbor.get(BOARD, {"agency": "esterly-fire"})) == [joint_incident.reference]
    assert listed(harbor.get(BOARD, {"agency": "harbor-police", "sort": "reference"})) == [
        joint_incident.reference,
        harbor_only.reference,
        community.reference,
    ]
    # "Mine" for Esterly Fire: the incident it takes part in, not the GREEN one it may read.
    esterly = signed_in(fire_analyst).get(BOARD, {"mine": "on"})
    assert listed(esterly) == [joint_incident.reference]
    assert total(signed_in(fire_analyst).get(BOARD)) == 2


def test_sorting_by_a_whitelisted_column_either_way(signed_in, analyst, duty):
    low = open_incident(duty, title="Alpha", severity=1, tlp="AMBER+STRICT")
    high = open_incident(duty, title="Bravo", severity=5, tlp="CLEAR")
    harbor = signed_in(analyst)
    assert listed(harbor.get(BOARD, {"sort": "severity"})) == [low.reference, high.reference]
    assert listed(harbor.get(BOARD, {"sort": "-severity"})) == [high.reference, low.reference]
    # Markings sort by strictness, not alphabetically.
    assert listed(harbor.get(BOARD, {"sort": "tlp"})) == [high.reference, low.reference]
    assert listed(harbor.get(BOARD, {"sort": "-title"})) == [high.reference, low.reference]
    default = harbor.get(BOARD)
    assert listed(default) == [high.reference, low.reference]  # newest change first
    body = harbor.get(BOARD, {"sort": "title", "type": "fire"}).content.decode()
    assert '<th scope="col" aria-sort="ascending">' in body
    assert 'href="?sort=-title&amp;type=fire"' in body


def test_pages_keep_the_filters(signed_in, analyst, duty, monkeypatch):
    monkeypatch.setattr(board_view, "PER_PAGE", 2)
    made = [open_incident(duty, title=f"Flood {n}", incident_type="flood") for n in range(5)]
    open_incident(duty, title="Not a flood")
    harbor = signed_in(analyst)
    first = harbor.get(BOARD, {"type": "flood", "sort": "reference"})
    assert listed(first) == [made[0].reference, made[1].reference]
    assert total(first) == 5
    body = first.content.decode()
    assert 'href="?type=flood&amp;sort=reference&amp;page=2" rel="next"' in body
    assert "Page 1 of 3" in body
    last = harbor.get(BOARD, {"type": "flood", "sort": "reference", "page": "3"})
    assert listed(last) == [made[4].reference]
    assert 'href="?type=flood&amp;sort=reference&amp;page=2" rel="prev"' in last.content.decode()
    # A page past the end shows the last page rather than failing.
    assert listed(harbor.get(BOARD, {"type": "flood", "page": "99"})) == [made[0].reference]


def test_an_invalid_filter_is_shown_beside_its_field_not_a_500(
    signed_in, analyst, harbor_only, community
):
    response = signed_in(analyst).get(
        BOARD, {"severity": "9", "agency": "no-such-agency", "sort": "password", "tlp": "GREEN"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    for field in ("severity", "agency", "sort"):
        errors = re.search(rf'<ul class="errorlist" id="id_{field}_errors" role="alert">', body)
        assert errors, field
        assert f'aria-describedby="id_{field}_errors"' in body
    assert "A filter could not be used" in body
    # The valid filter still applies; the invalid ones are left out.
    assert listed(response) == [community.reference]


def test_cards_show_the_same_incidents(signed_in, analyst, duty, harbor_only):
    exercise = open_incident(duty, title="Tabletop: tsunami", is_exercise=True)
    response = signed_in(analyst).get(BOARD, {"view": "cards", "type": "fire"})
    assert response.status_code == 200
    body = response.content.decode()
    assert listed(response) == [exercise.reference]
    assert 'class="card board-card is-exercise"' in body
    assert '<span class="exercise-tag">EXERCISE</span>' in body
    assert "<table" not in body
    assert '<input type="hidden" name="view" value="cards">' in body
    assert 'id="show-on-map" href="/map/?type=fire"' in body
    detail = reverse("incident-detail", kwargs={"incident_id": exercise.public_id})
    assert f'href="{detail}"' in body


def test_the_table_links_each_incident_and_marks_exercises(signed_in, analyst, duty):
    exercise = open_incident(duty, title="Drill", is_exercise=True, tlp="AMBER+STRICT")
    body = signed_in(analyst).get(BOARD).content.decode()
    detail = reverse("incident-detail", kwargs={"incident_id": exercise.public_id})
    assert detail == f"/incidents/{exercise.public_id}/"
    assert f'<a href="{detail}">{exercise.reference}</a>' in body
    assert '<span class="exercise-tag">EXERCISE</span>' in body
    assert '<span class="tlp tlp-amber-strict">TLP:AMBER+STRICT</span>' in body
    assert "Harbor Police" in body


def test_htmx_gets_the_results_region_only(signed_in, analyst, harbor_only):
    response = signed_in(analyst).get(BOARD, {"type": "hazmat"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<div id="board-region" class="board-region">' in body
    assert "<html" not in body
    assert harbor_only.reference in body
    assert "HX-Request" in response["Vary"]


def test_empty_board_explains_itself(signed_in, fire_analyst):
    body = signed_in(fire_analyst).get(BOARD).content.decode()
    assert "No incidents are shared with you yet." in body


def test_anonymous_is_sent_to_sign_in():
    response = Client().get(BOARD, {"type": "fire"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("layout", ["table", "cards"])
def test_queries_do_not_grow_with_rows(
    signed_in, analyst, duty, django_assert_max_num_queries, layout
):
    harbor = signed_in(analyst)
    for n in range(3):
        open_incident(duty, title=f"Few {n}")
    few = harbor.get(BOARD, {"view": layout})
    assert total(few) == 3
    with django_assert_max_num_queries(9):
        harbor.get(BOARD, {"view": layout, "agency": "harbor-police", "mine": "on"})
    for n in range(27):
        open_incident(duty, title=f"Many {n}")
    with django_assert_max_num_queries(9):
        many = harbor.get(BOARD, {"view": layout, "agency": "harbor-police", "mine": "on"})
    assert total(many) == 30
