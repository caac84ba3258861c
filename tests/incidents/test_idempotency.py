"""A POST retried with the same Idempotency-Key acts once and answers the same."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from coordination.idempotency import purge_expired
from coordination.models import IdempotentRequest
from coordination.tasks import purge_idempotency_keys
from incidents.models import Incident
from tests.factories import POINT, AgencyFactory, issue_client, member_of, open_incident

INCIDENTS = "/api/v1/incidents/"
NEW_INCIDENT = {
    "title": "Tanker rollover on Route 26",
    "type": "hazmat",
    "severity": 4,
    "location": POINT,
}


def post(client, path, body, key):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_with_the_same_key_returns_the_first_answer_and_creates_nothing(duty, api_as):
    client = api_as(duty)
    first = post(client, INCIDENTS, NEW_INCIDENT, "create-tanker-1")
    retry = post(client, INCIDENTS, NEW_INCIDENT, "create-tanker-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json()["id"] == first.json()["id"]
    assert retry["Idempotent-Replayed"] == "true"
    assert retry["ETag"] == first["ETag"]
    assert Incident.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(duty, api_as, problem):
    client = api_as(duty)
    post(client, INCIDENTS, NEW_INCIDENT, "create-tanker-1")
    changed = post(client, INCIDENTS, {**NEW_INCIDENT, "severity": 5}, "create-tanker-1")

    problem(changed, 422, "idempotency_key_reused")
    assert Incident.objects.count() == 1


def test_the_same_key_at_another_endpoint_is_refused(duty, api_as, problem):
    client = api_as(duty)
    incident = open_incident(duty)
    post(client, INCIDENTS, NEW_INCIDENT, "key-1")
    status_url = f"{INCIDENTS}{incident.public_id}/status/"
    response = post(client, status_url, {"status": "active", "reason": "On scene"}, "key-1")

    problem(response, 422, "idempotency_key_reused")
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_keys_belong_to_their_principal(duty, agency, api_as):
    colleague = member_of(agency, "duty_officer", username="harbor-police.night_duty")
    post(api_as(duty), INCIDENTS, NEW_INCIDENT, "shift-start")
    other = post(api_as(colleague), INCIDENTS, NEW_INCIDENT, "shift-start")

    assert other.status_code == 201
    assert "Idempotent-Replayed" not in other
    assert Incident.objects.count() == 2


def test_a_retried_status_change_is_replayed_not_refused_as_a_repeat(duty, api_as):
    incident = open_incident(duty)
    client = api_as(duty)
    url = f"{INCIDENTS}{incident.public_id}/status/"
    body = {"status": "active", "reason": "Crews on scene"}
    first = post(client, url, body, "activate-1")
    retry = post(client, url, body, "activate-1")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert retry.json() == first.json()
    assert incident.status_changes.count() == 2  # opened, then activated once


def test_a_failed_request_is_not_remembered(duty, api_as, problem):
    client = api_as(duty)
    problem(post(client, INCIDENTS, {**NEW_INCIDENT, "severity": 9}, "k"), 400, "invalid")
    assert not IdempotentRequest.objects.exists()
    assert post(client, INCIDENTS, NEW_INCIDENT, "k").status_code == 201


def test_partner_systems_retry_with_their_token(agency, api_with_token):
    _client, token = issue_client(agency, "duty_officer")
    partner = api_with_token(token)
    first = post(partner, INCIDENTS, NEW_INCIDENT, "cad-7781")
    retry = post(partner, INCIDENTS, NEW_INCIDENT, "cad-7781")

    assert retry.json()["id"] == first.json()["id"]
    assert Incident.objects.count() == 1


def test_keys_are_forgotten_after_24_hours(duty, api_as):
    client = api_as(duty)
    post(client, INCIDENTS, NEW_INCIDENT, "daily-report")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = post(client, INCIDENTS, NEW_INCIDENT, "daily-report")

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Incident.objects.count() == 2


def test_the_hourly_purge_drops_only_expired_keys(duty, api_as):
    client = api_as(duty)
    post(client, INCIDENTS, NEW_INCIDENT, "old")
    IdempotentRequest.objects.update(created_at=timezone.now() - timedelta(hours=25))
    post(client, INCIDENTS, NEW_INCIDENT, "new")

    assert purge_idempotency_keys() == 1
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["new"]
    assert purge_expired() == 0


def test_an_empty_or_oversized_key_is_refused(duty, api_as, problem):
    client = api_as(duty)
    problem(post(client, INCIDENTS, NEW_INCIDENT, " "), 400, "invalid_idempotency_key")
    problem(post(client, INCIDENTS, NEW_INCIDENT, "k" * 256), 400, "invalid_idempotency_key")
    assert not Incident.objects.exists()


def test_anonymous_requests_are_refused_as_usual(db, api, problem):
    problem(post(api, INCIDENTS, NEW_INCIDENT, "k"), 401, "not_authenticated")
    assert not IdempotentRequest.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_retries_create_one_incident():
    agency = AgencyFactory(name="Harbor Police", slug="harbor-police")
    duty = member_of(agency, "duty_officer")
    attempts = 4
    start = threading.Barrier(attempts)
    answers, failures = [], []

    def send():
        try:
            client = Client()
            client.force_login(duty)
            start.wait()
            response = client.post(
                INCIDENTS,
                NEW_INCIDENT,
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY="storm-retry",
            )
            answers.append((response.status_code, response.json()["id"]))
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert Incident.objects.count() == 1
    assert len(answers) == attempts
    assert set(answers) == {(201, str(Incident.objects.get().public_id))}
