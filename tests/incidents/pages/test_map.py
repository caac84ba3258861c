"""The map: the board's incidents and filters on Leaflet, fed by GeoJSON that the sharing
policy has cut first, plus the jurisdictions' outlines, all listed as text too."""

import pytest
from django.test import Client
from django.urls import reverse

from incidents.views import incident_map
from tests.factories import city_of_port_calder, open_incident

pytestmark = pytest.mark.django_db

MAP = "/map/"
INCIDENTS = "/map/incidents.geojson"
JURISDICTIONS_URL = "/map/jurisdictions.geojson"


@pytest.fixture
def harbor_only(duty):
    """AMBER, led by Harbor Police and shared with nobody else."""
    return open_incident(
        duty,
        title="Gas leak at the ferry terminal",
        incident_type="hazmat",
        location={"type": "Point", "coordinates": [-123.93, 46.0]},
    )


@pytest.fixture
def community(duty):
    return open_incident(duty, title="Storm warning", incident_type="severe_weather", tlp="GREEN")


def references(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    return [feature["properties"]["reference"] for feature in response.json()["features"]]


def test_the_geojson_holds_only_visible_incidents(
    signed_in, analyst, fire_analyst, harbor_only, community
):
    assert references(signed_in(analyst).get(INCIDENTS)) == [
        community.reference,
        harbor_only.reference,
    ]
    assert references(signed_in(fire_analyst).get(INCIDENTS)) == [community.reference]
    # However it is asked for.
    esterly = signed_in(fire_analyst)
    for query in ({"q": "ferry"}, {"type": "hazmat"}, {"tlp": "AMBER"}):
        assert references(esterly.get(INCIDENTS, query)) == []
    assert references(esterly.get(INCIDENTS, {"agency": "harbor-police"})) == [community.reference]


def test_a_feature_carries_what_the_popup_shows(signed_in, analyst, harbor_only):
    (feature,) = signed_in(analyst).get(INCIDENTS).json()["features"]
    assert feature == {
        "type": "Feature",
        "id": str(harbor_only.public_id),
        "geometry": {"type": "Point", "coordinates": [-123.93, 46.0]},
        "properties": {
            "reference": harbor_only.reference,
            "title": "Gas leak at the ferry terminal",
            "tlp": "AMBER",
            "status": "Reported",
            "severity": 3,
            "exercise": False,
            "url": reverse("incident-detail", kwargs={"incident_id": harbor_only.public_id}),
        },
    }


def test_the_map_takes_the_boards_filters(signed_in, analyst, duty, harbor_only, community):
    severe = open_incident(duty, title="Bridge collapse", severity=5)
    harbor = signed_in(analyst)
    assert references(harbor.get(INCIDENTS, {"type": "hazmat"})) == [harbor_only.reference]
    assert references(harbor.get(INCIDENTS, {"severity": "5"})) == [severe.reference]
    assert references(harbor.get(INCIDENTS, {"tlp": "GREEN", "q": "storm"})) == [
        community.reference
    ]

    page = harbor.get(MAP, {"type": "hazmat", "sort": "title"})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-map-geojson-url="/map/jurisdictions.geojson ' in body
    assert "/map/incidents.geojson?type=hazmat&amp;sort=title" in body
    assert 'id="show-on-board" href="/?type=hazmat&amp;sort=title"' in body
    assert [incident["reference"] for incident in page.context["shown"]] == [harbor_only.reference]
    # The board links back with the same query string.
    board = harbor.get("/", {"type": "hazmat", "view": "cards", "page": "1"}).content.decode()
    assert 'id="show-on-map" href="/map/?type=hazmat"' in board


def test_the_page_lists_as_text_what_the_map_draws(
    signed_in, analyst, fire_analyst, harbor_only, community
):
    city_of_port_calder()
    body = signed_in(analyst).get(MAP).content.decode()
    detail = reverse("incident-detail", kwargs={"incident_id": harbor_only.public_id})
    assert f'<a href="{detail}">{harbor_only.reference}</a>' in body
    assert "46.0000, -123.9300" in body
    assert "City of Port Calder" in body
    assert "<strong>2</strong> incidents, and 1 jurisdiction boundary." in body
    assert 'data-map-label="Map of the incidents and jurisdiction boundaries listed below"' in body
    assert 'data-tile-url=""' in body

    hidden_from = signed_in(fire_analyst).get(MAP).content.decode()
    assert harbor_only.reference not in hidden_from
    assert "Gas leak" not in hidden_from


def test_the_map_says_when_it_shows_only_the_newest(signed_in, analyst, duty, monkeypatch):
    monkeypatch.setattr(incident_map, "MAP_LIMIT", 2)
    made = [open_incident(duty, title=f"Flood {n}") for n in range(3)]
    harbor = signed_in(analyst)
    page = harbor.get(MAP)
    assert "Showing the 2 most recently changed of <strong>3</strong>" in page.content.decode()
    assert references(harbor.get(INCIDENTS)) == [made[2].reference, made[1].reference]


def test_tiles_come_from_the_setting(signed_in, analyst, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    body = signed_in(analyst).get(MAP).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in body


def test_an_invalid_filter_is_shown_on_the_map_page_too(signed_in, analyst, harbor_only):
    response = signed_in(analyst).get(MAP, {"severity": "eleven"})
    assert response.status_code == 422
    assert 'id="id_severity_errors"' in response.content.decode()
    # The GeoJSON leaves the bad filter out rather than failing.
    assert references(signed_in(analyst).get(INCIDENTS, {"severity": "eleven"})) == [
        harbor_only.reference
    ]


def test_jurisdictions_are_outlined_with_their_names(signed_in, analyst):
    city = city_of_port_calder()
    response = signed_in(analyst).get(JURISDICTIONS_URL)
    assert response.status_code == 200
    (feature,) = response.json()["features"]
    assert feature["id"] == "port-calder"
    assert feature["geometry"] == city.boundary
    assert feature["properties"] == {"name": "City of Port Calder", "level": "Municipal"}


@pytest.mark.parametrize("url", [MAP, INCIDENTS, JURISDICTIONS_URL])
def test_anonymous_is_sent_to_sign_in(url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_queries_do_not_grow_with_incidents(
    signed_in, analyst, duty, django_assert_max_num_queries
):
    harbor = signed_in(analyst)
    for n in range(3):
        open_incident(duty, title=f"Few {n}")
    with django_assert_max_num_queries(9):
        assert harbor.get(MAP).status_code == 200
    with django_assert_max_num_queries(4):
        assert len(references(harbor.get(INCIDENTS))) == 3
    for n in range(27):
        open_incident(duty, title=f"Many {n}")
    with django_assert_max_num_queries(9):
        assert harbor.get(MAP).status_code == 200
    with django_assert_max_num_queries(4):
        assert len(references(harbor.get(INCIDENTS))) == 30
