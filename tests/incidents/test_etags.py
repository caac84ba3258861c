"""Two duty officers editing one incident never silently overwrite each other."""

import threading

import pytest
from django.db import connection
from django.test import Client

from tests.factories import AgencyFactory, issue_client, member_of, open_incident


def url_of(incident) -> str:
    return f"/api/v1/incidents/{incident.public_id}/"


def test_reading_an_incident_gives_its_version_as_etag(duty, api_as):
    incident = open_incident(duty)
    response = api_as(duty).get(url_of(incident))

    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_an_edit_against_the_current_version_succeeds_and_moves_the_etag(duty, api_as):
    incident = open_incident(duty)
    response = api_as(duty).patch(
        url_of(incident), {"severity": 4}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["severity"] == 4


def test_a_stale_edit_gets_412_and_changes_nothing(duty, agency, api_as, problem):
    incident = open_incident(duty)
    colleague = member_of(agency, "duty_officer", username="harbor-police.night_duty")
    api_as(colleague).patch(url_of(incident), {"severity": 5}, format="json", HTTP_IF_MATCH='"1"')

    stale = api_as(duty).patch(
        url_of(incident), {"title": "Mine"}, format="json", HTTP_IF_MATCH='"1"'
    )

    body = problem(stale, 412, "stale_version")
    assert body["current_version"] == '"2"'
    incident.refresh_from_db()
    assert (incident.title, incident.severity, incident.version) == (
        "Warehouse fire on Dock Street",
        5,
        2,
    )


def test_a_status_change_is_checked_and_moves_the_version_too(duty, api_as, problem):
    incident = open_incident(duty)
    client = api_as(duty)
    status_url = f"{url_of(incident)}status/"
    moved = client.post(status_url, {"status": "active", "reason": "On scene"}, HTTP_IF_MATCH='"1"')
    assert moved["ETag"] == '"2"'
    stale = client.post(status_url, {"status": "contained", "reason": "Held"}, HTTP_IF_MATCH='"1"')
    problem(stale, 412, "stale_version")


def test_partner_systems_must_send_if_match(agency, duty, api_with_token, problem):
    incident = open_incident(duty)
    _client, token = issue_client(agency, "duty_officer")
    partner = api_with_token(token)

    problem(
        partner.patch(url_of(incident), {"severity": 2}, format="json"), 428, "if_match_required"
    )
    accepted = partner.patch(url_of(incident), {"severity": 2}, format="json", HTTP_IF_MATCH='"1"')
    assert accepted.status_code == 200


def test_a_browser_may_edit_without_if_match(duty, api_as):
    incident = open_incident(duty)
    assert api_as(duty).patch(url_of(incident), {"severity": 2}, format="json").status_code == 200


def test_an_unreadable_if_match_matches_nothing(duty, api_as, problem):
    incident = open_incident(duty)
    response = api_as(duty).patch(
        url_of(incident), {"severity": 2}, format="json", HTTP_IF_MATCH="yesterday"
    )
    problem(response, 412, "stale_version")


def test_a_hidden_incident_is_404_before_any_precondition(duty, fire_analyst, api_as, problem):
    incident = open_incident(duty)
    response = api_as(fire_analyst).patch(
        url_of(incident), {"severity": 2}, format="json", HTTP_IF_MATCH='"7"'
    )
    problem(response, 404, "not_found")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_editors_exactly_one_wins():
    agency = AgencyFactory(name="Harbor Police", slug="harbor-police")
    editors = [member_of(agency, "duty_officer") for _ in range(2)]
    incident = open_incident(editors[0])
    start = threading.Barrier(2)
    statuses, failures = [], []

    def edit(editor, severity):
        try:
            client = Client()
            client.force_login(editor)
            start.wait()
            response = client.patch(
                url_of(incident),
                {"severity": severity},
                content_type="application/json",
                HTTP_IF_MATCH='"1"',
            )
            statuses.append(response.status_code)
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=edit, args=(editor, severity))
        for editor, severity in zip(editors, (4, 5), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert sorted(statuses) == [200, 412]
    incident.refresh_from_db()
    assert incident.version == 2
