"""Opening an incident from the portal: Harbor Police's duty officer drops a point on the
map, sees who answers for the ground there, and opens the incident once."""

import pytest
from django.test import Client
from django.urls import reverse

from agencies import services as agency_services
from coordination.errors import Invalid
from incidents.models import Incident, Participant
from incidents.views import create as create_view
from tests.factories import city_of_port_calder, member_of, platform_operator

pytestmark = pytest.mark.django_db

CREATE = "/incidents/new/"
WHERE = "/incidents/new/where/"
INSIDE_PORT_CALDER = {"latitude": "46.0", "longitude": "-123.93"}


def form_data(**changes) -> dict:
    data = {
        "title": "Container fire at the port",
        "incident_type": "fire",
        "severity": "4",
        "tlp": "AMBER",
        "description": "Smoke over berth 3.",
        "latitude": "46.0182",
        "longitude": "-123.9051",
        "form_key": "7d4f2a52-1b0e-4c55-9d1c-0f1e2a3b4c5d",
    }
    return {**data, **changes}


@pytest.fixture
def port_calder(agency, other_agency):
    """The City of Port Calder: Harbor Police answers for it, Esterly Fire supports."""
    city = city_of_port_calder()
    agency_services.assign_responsibility(agency, city, "primary", actor=platform_operator())
    agency_services.assign_responsibility(
        other_agency, city, "supporting", actor=platform_operator()
    )
    return city


@pytest.fixture
def two_hats(agency, other_agency):
    """A duty officer for both Harbor Police and Esterly Fire."""
    person = member_of(agency, "duty_officer", username="two.hats")
    agency_services.add_member(
        other_agency,
        user=person,
        role=other_agency.roles.get(slug="duty_officer"),
        actor=platform_operator(),
    )
    return person


def test_the_form_renders_with_amber_by_default(signed_in, duty):
    response = signed_in(duty).get(CREATE)
    assert response.status_code == 200
    body = response.content.decode()
    assert '<option value="AMBER" selected>TLP:AMBER</option>' in body
    assert 'name="form_key"' in body
    assert 'data-map-pick="id_latitude,id_longitude"' in body
    assert 'hx-get="/incidents/new/where/"' in body
    # One agency to act for: it leads, no need to ask.
    assert 'name="lead_agency"' not in body


def test_a_duty_officer_opens_an_incident(signed_in, duty, agency, port_calder):
    client = signed_in(duty)
    response = client.post(CREATE, form_data(is_exercise="on"))
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.public_id}/"
    assert incident.title == "Container fire at the port"
    assert incident.incident_type == "fire"
    assert incident.severity == 4
    assert incident.tlp == "AMBER"
    assert incident.description == "Smoke over berth 3."
    assert incident.is_exercise is True
    assert incident.lead_agency == agency
    assert incident.created_by == duty
    assert incident.location == {"type": "Point", "coordinates": [-123.9051, 46.0182]}
    # The verb routed it: Esterly Fire answers for Port Calder too and is proposed.
    assert list(
        Participant.objects.filter(incident=incident).values_list("agency__slug", "status")
    ) == [("harbor-police", "active"), ("esterly-fire", "proposed")]
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [f"Opened {incident.reference}: Container fire at the port."]


def test_errors_are_shown_beside_their_fields(signed_in, duty):
    response = signed_in(duty).post(
        CREATE, form_data(title="", severity="7", latitude="95", longitude="east")
    )
    assert response.status_code == 422
    body = response.content.decode()
    for field in ("title", "severity", "latitude", "longitude"):
        assert f'<ul class="errorlist" id="id_{field}_errors" role="alert">' in body, field
        assert f'aria-describedby="id_{field}_errors' in body
    assert "Ensure this value is less than or equal to 90." in body
    assert 'value="Smoke over berth 3.' not in body  # a textarea keeps it as content
    assert "Smoke over berth 3." in body
    assert Incident.objects.count() == 0


def test_a_verbs_refusal_is_shown_beside_the_field(signed_in, duty, monkeypatch):
    def refuse(**kwargs):
        raise Invalid("invalid_location", "The point lies outside every map.", field="location")

    monkeypatch.setattr(create_view, "open_incident", refuse)
    response = signed_in(duty).post(CREATE, form_data())
    assert response.status_code == 422
    body = response.content.decode()
    assert '<ul class="errorlist" id="id_latitude_errors" role="alert">' in body
    assert "<li>The point lies outside every map.</li>" in body


def test_acting_for_two_agencies_means_naming_the_lead(signed_in, two_hats, other_agency):
    client = signed_in(two_hats)
    body = client.get(CREATE).content.decode()
    assert '<option value="esterly-fire">Esterly Fire</option>' in body
    assert '<option value="harbor-police">Harbor Police</option>' in body

    missing = client.post(CREATE, form_data())
    assert missing.status_code == 422
    assert 'id="id_lead_agency_errors"' in missing.content.decode()
    assert Incident.objects.count() == 0

    chosen = client.post(CREATE, form_data(lead_agency="esterly-fire", form_key="second-try"))
    assert chosen.status_code == 302
    assert Incident.objects.get().lead_agency == other_agency


def test_a_double_submit_opens_one_incident(signed_in, duty):
    client = signed_in(duty)
    first = client.post(CREATE, form_data())
    second = client.post(CREATE, form_data())
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1


def test_people_who_may_not_contribute_get_403(signed_in, agency):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    client = signed_in(viewer)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, form_data()).status_code == 403
    assert client.get(WHERE, INSIDE_PORT_CALDER).status_code == 403
    assert Incident.objects.count() == 0


@pytest.mark.parametrize(("method", "url"), [("get", CREATE), ("post", CREATE), ("get", WHERE)])
def test_anonymous_is_sent_to_sign_in(method, url):
    response = getattr(Client(), method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert Incident.objects.count() == 0


def test_csrf_is_enforced(signed_in, duty):
    response = signed_in(duty, enforce_csrf_checks=True).post(CREATE, form_data())
    assert response.status_code == 403
    assert Incident.objects.count() == 0


def test_where_names_the_jurisdiction_and_its_agencies(signed_in, duty, port_calder):
    response = signed_in(duty).get(WHERE, INSIDE_PORT_CALDER, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<strong>City of Port Calder</strong>" in body
    assert '<li>Harbor Police <span class="muted">(primary)</span></li>' in body
    assert '<li>Esterly Fire <span class="muted">(supporting)</span></li>' in body
    assert "<html" not in body


def test_where_outside_every_jurisdiction(signed_in, duty, port_calder):
    response = signed_in(duty).get(WHERE, {"latitude": "10", "longitude": "10"})
    assert response.status_code == 200
    assert "This point lies in no jurisdiction known to Concord" in response.content.decode()
    assert "City of Port Calder" not in response.content.decode()


def test_where_before_a_point_and_with_a_bad_one(signed_in, duty):
    client = signed_in(duty)
    empty = client.get(WHERE, {"latitude": "", "longitude": ""})
    assert empty.status_code == 200
    assert "Enter a latitude and longitude, or click the map" in empty.content.decode()
    bad = client.get(WHERE, {"latitude": "91", "longitude": "-123.9"})
    assert bad.status_code == 422
    assert "Latitude: Ensure this value is less than or equal to 90." in bad.content.decode()


def test_a_rerendered_form_still_says_where_the_point_lies(signed_in, duty, port_calder):
    response = signed_in(duty).post(CREATE, form_data(title="", **INSIDE_PORT_CALDER))
    assert response.status_code == 422
    assert "<strong>City of Port Calder</strong>" in response.content.decode()
