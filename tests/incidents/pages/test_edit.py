"""Harbor Police's duty officer edits the warehouse fire: its details, then its marking.
Two people editing at once never overwrite each other silently."""

import pytest

from incidents.models import Incident
from incidents.services.incidents import update_incident
from tests.cases import Call, PageCases, PageStaleCases

pytestmark = pytest.mark.django_db


def edit_of(incident) -> str:
    return f"/incidents/{incident.public_id}/edit/"


def marking_of(incident) -> str:
    return f"/incidents/{incident.public_id}/marking/"


def details(incident, **changes) -> dict:
    """The edit form as the duty officer sends it: what they saw, with their changes."""
    form = {
        "title": incident.title,
        "description": incident.description,
        "type": incident.incident_type,
        "severity": str(incident.severity),
        "latitude": str(incident.latitude),
        "longitude": str(incident.longitude),
        "version": str(incident.version),
    }
    if incident.is_exercise:
        form["is_exercise"] = "on"
    return {**form, **changes}


def test_the_edit_form_opens_with_the_incident_as_it_is(signed_in, incident, duty):
    response = signed_in(duty).get(edit_of(incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Warehouse fire on Dock Street"' in page
    assert f'name="version" value="{incident.version}"' in page
    assert 'data-map-pick="edit-latitude,edit-longitude"' in page
    assert "data-confirm=" in page


def test_the_duty_officer_renames_and_raises_the_severity(signed_in, incident, duty):
    response = signed_in(duty).post(
        edit_of(incident),
        details(incident, title="Warehouse fire, Dock Street (2 alarms)", severity="4"),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/incidents/{incident.public_id}/"
    before = incident.version
    incident.refresh_from_db()
    assert incident.title == "Warehouse fire, Dock Street (2 alarms)"
    assert incident.severity == 4
    assert incident.version == before + 1
    assert incident.updated_by == duty


def test_moving_the_location_sends_a_geojson_point(signed_in, incident, duty):
    signed_in(duty).post(edit_of(incident), details(incident, latitude="46.1", longitude="-123.8"))

    incident.refresh_from_db()
    assert incident.location == {"type": "Point", "coordinates": [-123.8, 46.1]}
    assert (incident.latitude, incident.longitude) == (46.1, -123.8)


class TestAStaleEdit(PageStaleCases):
    """The duty officer raises the severity on a page opened before the title changed."""

    @pytest.fixture
    def stale_post(self, incident):
        return Call("post", edit_of(incident), details(incident, severity="5"))

    @pytest.fixture
    def move_on(self, incident, duty):
        def retitle():
            update_incident(incident, actor=duty, title="Dock Street fire")
            incident.refresh_from_db()
            return incident.version

        return retitle

    @pytest.fixture
    def shown(self):
        return ['value="Dock Street fire"']

    @pytest.fixture
    def unchanged(self, incident):
        this = Incident.objects.filter(pk=incident.pk)
        return lambda: list(this.values_list("title", "severity"))


def test_a_blank_title_is_refused_beside_the_field(signed_in, incident, duty):
    response = signed_in(duty).post(edit_of(incident), details(incident, title=""))

    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="edit-title_errors" role="alert"><li>This field is required.</li>' in page
    assert 'aria-invalid="true"' in page
    incident.refresh_from_db()
    assert incident.title == "Warehouse fire on Dock Street"


def test_a_latitude_off_the_globe_is_refused_beside_the_field(signed_in, incident, duty):
    response = signed_in(duty).post(edit_of(incident), details(incident, latitude="123"))

    assert response.status_code == 422
    assert (
        'id="edit-latitude_errors" role="alert"><li>Ensure this value is less than or equal to 90.'
        in (response.content.decode())
    )


def test_a_double_submitted_edit_acts_once(signed_in, incident, duty):
    client = signed_in(duty)
    form = details(incident, severity="4", form_key="edit-once")

    first = client.post(edit_of(incident), form)
    second = client.post(edit_of(incident), form)

    assert first.status_code == second.status_code == 302
    assert second["Idempotent-Replayed"] == "true"
    before = incident.version
    incident.refresh_from_db()
    assert incident.version == before + 1


def test_an_analyst_may_read_but_not_edit(signed_in, incident, analyst):
    client = signed_in(analyst)

    assert client.get(edit_of(incident)).status_code == 403
    assert client.post(edit_of(incident), details(incident, title="Mine")).status_code == 403
    assert client.post(marking_of(incident), {"tlp": "RED", "version": "1"}).status_code == 403
    incident.refresh_from_db()
    assert (incident.title, incident.tlp) == ("Warehouse fire on Dock Street", "AMBER")


def test_the_edit_link_is_offered_only_to_command(signed_in, incident, duty, analyst):
    link = f'href="/incidents/{incident.public_id}/edit/"'
    assert link in signed_in(duty).get(f"/incidents/{incident.public_id}/").content.decode()
    assert link not in signed_in(analyst).get(f"/incidents/{incident.public_id}/").content.decode()


class TestEveryEditAddress(PageCases):
    """Esterly Fire's duty officer finds nothing to edit of Harbor Police's incident."""

    intruders = ("fire_duty",)

    @pytest.fixture
    def addresses(self, incident):
        return [
            Call("get", edit_of(incident)),
            Call("post", edit_of(incident), details(incident, title="Ours")),
            Call("post", marking_of(incident), {"tlp": "CLEAR", "version": "1"}),
        ]

    @pytest.fixture
    def unchanged(self, incident):
        this = Incident.objects.filter(pk=incident.pk)
        return lambda: list(this.values_list("title", "tlp", "version"))


# Marking


def test_raising_the_marking_says_what_it_withdrew(signed_in, incident, duty):
    client = signed_in(duty)

    response = client.post(
        marking_of(incident), {"tlp": "AMBER+STRICT", "version": incident.version}
    )

    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.tlp == "AMBER+STRICT"
    page = client.get(response["Location"]).content.decode()
    assert (
        "Marked TLP:AMBER+STRICT (was TLP:AMBER). Shares whose agreement does not allow it "
        "were withdrawn." in page
    )


class TestAStaleMarkingChange(PageStaleCases):
    """The duty officer marks RED on a page opened before the severity changed."""

    @pytest.fixture
    def stale_post(self, incident):
        return Call("post", marking_of(incident), {"tlp": "RED", "version": incident.version})

    @pytest.fixture
    def move_on(self, incident, duty):
        def raise_severity():
            update_incident(incident, actor=duty, severity=5)
            incident.refresh_from_db()
            return incident.version

        return raise_severity

    @pytest.fixture
    def unchanged(self, incident):
        this = Incident.objects.filter(pk=incident.pk)
        return lambda: list(this.values_list("tlp"))


def test_an_unknown_marking_is_refused_beside_the_field(signed_in, incident, duty):
    response = signed_in(duty).post(marking_of(incident), {"tlp": "PURPLE", "version": "1"})

    assert response.status_code == 422
    assert 'id="marking-tlp_errors" role="alert">' in response.content.decode()


def test_the_edit_form_is_guarded_by_csrf(signed_in, incident, duty):
    client = signed_in(duty, enforce_csrf_checks=True)

    assert client.post(edit_of(incident), details(incident, title="Forged")).status_code == 403
    incident.refresh_from_db()
    assert incident.title == "Warehouse fire on Dock Street"
