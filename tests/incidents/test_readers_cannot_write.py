"""A reader cannot write, whatever the body: an empty PATCH is a write and needs command.
And a write that names only current values changes nothing, so nobody can make every
other editor's If-Match stale, move `updated_since` or appear as the last editor."""

import pytest

from coordination.concurrency import etag
from incidents.models import Incident
from ledger.models import AuditRecord
from tests.factories import issue_client, member_of, open_incident

INCIDENTS = "/api/v1/incidents/"


def detail(incident) -> str:
    return f"{INCIDENTS}{incident.public_id}/"


def untouched(incident, duty):
    """The incident as it was opened: version 1, last edited by its opener."""
    row = Incident.objects.get(pk=incident.pk)
    assert (row.version, row.updated_by, row.updated_at) == (
        incident.version,
        duty,
        incident.updated_at,
    )
    assert row.title == incident.title


@pytest.fixture
def green(duty):
    return open_incident(duty, title="Road closure on Front Street", tlp="GREEN")


@pytest.mark.parametrize(
    "body",
    [{}, {"tlp": "GREEN"}, {"title": "Road closure on Front Street"}],
    ids=["empty", "current-marking", "current-title"],
)
def test_anyone_in_the_community_cannot_touch_a_green_incident(
    api_as, api_with_token, problem, duty, other_agency, green, body
):
    reader = member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer")
    _, token = issue_client(other_agency, "duty_officer")

    for client in (api_as(reader), api_with_token(token)):
        assert client.get(detail(green)).status_code == 200
        problem(
            client.patch(detail(green), body, HTTP_IF_MATCH=etag(green.version)),
            403,
            "not_permitted",
        )

    untouched(green, duty)


def test_a_viewer_of_the_lead_agency_cannot_bump_the_version(
    api_as, problem, agency, duty, incident
):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")

    problem(api_as(viewer).patch(detail(incident), {}), 403, "not_permitted")
    problem(api_as(viewer).patch(detail(incident), {"tlp": "AMBER"}), 403, "not_permitted")

    untouched(incident, duty)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"tlp": "AMBER"},
        {"title": "Warehouse fire on Dock Street", "severity": 3, "type": "fire"},
    ],
    ids=["empty", "current-marking", "current-values"],
)
def test_an_unchanged_write_by_a_commander_changes_nothing(api_as, agency, duty, incident, body):
    night_duty = api_as(member_of(agency, "duty_officer", username="harbor-police.night_duty"))
    audited = AuditRecord.objects.count()

    response = night_duty.patch(detail(incident), body, HTTP_IF_MATCH=etag(incident.version))

    assert response.status_code == 200, response.content
    assert response["ETag"] == etag(incident.version)
    assert response.json()["version"] == incident.version
    untouched(incident, duty)
    assert AuditRecord.objects.count() == audited


def test_a_real_change_still_moves_the_version_and_the_editor(api_as, agency, duty, incident):
    night_duty = member_of(agency, "duty_officer", username="harbor-police.night_duty")

    response = api_as(night_duty).patch(
        detail(incident),
        {"title": "Warehouse fire on Dock Street, second alarm"},
        HTTP_IF_MATCH=etag(incident.version),
    )

    assert response.status_code == 200, response.content
    row = Incident.objects.get(pk=incident.pk)
    assert (row.version, row.updated_by) == (incident.version + 1, night_duty)
