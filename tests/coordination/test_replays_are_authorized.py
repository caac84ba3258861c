"""A retried request is answered only for a caller who may still make it, and a secret
shown once is never stored to be shown again.

Told from the attacker's side: a token revoked or expired after its first request, a
person whose membership was deactivated, an admin since demoted. Each repeats a POST
that once succeeded, with the same Idempotency-Key, hoping for the stored answer.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from agencies import services as agency_services
from agencies.models import ApiClient
from coordination.models import IdempotentRequest
from incidents.models import Incident, TimelineEntry
from tests.factories import POINT, issue_client, member_of, open_incident, platform_operator

INCIDENTS = "/api/v1/incidents/"
API_CLIENTS = "/api/v1/api-clients/"
NEW_INCIDENT = {
    "title": "Tanker rollover on Route 26",
    "type": "hazmat",
    "severity": 4,
    "location": POINT,
}
NOTE = {"kind": "note", "text": "Hydrant 12 dry"}


def post(client, path, body, key="retry-1"):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def timeline_of(incident) -> str:
    return f"{INCIDENTS}{incident.public_id}/timeline/"


@pytest.fixture
def incident(duty):
    return open_incident(duty, title="Warehouse fire on Dock Street")


def not_replayed(response):
    assert not response.has_header("Idempotent-Replayed")


def test_a_revoked_token_gets_401_not_the_incident_it_created(api_with_token, problem, agency):
    client, token = issue_client(agency, "duty_officer")
    partner = api_with_token(token)
    assert post(partner, INCIDENTS, NEW_INCIDENT).status_code == 201

    agency_services.revoke_api_client(client, actor=platform_operator())
    retry = post(partner, INCIDENTS, NEW_INCIDENT)

    body = problem(retry, 401, "invalid_token")
    not_replayed(retry)
    assert NEW_INCIDENT["title"] not in retry.content.decode()
    assert "reference" not in body
    assert Incident.objects.count() == 1


def test_an_expired_token_gets_401_not_the_entry_it_posted(
    api_with_token, problem, agency, incident
):
    client, token = issue_client(agency, "analyst")
    partner = api_with_token(token)
    assert post(partner, timeline_of(incident), NOTE).status_code == 201

    ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    retry = post(partner, timeline_of(incident), NOTE)

    problem(retry, 401, "invalid_token")
    not_replayed(retry)
    assert "Hydrant 12 dry" not in retry.content.decode()
    assert TimelineEntry.objects.filter(text="Hydrant 12 dry").count() == 1


def test_a_deactivated_member_gets_404_from_the_api_and_the_page(api_as, problem, agency, incident):
    analyst = member_of(agency, "analyst", username="harbor-police.night_analyst")
    api = api_as(analyst)
    page = Client()
    page.force_login(analyst)
    page_url = f"/incidents/{incident.public_id}/timeline/entries/"
    form = {**NOTE, "tlp": "AMBER", "form_key": "once"}
    assert post(api, timeline_of(incident), NOTE).status_code == 201
    assert page.post(page_url, form, HTTP_HX_REQUEST="true").status_code == 200

    agency_services.deactivate_member(analyst.memberships.get(), actor=platform_operator())
    api_retry = post(api, timeline_of(incident), NOTE)
    page_retry = page.post(page_url, form, HTTP_HX_REQUEST="true")

    problem(api_retry, 404, "not_found")
    assert page_retry.status_code == 404
    for retry in (api_retry, page_retry):
        not_replayed(retry)
        assert "Hydrant 12 dry" not in retry.content.decode()
        assert incident.title not in retry.content.decode()
    assert TimelineEntry.objects.filter(text="Hydrant 12 dry").count() == 2


@pytest.fixture
def issued(api_as, admin):
    """Harbor Police's admin issues a CAD bridge with an Idempotency-Key."""
    client = api_as(admin)
    request = {
        "agency": "harbor-police",
        "name": "CAD bridge",
        "role": "duty_officer",
        "scopes": ["read", "write"],
    }
    first = post(client, API_CLIENTS, request)
    assert first.status_code == 201, first.content
    return client, request, first.json()


def test_a_new_token_is_never_stored_nor_shown_again(issued, problem):
    admin, request, first = issued
    token = first["token"]

    retry = post(admin, API_CLIENTS, request)

    body = problem(retry, 409, "secret_already_shown")
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["Location"] == f"{API_CLIENTS}{first['id']}/"
    assert "CAD bridge" in body["detail"]
    assert token not in retry.content.decode()
    assert token[:12] not in retry.content.decode()
    stored = IdempotentRequest.objects.get()
    assert token not in bytes(stored.body).decode()
    assert token not in str(stored.headers)
    assert ApiClient.objects.count() == 1


def test_after_revocation_the_token_is_still_not_shown_again(issued, problem, admin):
    admin_client, request, first = issued
    agency_services.revoke_api_client(ApiClient.objects.get(), actor=admin)

    retry = post(admin_client, API_CLIENTS, request)

    problem(retry, 409, "secret_already_shown")
    assert first["token"] not in retry.content.decode()


def test_a_demoted_admin_gets_403_not_the_client_they_issued(issued, problem, admin, agency):
    admin_client, request, first = issued
    member_of(agency, "admin", username="harbor-police.deputy_admin")
    agency_services.change_member(
        admin.memberships.get(), role=agency.roles.get(slug="analyst"), actor=platform_operator()
    )

    retry = post(admin_client, API_CLIENTS, request)

    problem(retry, 403, "not_administrator")
    not_replayed(retry)
    assert first["token"] not in retry.content.decode()
    assert ApiClient.objects.count() == 1


def test_a_caller_still_allowed_gets_the_stored_answer(api_with_token, agency):
    """The refusal is for those who lost access; a genuine retry is answered as before."""
    _, token = issue_client(agency, "duty_officer")
    partner = api_with_token(token)
    first = post(partner, INCIDENTS, NEW_INCIDENT)

    retry = post(partner, INCIDENTS, NEW_INCIDENT)

    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert Incident.objects.count() == 1
