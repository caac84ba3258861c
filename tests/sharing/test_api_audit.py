"""/api/v1/audit/: each agency's administrators read the trail of what concerned it."""

import pytest
from django.test import Client

from agencies import services as agency_services
from incidents.services.incidents import change_marking, change_status, record_view
from incidents.services.sharing import share_incident
from ledger.models import AuditRecord
from tests.factories import (
    agreement_between,
    issue_client,
    member_of,
    open_incident,
    platform_operator,
)

AUDIT = "/api/v1/audit/"
VERIFY = "/api/v1/audit/verify/"
AGREEMENTS = "/api/v1/sharing-agreements/"
PASSWORD = "correct horse battery staple"
JUSTIFICATION = "Chlorine leak spreading towards the Esterly fire station."


def trail(session, **params):
    """(action, agency, other agency, target label, flagged) of each record listed."""
    response = session.get(AUDIT, params)
    assert response.status_code == 200, response.content
    return [
        (
            item["action"],
            item["agency"],
            item["other_agency"],
            item["target_label"],
            item["flagged"],
        )
        for item in response.json()["results"]
    ]


@pytest.fixture
def incident(duty):
    return open_incident(duty, title="Dock fire")


@pytest.fixture
def agreement(agency, other_agency, admin, other_admin):
    return agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, name="Dock fires"
    )


# Sharing


def test_a_share_is_seen_by_both_agencies_administrators_and_no_one_else(
    api_as, agreement, incident, duty, other_agency, admin, other_admin, northgate_admin
):
    share_incident(incident, actor=duty, agency=other_agency)
    shared = [("share_granted", "harbor-police", "esterly-fire", str(incident), False)]

    assert trail(api_as(admin), action="share_granted") == shared
    assert trail(api_as(other_admin), action="share_granted") == shared
    assert trail(api_as(northgate_admin), target_id=str(incident.public_id)) == []


def test_breaking_glass_is_flagged_for_both_agencies(
    api_as, incident, duty, other_agency, admin, other_admin, northgate_admin
):
    share_incident(
        incident, actor=duty, agency=other_agency, break_glass=True, justification=JUSTIFICATION
    )
    flagged = [("break_glass", "harbor-police", "esterly-fire", str(incident), True)]

    assert trail(api_as(admin), flagged="true") == flagged
    assert trail(api_as(other_admin), flagged="true") == flagged
    assert trail(api_as(northgate_admin), flagged="true") == []
    record = api_as(other_admin).get(AUDIT, {"flagged": "true"}).json()["results"][0]
    assert record["detail"] == {
        "level": "view",
        "roles": [],
        "agreement": None,
        "tlp": "AMBER",
        "justification": JUSTIFICATION,
    }


# Changes to an incident


def test_a_status_change_is_recorded_whole(api_as, incident, duty, admin):
    change_status(incident, "active", actor=duty, reason="Crews on scene")

    records = api_as(admin).get(AUDIT, {"action": "status_changed"}).json()["results"]

    record = AuditRecord.objects.get(action="status_changed")
    previous = AuditRecord.objects.filter(pk__lt=record.pk).order_by("-pk").first()
    assert records == [
        {
            "id": record.pk,
            "at": record.at.isoformat().replace("+00:00", "Z"),
            "action": "status_changed",
            "actor": "harbor-police.duty_officer",
            "actor_label": "harbor-police.duty_officer",
            "agency": "harbor-police",
            "other_agency": None,
            "target_type": "incidents.incident",
            "target_id": str(incident.public_id),
            "target_label": str(incident),
            "withheld": False,
            "flagged": False,
            "detail": {"from": "reported", "to": "active", "reason": "Crews on scene"},
            "ip_address": None,
            "prev_hash": previous.hash,
            "hash": record.hash,
        }
    ]


def test_a_marking_change_is_recorded_for_the_lead_agency(
    api_as, incident, duty, admin, other_admin
):
    change_marking(incident, "AMBER+STRICT", actor=duty)

    records = api_as(admin).get(AUDIT, {"action": "marking_changed"}).json()["results"]

    assert [(item["agency"], item["actor"], item["detail"]) for item in records] == [
        ("harbor-police", "harbor-police.duty_officer", {"from": "AMBER", "to": "AMBER+STRICT"})
    ]
    assert trail(api_as(other_admin), action="marking_changed") == []


def test_each_view_of_an_amber_incident_is_recorded_and_a_green_one_is_not(
    api_as, agency, incident, duty, analyst, admin
):
    road = open_incident(duty, title="Road closure", tlp="GREEN")

    record_view(incident, actor=analyst, ip_address="203.0.113.7")
    record_view(road, actor=analyst, ip_address="203.0.113.7")

    records = api_as(admin).get(AUDIT, {"action": "viewed"}).json()["results"]
    assert [
        (item["actor"], item["target_label"], item["detail"], item["ip_address"])
        for item in records
    ] == [("harbor-police.analyst", str(incident), {"tlp": "AMBER"}, "203.0.113.7")]


# Agreements


