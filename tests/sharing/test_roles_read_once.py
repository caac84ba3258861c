"""A request reads the caller's roles once, however often the policy is asked (a tab asks
about the incident and each of its parts); the next request reads them afresh, so a
role taken away counts at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import services as agency_services
from tests.factories import member_of, open_incident, platform_operator

TABS = ("", "command/", "timeline/", "tasks/", "resources/", "sitreps/", "sharing/")
ROLE_READ = 'SELECT "agencies_role"."id" AS "pk", "agencies_role"."group_id"'


def role_reads(client, url) -> tuple[int, int]:
    """(status, how many times the request read the caller's roles)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    reads = sum(1 for query in queries.captured_queries if query["sql"].startswith(ROLE_READ))
    return response.status_code, reads


@pytest.mark.parametrize("tab", TABS, ids=[tab.strip("/") or "summary" for tab in TABS])
def test_every_tab_reads_the_roles_once(signed_in, duty, tab):
    incident = open_incident(duty)

    assert role_reads(signed_in(duty), f"/incidents/{incident.public_id}/{tab}") == (200, 1)


def test_a_role_taken_away_counts_from_the_next_request(signed_in, agency, duty):
    analyst = member_of(agency, "analyst", username="harbor-police.night_analyst")
    incident = open_incident(duty)
    client = signed_in(analyst)
    url = f"/incidents/{incident.public_id}/"
    assert client.get(url).status_code == 200

    agency_services.change_member(
        analyst.memberships.get(), is_active=False, actor=platform_operator()
    )

    assert client.get(url).status_code == 404
