"""Every administrator of the demo region reads of its incidents only what they may see.

The demo shares its incidents in every way there is (RED with named people, role-limited
shares, break-glass, lapsed agreements), so every reader's audit trail, on the API and on
the agency's pages, is checked against what `sharing.policy` lets that reader see.
"""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from agencies.access import agencies_with
from agencies.capabilities import Capability
from incidents.models import Incident
from sharing import policy

AUDIT = "/api/v1/audit/"
UNSEEN = "an incident you cannot see"

User = get_user_model()


def api_pages(session) -> list[tuple[list[dict], str]]:
    pages, number = [], 1
    while True:
        response = session.get(AUDIT, {"page": number, "page_size": 200})
        assert response.status_code == 200, response.content
        pages.append((response.json()["results"], response.content.decode()))
        if response.json()["next"] is None:
            return pages
        number += 1


def audit_pages(client, slug) -> list[str]:
    pages, number = [], 1
    while True:
        response = client.get(f"/agency/{slug}/audit/", {"page": number})
        assert response.status_code == 200, response.content
        pages.append(response.content.decode())
        if 'rel="next"' not in pages[-1]:
            return pages
        number += 1


def test_every_admin_of_the_demo_reads_of_incidents_only_what_they_may_see(api_as, client, db):
    call_command("seed_demo", stdout=StringIO())
    incidents = {str(incident.public_id): incident for incident in Incident.objects.all()}
    admins = User.objects.filter(
        groups__role__capability_grants__capability=Capability.ADMINISTER,
        groups__role__agency__is_active=True,
    ).distinct()
    assert admins.count() >= 10
    withheld = 0

    for person in admins:
        seen = set(policy.visible(person, Incident.objects.all()).values_list("pk", flat=True))
        visible_titles = [i.title for i in incidents.values() if i.pk in seen]
        hidden = [i for i in incidents.values() if i.pk not in seen]
        client.force_login(person)
        api = api_pages(api_as(person))
        pages = [
            body
            for agency in agencies_with(person, Capability.ADMINISTER)
            for body in audit_pages(client, agency.slug)
        ]

        for item in (item for records, _ in api for item in records):
            if item["target_type"] != "incidents.incident":
                continue
            if item["withheld"]:
                withheld += 1
                assert (item["target_id"], item["target_label"]) == ("", UNSEEN)
            else:
                incident = incidents[item["target_id"]]
                assert incident.pk in seen, (person, item)
                assert item["target_label"] == str(incident)
        for body in [body for _, body in api] + pages:
            for incident in hidden:
                assert incident.reference not in body, (person, incident)
                assert str(incident.public_id) not in body, (person, incident)
                if not any(incident.title in title for title in visible_titles):
                    assert incident.title not in body, (person, incident)

    assert withheld > 0