def test_proposing_and_accepting_an_agreement_is_recorded_on_both_sides(
    api_as, admin, other_admin, other_agency
):
    harbor, esterly = api_as(admin), api_as(other_admin)
    proposal = harbor.post(
        AGREEMENTS,
        {
            "agency": "harbor-police",
            "name": "Dock fires",
            "parties": ["esterly-fire"],
            "max_tlp": "AMBER",
            "valid_from": "2026-01-01T00:00:00Z",
        },
    ).json()
    esterly.post(f"{AGREEMENTS}{proposal['id']}/accept/", {"agency": "esterly-fire"})
    kinds = ["agreement_proposed", "agreement_accepted", "agreement_activated"]

    # Each party gets its own record of what it did, and one naming the acting agency.
    assert trail(harbor, action=kinds) == [
        ("agreement_activated", "harbor-police", "esterly-fire", "Dock fires", False),
        ("agreement_accepted", "harbor-police", "esterly-fire", "Dock fires", False),
        ("agreement_proposed", "esterly-fire", "harbor-police", "Dock fires", False),
        ("agreement_proposed", "harbor-police", None, "Dock fires", False),
    ]
    assert trail(esterly, action=kinds) == [
        ("agreement_activated", "harbor-police", "esterly-fire", "Dock fires", False),
        ("agreement_activated", "esterly-fire", None, "Dock fires", False),
        ("agreement_accepted", "harbor-police", "esterly-fire", "Dock fires", False),
        ("agreement_accepted", "esterly-fire", None, "Dock fires", False),
        ("agreement_proposed", "esterly-fire", "harbor-police", "Dock fires", False),
    ]


# Signing in and tokens


def test_a_sign_in_and_a_failed_sign_in_are_recorded_for_the_persons_agency(
    api_as, analyst, admin, other_admin
):
    browser = Client()
    browser.post("/login/", {"username": "harbor-police.analyst", "password": "wrong"})
    browser.post("/login/", {"username": "harbor-police.analyst", "password": PASSWORD})

    records = api_as(admin).get(AUDIT, {"agency": "harbor-police"}).json()["results"]
    signed_in = [item for item in records if item["actor_label"] == "harbor-police.analyst"]
    assert [
        (item["action"], item["actor"], item["agency"], item["ip_address"], item["detail"])
        for item in signed_in
    ] == [
        ("login", "harbor-police.analyst", "harbor-police", "127.0.0.1", {}),
        (
            "login_failed",
            None,
            "harbor-police",
            "127.0.0.1",
            {"username": "harbor-police.analyst"},
        ),
    ]
    assert trail(api_as(other_admin), action=["login", "login_failed"]) == [
        ("login", "esterly-fire", None, "", False)
    ]


def test_a_partner_systems_token_use_is_recorded(api_as, api_with_token, agency, admin):
    client, token = issue_client(agency, name="CAD bridge")

    api_with_token(token).get("/api/v1/me/")

    records = api_as(admin).get(AUDIT, {"action": "token_used"}).json()["results"]
    assert [
        (
            item["actor"],
            item["actor_label"],
            item["agency"],
            item["target_type"],
            item["target_id"],
            item["target_label"],
            item["detail"],
        )
        for item in records
    ] == [
        (
            client.account.username,
            "API client CAD bridge (harbor-police)",
            "harbor-police",
            "agencies.apiclient",
            str(client.pk),
            "CAD bridge",
            {"method": "GET", "path": "/api/v1/me/"},
        )
    ]


# Who reads the trail


def test_another_agencys_administrator_sees_only_their_own_sign_in(
    api_as, incident, duty, admin, northgate_admin
):
    change_status(incident, "active", actor=duty, reason="Crews on scene")
    northgate = api_as(northgate_admin)
    record = AuditRecord.objects.get(action="status_changed")

    assert trail(northgate) == [
        ("login", "northgate-ems", None, "", False),
        ("member_added", "northgate-ems", None, "northgate-ems.admin", False),
        ("agency_registered", "northgate-ems", None, "Northgate EMS", False),
    ]
    assert northgate.get(f"{AUDIT}{record.pk}/").status_code == 404


def test_members_who_do_not_administer_see_nothing(api_as, problem, incident, duty, analyst):
    record = AuditRecord.objects.get(action="object_created")
    session = api_as(analyst)

    assert trail(session) == []
    problem(session.get(f"{AUDIT}{record.pk}/"), 404, "not_found")


def test_an_administrator_whose_role_is_taken_away_loses_the_trail_at_once(
    api_as, problem, agency, incident, admin
):
    deputy = member_of(agency, "admin", username="harbor-police.deputy_admin")
    session = api_as(deputy)
    record = AuditRecord.objects.get(action="object_created")
    assert session.get(f"{AUDIT}{record.pk}/").status_code == 200

    agency_services.deactivate_member(deputy.memberships.get(), actor=platform_operator())

    assert trail(session) == []
    problem(session.get(f"{AUDIT}{record.pk}/"), 404, "not_found")
    problem(session.get(VERIFY), 403, "not_administrator")


def test_anonymous_callers_are_refused(api, problem):
    problem(api.get(AUDIT), 401, "not_authenticated")
    problem(api.get(VERIFY), 401, "not_authenticated")


