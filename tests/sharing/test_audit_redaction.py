"""The audit trail tells each reader only what that reader may see now.

A record is shown to the administrators of every agency it names, but the incident it is
about may be closed to some of them: a RED incident of another agency on which one of
their people is named, a share limited to certain roles, a share since revoked. They read
"an incident you cannot see" in place of its reference and title, its id and the details
that describe it, on the API and on the agency's audit page alike; the stored record, and
so the chain's hash, stays as written.
"""

import uuid
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidents.services.incidents import change_status
from incidents.services.sharing import grant_person, revoke_share, share_incident
from ledger import audit
from ledger.models import AuditRecord
from sharing.api.serializers import AuditRecordSerializer
from tests.factories import agreement_between, member_of, open_incident

AUDIT = "/api/v1/audit/"
UNSEEN = "an incident you cannot see"
SOURCE_REPORTING = "Source reporting: planned attack on the Gull Island ferry"
DRONES = "Suspicious drone flights over the container terminal"
JUSTIFICATION = f"{DRONES}: the fire service's night crews must know of it now."

User = get_user_model()


@pytest.fixture
def fire_duty(other_agency):
    """Esterly Fire's duty officer, who opens and shares Esterly's incidents."""
    return member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer")


@pytest.fixture
def agreement(agency, other_agency, admin, other_admin):
    return agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        name="Harbour security",
        max_tlp="RED",
    )


@pytest.fixture
def source_reporting(agreement, fire_duty, duty):
    """A RED incident of Esterly Fire on which Harbor Police's duty officer is named."""
    incident = open_incident(fire_duty, title=SOURCE_REPORTING, tlp="RED")
    grant_person(incident, actor=fire_duty, person=duty)
    return incident


@pytest.fixture
def drones(agreement, duty, other_agency):
    """Harbor Police's AMBER incident, shared with Esterly Fire's duty officers only."""
    incident = open_incident(duty, title=DRONES)
    share_incident(incident, actor=duty, agency=other_agency, roles=["duty_officer"])
    return incident


def read(session, **params) -> tuple[list[dict], str]:
    """The records listed and the raw body they came in."""
    response = session.get(AUDIT, params)
    assert response.status_code == 200, response.content
    return response.json()["results"], response.content.decode()


def about(records, action) -> list[tuple]:
    return [
        (item["target_id"], item["target_label"], item["withheld"], item["detail"])
        for item in records
        if item["action"] == action
    ]


def assert_nothing_of(incident, text: str) -> None:
    for secret in (incident.title, incident.reference, str(incident.public_id)):
        assert secret not in text


# The API


def test_a_named_persons_admin_reads_of_a_red_incident_they_cannot_see_nothing_but_that(
    api_as, source_reporting, admin
):
    harbor = api_as(admin)
    assert harbor.get(f"/api/v1/incidents/{source_reporting.public_id}/").status_code == 404

    records, body = read(harbor)

    [(target_id, label, withheld, detail)] = about(records, "person_granted")
    assert (target_id, label, withheld) == ("", UNSEEN, True)
    assert (detail["person"], detail["level"]) == ("harbor-police.duty_officer", "view")
    assert_nothing_of(source_reporting, body)


def test_a_red_incidents_own_admin_not_named_on_it_reads_it_unseen_too(
    api_as, source_reporting, other_admin
):
    records, body = read(api_as(other_admin), action="object_created")

    assert about(records, "object_created") == [
        ("", UNSEEN, True, {"tlp": "withheld", "type": "withheld", "severity": "withheld"})
    ]
    assert_nothing_of(source_reporting, body)


def test_a_share_limited_to_roles_the_admin_lacks_is_read_unseen_by_that_admin_only(
    api_as, drones, agreement, admin, other_admin
):
    esterly, _ = read(api_as(other_admin), action="share_granted")
    harbor, _ = read(api_as(admin), action="share_granted")

    grant = {"level": "view", "roles": ["duty_officer"], "agreement": agreement.pk}
    assert about(esterly, "share_granted") == [("", UNSEEN, True, {**grant, "tlp": "withheld"})]
    assert about(harbor, "share_granted") == [
        (str(drones.public_id), str(drones), False, {**grant, "tlp": "AMBER"})
    ]


def test_a_break_glass_justification_quoting_the_title_is_withheld(
    api_as, duty, northgate, northgate_admin
):
    incident = open_incident(duty, title=DRONES)
    share_incident(
        incident,
        actor=duty,
        agency=northgate,
        roles=["duty_officer"],
        break_glass=True,
        justification=JUSTIFICATION,
    )

    records, body = read(api_as(northgate_admin), flagged="true")

    assert about(records, "break_glass") == [
        (
            "",
            UNSEEN,
            True,
            {
                "level": "view",
                "roles": ["duty_officer"],
                "agreement": None,
                "tlp": "withheld",
                "justification": "withheld",
            },
        )
    ]
    assert_nothing_of(incident, body)


