"""The summary tab and the header's status buttons, as Harbor Police's people and their
partners at Esterly Fire use them; an agency the incident is not shared with finds nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident, StatusChange
from incidents.services.command import ObjectiveInput, open_period
from incidents.services.incidents import change_status
from incidents.services.sharing import grant_person
from incidents.services.timeline import post_entry
from ledger.models import AuditAction, AuditRecord
from sharing.access import Access
from tests.cases import Call, PageCases
from tests.factories import open_incident, square

pytestmark = pytest.mark.django_db


def summary_of(incident) -> str:
    return f"/incidents/{incident.public_id}/"


def status_of(incident) -> str:
    return f"/incidents/{incident.public_id}/status/"


def test_a_partner_reads_the_summary_with_period_participants_and_latest_entries(
    signed_in, joint_incident, duty, fire_duty
):
    open_period(
        joint_incident,
        actor=duty,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=11),
        objectives=[ObjectiveInput("Keep the fire off Pier 4"), ObjectiveInput("Evacuate Dock St")],
    )
    post_entry(joint_incident, actor=fire_duty, kind="observation", text="Roof has collapsed")

    response = signed_in(fire_duty).get(summary_of(joint_incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Warehouse fire on Dock Street</h1>" in page
    assert "Period 1:" in page
    assert "Keep the fire off Pier 4" in page
    assert "Evacuate Dock St" in page
    assert "Harbor Police — Lead agency" in page
    assert "Esterly Fire — Unified command member" in page
    assert "Roof has collapsed" in page
    assert f'href="/incidents/{joint_incident.public_id}/periods/1/iap/"' in page
    assert f'href="/incidents/{joint_incident.public_id}/command/"' in page
    assert 'data-map-point="46.018,-123.905"' in page
    assert "Latitude 46.018, longitude -123.905" in page


def test_reading_the_summary_is_audited_like_the_api_detail(signed_in, incident, analyst):
    signed_in(analyst).get(summary_of(incident))

    assert AuditRecord.objects.filter(
        action=AuditAction.VIEWED, actor=analyst, detail={"tlp": "AMBER"}
    ).exists()


def test_the_affected_area_is_drawn_from_a_json_script(signed_in, duty):
    flooded = open_incident(duty, title="River flood", affected_area=square(-124, 46, 0.1))

    page = signed_in(duty).get(summary_of(flooded)).content.decode()

    assert 'data-map-geojson-id="incident-affected-area"' in page
    assert '<script id="incident-affected-area" type="application/json">' in page
    assert "an affected area is outlined on the map" in page


def test_a_red_entry_is_absent_from_the_latest_for_a_reader_without_a_named_grant(
    signed_in, incident, duty, analyst
):
    grant_person(incident, actor=duty, person=duty, level=Access.CONTRIBUTE)
    post_entry(incident, actor=duty, kind="note", text="Informant named the owner", tlp="RED")
    post_entry(incident, actor=duty, kind="note", text="Crews on scene")

    seen_by_analyst = signed_in(analyst).get(summary_of(incident)).content.decode()
    seen_by_duty = signed_in(duty).get(summary_of(incident)).content.decode()

    assert "Crews on scene" in seen_by_analyst
    assert "Informant named the owner" not in seen_by_analyst
    assert "Informant named the owner" in seen_by_duty
    assert "TLP:RED" in seen_by_duty


class TestTheSummaryAddresses(PageCases):
    """Esterly Fire finds no such incident; nobody signed out does."""

    intruders = ("fire_analyst", "fire_duty")

    @pytest.fixture
    def addresses(self, incident):
        activate = {"to": "active", "reason": "Crews", "version": incident.version}
        return [Call("get", summary_of(incident)), Call("post", status_of(incident), activate)]

    @pytest.fixture
    def unchanged(self, incident):
        this = Incident.objects.filter(pk=incident.pk)
        return lambda: list(this.values_list("status", "version"))


# Status


def test_the_duty_officer_activates_the_incident_and_returns_to_the_tab_they_were_on(
    signed_in, incident, duty
):
    timeline = f"http://testserver/incidents/{incident.public_id}/timeline/?kind=note"
    client = signed_in(duty)

    response = client.post(
        status_of(incident),
        {"to": "active", "reason": "Crews committed", "version": incident.version},
        HTTP_REFERER=timeline,
    )

    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.public_id}/timeline/?kind=note"
    incident.refresh_from_db()
    assert incident.status == "active"
    assert StatusChange.objects.filter(
        incident=incident, to_status="active", reason="Crews committed", changed_by=duty
    ).exists()
    assert f"{incident.reference} is now Active." in client.get(timeline).content.decode()


def test_a_referer_elsewhere_leads_back_to_the_summary(signed_in, incident, duty):
    response = signed_in(duty).post(
        status_of(incident),
        {"to": "active", "reason": "Crews committed", "version": incident.version},
        HTTP_REFERER="https://evil.example/incidents/",
    )
    assert response["Location"] == summary_of(incident)


def test_a_status_change_without_a_reason_says_what_to_fix(signed_in, incident, duty):
    response = signed_in(duty).post(
        status_of(incident), {"to": "active", "reason": " ", "version": incident.version}
    )

    assert response.status_code == 422
    assert "The status was not changed: Say why the status changes." in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_a_stale_status_change_shows_the_status_as_it_is_now(signed_in, incident, duty):
    opened_at = incident.version
    change_status(incident, "active", actor=duty, reason="Crews committed")

    response = signed_in(duty).post(
        status_of(incident), {"to": "active", "reason": "Me too", "version": opened_at}
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this since you opened it; the incident is now Active." in page
    assert StatusChange.objects.filter(incident=incident, reason="Me too").count() == 0


def test_a_viewer_may_not_change_the_status(signed_in, incident, viewer):
    response = signed_in(viewer).post(
        status_of(incident), {"to": "active", "reason": "x", "version": incident.version}
    )
    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_the_status_buttons_are_shown_only_to_command(signed_in, incident, duty, viewer):
    assert 'name="to" value="active"' in signed_in(duty).get(summary_of(incident)).content.decode()
    assert 'name="to"' not in signed_in(viewer).get(summary_of(incident)).content.decode()


def test_the_status_form_is_guarded_by_csrf(signed_in, incident, duty):
    client = signed_in(duty, enforce_csrf_checks=True)

    response = client.post(
        status_of(incident), {"to": "active", "reason": "x", "version": incident.version}
    )

    assert response.status_code == 403
    incident.refresh_from_db()
    assert incident.status == "reported"