def test_the_trail_cannot_be_written_through_the_api(api_as, problem, incident, admin):
    record = AuditRecord.objects.get(action="object_created")
    session = api_as(admin)

    problem(session.post(AUDIT, {"action": "login"}), 405, "method_not_allowed")
    problem(session.patch(f"{AUDIT}{record.pk}/", {"target_label": "x"}), 405, "method_not_allowed")
    problem(session.delete(f"{AUDIT}{record.pk}/"), 405, "method_not_allowed")
    assert AuditRecord.objects.get(pk=record.pk).target_label == str(incident)


# Finding records


@pytest.fixture
def busy_day(agreement, incident, duty, other_agency):
    """The Dock fire is shared with Esterly Fire, then made active by the duty officer."""
    share_incident(incident, actor=duty, agency=other_agency)
    change_status(incident, "active", actor=duty, reason="Crews on scene")


@pytest.mark.parametrize(
    ("params", "actions"),
    [
        ({"action": ["share_granted", "status_changed"]}, ["status_changed", "share_granted"]),
        (
            {"actor": "harbor-police.duty_officer"},
            ["status_changed", "share_granted", "object_created"],
        ),
        (
            {"agency": "esterly-fire", "action": ["share_granted", "agreement_proposed"]},
            ["share_granted", "agreement_proposed"],
        ),
        ({"flagged": "true"}, []),
        ({"since": "2099-01-01T00:00:00Z"}, []),
        (
            {"ordering": "id", "action": ["share_granted", "status_changed"]},
            ["share_granted", "status_changed"],
        ),
    ],
)
def test_records_filter_and_order(api_as, admin, busy_day, params, actions):
    assert [action for action, *_ in trail(api_as(admin), **params)] == actions


def test_records_filter_by_target_and_time(api_as, admin, incident, busy_day):
    harbor = api_as(admin)
    status_change = AuditRecord.objects.get(action="status_changed")
    at = status_change.at.isoformat()

    assert [a for a, *_ in trail(harbor, target_id=str(incident.public_id))] == [
        "status_changed",
        "share_granted",
        "object_created",
    ]
    assert [a for a, *_ in trail(harbor, since=at, action="status_changed")] == ["status_changed"]
    assert [a for a, *_ in trail(harbor, until=at, action="status_changed")] == []


def test_a_misspelt_filter_is_refused(api_as, problem, admin):
    body = problem(api_as(admin).get(AUDIT, {"flaged": "true"}), 400, "invalid")

    assert body["errors"] == {"flaged": ["Unknown query parameter."]}


def test_listing_records_costs_the_same_for_few_or_many(
    api_as, admin, incident, duty, django_assert_max_num_queries
):
    harbor = api_as(admin)
    # Two of the six are the policy's: the reader's roles, and which of the page's
    # incidents they may see now (one statement for the page, as `as_read_by` asks).
    # The trail holds the agency's registration, the incident's opening, the admin's
    # sign-in, and the two members' joining.
    with django_assert_max_num_queries(6) as few:
        assert harbor.get(AUDIT).json()["count"] == 5

    for step in ("active", "contained", "closed"):
        change_status(incident, step, actor=duty, reason=f"Now {step}")
        record_view(incident, actor=duty)
    with django_assert_max_num_queries(6) as many:
        assert harbor.get(AUDIT).json()["count"] == 11

    assert len(many) == len(few)


# Verifying the chain


def test_any_administrator_verifies_the_chain(api_as, incident, admin, northgate_admin):
    for person in (admin, northgate_admin):
        response = api_as(person).get(VERIFY)
        assert response.status_code == 200, response.content
        assert response.json() == {
            "valid": True,
            "broken_record": None,
            "reason": None,
            "checked": AuditRecord.objects.count(),
        }


def test_verifying_names_the_first_tampered_record(api_as, tamper_audit, incident, admin):
    harbor = api_as(admin)
    created = AuditRecord.objects.get(action="object_created")
    tamper_audit(
        "UPDATE sharing_auditrecord SET target_label = 'nothing to see' WHERE id = %s",
        [created.pk],
    )

    assert harbor.get(VERIFY).json() == {
        "valid": False,
        "broken_record": created.pk,
        "reason": "its content does not match its hash",
        "checked": AuditRecord.objects.filter(pk__lte=created.pk).count(),
    }


def test_format_suffixed_paths_are_not_routes(api_as, incident, admin):
    """`?format=json` is the way to ask for JSON; `verify.json` is simply not found."""
    harbor = api_as(admin)
    record = AuditRecord.objects.get(action="object_created")

    for path in (f"{AUDIT[:-1]}.json", f"{VERIFY[:-1]}.json", f"{AUDIT}{record.pk}.json"):
        assert harbor.get(path).status_code == 404, path
    assert harbor.get(VERIFY, {"format": "json"}).json()["valid"] is True


def test_people_who_administer_nothing_may_not_verify(api_as, problem, analyst):
    body = problem(api_as(analyst).get(VERIFY), 403, "not_administrator")

    assert body["detail"] == "Only agency administrators may verify the audit trail."