def test_once_a_share_is_revoked_every_record_of_it_reads_unseen(
    api_as, agreement, duty, other_agency, other_admin
):
    incident = open_incident(duty, title=DRONES)
    share = share_incident(incident, actor=duty, agency=other_agency)
    esterly = api_as(other_admin)
    before, _ = read(esterly, action="share_granted")
    assert [item["target_label"] for item in before] == [str(incident)]

    revoke_share(share, actor=duty)

    records, body = read(esterly, action=["share_granted", "share_revoked"])
    assert [(item["action"], item["target_label"], item["withheld"]) for item in records] == [
        ("share_revoked", UNSEEN, True),
        ("share_granted", UNSEEN, True),
    ]
    assert_nothing_of(incident, body)


def test_one_record_read_alone_is_withheld_as_in_the_list(api_as, source_reporting, admin):
    record = AuditRecord.objects.get(action="person_granted")

    response = api_as(admin).get(f"{AUDIT}{record.pk}/")

    assert response.status_code == 200, response.content
    assert (response.json()["target_label"], response.json()["withheld"]) == (UNSEEN, True)
    assert_nothing_of(source_reporting, response.content.decode())


def test_a_record_serialized_with_no_reader_withholds_every_incident(drones):
    record = AuditRecord.objects.get(action="object_created")

    data = AuditRecordSerializer(record).data

    assert (data["target_id"], data["target_label"], data["withheld"]) == ("", UNSEEN, True)


def test_asking_for_an_unseen_incidents_records_finds_nothing_as_for_one_that_never_was(
    api_as, drones, admin, other_admin
):
    esterly, harbor = api_as(other_admin), api_as(admin)

    assert read(esterly, target_id=str(drones.public_id))[0] == []
    assert read(esterly, target_id=str(uuid.uuid4()))[0] == []
    assert read(esterly, target_id="not-an-id")[0] == []
    assert [item["action"] for item in read(harbor, target_id=str(drones.public_id))[0]] == [
        "share_granted",
        "object_created",
    ]


def test_withholding_changes_no_stored_record_and_the_chain_still_verifies(
    api_as, source_reporting, drones, admin, other_admin
):
    read(api_as(admin))
    read(api_as(other_admin))

    stored = AuditRecord.objects.get(action="person_granted")
    assert stored.target_label == str(source_reporting)
    assert stored.target_id == str(source_reporting.public_id)
    assert audit.verify_chain().intact
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert out.getvalue() == f"Audit chain intact: {AuditRecord.objects.count()} records.\n"
    assert api_as(admin).get(f"{AUDIT}verify/").json()["valid"] is True


def test_the_list_costs_the_same_whatever_the_page_size(
    api_as, source_reporting, drones, duty, admin, django_assert_num_queries
):
    for step in ("active", "contained"):
        change_status(drones, step, actor=duty, reason=f"Now {step}")
    harbor = api_as(admin)

    # Session, person, count, the page; then the policy: the reader's roles, and which of
    # the page's incidents they may see, one statement for the whole page.
    with django_assert_num_queries(6):
        few, _ = read(harbor, page_size=3)
    with django_assert_num_queries(6):
        every, _ = read(harbor, page_size=200)

    assert len(few) == 3
    # Ten about the incidents and agreements, two of the members' joining, one of the
    # agency's registration.
    assert len(every) == 13
    assert {item["withheld"] for item in every} == {True, False}


# The agency's audit page


def test_the_audit_page_shows_an_unseen_incident_as_such(client, source_reporting, admin):
    client.force_login(admin)

    response = client.get("/agency/harbor-police/audit/")

    assert response.status_code == 200
    page = response.content.decode()
    assert UNSEEN in page
    assert_nothing_of(source_reporting, page)


def test_the_audit_page_withholds_a_break_glass_justification(
    client, duty, northgate, northgate_admin
):
    incident = open_incident(duty, title=DRONES)
    share_incident(
        incident,
        actor=duty,
        agency=northgate,
        roles=["duty_officer"],
        break_glass=True,
        justification=JUSTIFICATION,
    )
    client.force_login(northgate_admin)

    page = client.get("/agency/northgate-ems/audit/").content.decode()

    assert UNSEEN in page
    assert "justification:</span> withheld" in page
    assert_nothing_of(incident, page)


def test_an_admin_who_may_see_the_incident_reads_its_title_on_the_page(client, drones, admin):
    client.force_login(admin)

    page = client.get("/agency/harbor-police/audit/").content.decode()

    assert str(drones) in page
    assert UNSEEN not in page


def test_the_page_costs_the_same_for_few_and_many_unseen_incidents(
    client, agreement, fire_duty, duty, admin, django_assert_max_num_queries
):
    def named_on_red(title):
        incident = open_incident(fire_duty, title=title, tlp="RED")
        grant_person(incident, actor=fire_duty, person=duty)

    client.force_login(admin)
    named_on_red("First source report")
    with django_assert_max_num_queries(12) as few:
        assert client.get("/agency/harbor-police/audit/").status_code == 200
    for number in range(30):
        named_on_red(f"Source report {number}")
    with django_assert_max_num_queries(12) as many:
        page = client.get("/agency/harbor-police/audit/").content.decode()

    assert page.count(UNSEEN) == 31
    assert len(many) == len(few)
