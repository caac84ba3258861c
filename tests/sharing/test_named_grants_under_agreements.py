"""People named under an agreement: Harbor Police names Esterly Fire's analyst on an
AMBER+STRICT arson and a RED informant report under their agreement. When the agreement
is suspended or runs out, she loses both, on every road in, like her colleagues; a person
named inside Harbor Police's own organisation, or by breaking glass, keeps the grant
whatever the agreements do."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from agencies import services as agency_services
from coordination.errors import Forbidden
from incidents.models import IncidentUserGrant
from incidents.services import incidents as incident_verbs
from incidents.services import sharing as sharing_verbs
from incidents.services.participants import add_participant
from incidents.services.timeline import post_entry
from ledger.models import AuditAction, AuditRecord
from sharing import grants, policy
from sharing.access import Access
from sharing.agreements import accept_agreement, renew_agreement, suspend_agreement
from sharing.models import SharingAgreement
from tests.factories import (
    AgencyFactory,
    agreement_between,
    issue_client,
    member_of,
    open_incident,
    platform_operator,
)

pytestmark = pytest.mark.django_db

INCIDENTS = "/api/v1/incidents/"
CHILD_ROUTES = (
    "timeline",
    "tasks",
    "participants",
    "periods",
    "resource-requests",
    "sitreps",
)
JUSTIFICATION = "The informant is in danger tonight; Esterly Fire's analyst must read this."


def incident_url(incident) -> str:
    return f"{INCIDENTS}{incident.public_id}/"


def reach(client, incident) -> dict[str, int]:
    """The status of every road into the incident: its detail, shares and each child."""
    url = incident_url(incident)
    entry = incident.timeline.filter(kind="note").first()
    roads = {
        "detail": url,
        "shares": f"{url}shares/",
        "timeline entry": f"{url}timeline/{entry.public_id}/",
        **{route: f"{url}{route}/" for route in CHILD_ROUTES},
    }
    return {road: client.get(path).status_code for road, path in roads.items()}


def everywhere(status: int) -> dict[str, int]:
    return dict.fromkeys(
        ("detail", "shares", "timeline entry", *CHILD_ROUTES),
        status,
    )


def listed(client, **query) -> tuple[int, list[str]]:
    """(count, titles) of the incident list as `client` gets it."""
    response = client.get(INCIDENTS, query)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["count"], sorted(row["title"] for row in body["results"])


@pytest.fixture
def red_agreement(agency, other_agency, admin, other_admin):
    """Harbor Police and Esterly Fire agree to share up to RED, so people of each may be
    named on the other's RED incidents."""
    return agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        name="Harbor-Esterly arson task force",
        max_tlp="RED",
    )


@pytest.fixture
def arson(duty):
    incident = open_incident(duty, title="Dock Street arson", tlp="AMBER+STRICT")
    post_entry(incident, actor=duty, kind="note", text="Accelerant found by the loading bay")
    return incident


@pytest.fixture
def informant(duty):
    incident = open_incident(duty, title="Informant at Pier 9", tlp="RED")
    post_entry(incident, actor=duty, kind="note", text="The informant names the owner")
    return incident


@pytest.fixture
def named_analyst(arson, informant, duty, fire_analyst, red_agreement):
    """Esterly Fire's analyst, named on both incidents under the agreement."""
    for incident in (arson, informant):
        sharing_verbs.grant_person(
            incident, actor=duty, person=fire_analyst, level=Access.CONTRIBUTE
        )
    return fire_analyst


@pytest.fixture
def colleague(other_agency):
    """Another Esterly Fire analyst, named on nothing."""
    return member_of(other_agency, "analyst", username="esterly-fire.night-analyst")


@pytest.fixture
def esterly_bridge(other_agency, api_with_token):
    """Esterly Fire's dispatch system, an API client in the analyst role."""
    _, token = issue_client(other_agency, "analyst", name="Esterly CAD bridge")
    return api_with_token(token)


BOTH = ["Dock Street arson", "Informant at Pier 9"]


# While the agreement is in force


def test_a_person_named_under_the_agreement_sees_both_and_her_colleagues_do_not(
    api_as, named_analyst, colleague, esterly_bridge, arson, informant, red_agreement
):
    client = api_as(named_analyst)

    assert listed(client) == (2, BOTH)
    assert reach(client, arson) == everywhere(200)
    assert reach(client, informant) == everywhere(200)
    assert policy.permissions_on(named_analyst, informant) == {"view", "contribute"}
    assert set(
        IncidentUserGrant.objects.filter(user=named_analyst).values_list(
            "content_object__title", "agreement"
        )
    ) == {("Dock Street arson", red_agreement.pk), ("Informant at Pier 9", red_agreement.pk)}
    assert listed(api_as(colleague)) == (0, [])
    assert reach(api_as(colleague), informant) == everywhere(404)
    assert listed(esterly_bridge) == (0, [])
    assert reach(esterly_bridge, arson) == everywhere(404)


def test_the_named_grant_is_audited_with_the_agreement_it_was_made_under(
    named_analyst, informant, red_agreement
):
    record = AuditRecord.objects.filter(
        action=AuditAction.PERSON_GRANTED, target_id=str(informant.public_id)
    ).get()
    assert record.detail == {
        "person": "esterly-fire.analyst",
        "level": "contribute",
        "agreement": red_agreement.pk,
    }


# When the agreement lapses


def test_suspending_the_agreement_hides_both_from_the_person_named_under_it(
    api_as, named_analyst, arson, informant, red_agreement, other_agency, other_admin, problem
):
    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")
    client = api_as(named_analyst)

    problem(client.get(incident_url(informant)), 404, "not_found")
    assert reach(client, arson) == everywhere(404)
    assert reach(client, informant) == everywhere(404)
    assert listed(client) == (0, [])
    assert listed(client, search="Pier 9") == (0, [])
    assert listed(client, search=informant.reference) == (0, [])
    assert listed(client, tlp="RED") == (0, [])
    assert not policy.can(named_analyst, "view", informant)
    assert policy.permissions_on(named_analyst, arson) == frozenset()


def test_she_can_no_longer_write_under_a_suspended_agreement(
    api_as, named_analyst, arson, red_agreement, other_agency, other_admin
):
    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")

    response = api_as(named_analyst).post(
        f"{incident_url(arson)}timeline/", {"kind": "note", "text": "Owner seen at 2 a.m."}
    )

    assert response.status_code == 404
    assert not arson.timeline.filter(text="Owner seen at 2 a.m.").exists()


def test_an_agreement_that_has_run_out_hides_them_in_the_query_itself(
    api_as, named_analyst, arson, informant, red_agreement
):
    SharingAgreement.objects.filter(pk=red_agreement.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    client = api_as(named_analyst)

    assert listed(client) == (0, [])
    assert reach(client, arson) == everywhere(404)
    assert reach(client, informant) == everywhere(404)
    assert policy.permissions_on(named_analyst, informant) == frozenset()


def test_renewing_the_agreement_gives_her_back_both_once_every_party_accepts(
    api_as, named_analyst, arson, informant, red_agreement, agency, admin, other_agency, other_admin
):
    # As agency shares do: the grant is suspended with the agreement, not taken back.
    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")
    client = api_as(named_analyst)

    renew_agreement(red_agreement, agency=other_agency, actor=other_admin, valid_until=None)
    assert listed(client) == (0, [])

    accept_agreement(red_agreement, agency=agency, actor=admin)
    assert listed(client) == (2, BOTH)
    assert reach(client, informant) == everywhere(200)


def test_the_lead_sees_whose_grant_waits_on_a_suspended_agreement(
    api_as, signed_in, named_analyst, informant, duty, red_agreement, other_agency, other_admin
):
    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")

    people = api_as(duty).get(f"{incident_url(informant)}shares/").json()["people"]
    tab = (
        signed_in(duty)
        .get(reverse("incident-sharing", args=[informant.public_id]))
        .content.decode()
    )

    assert people == [
        {
            "person": "esterly-fire.analyst",
            "level": "contribute",
            "agreement": {
                "id": red_agreement.pk,
                "name": "Harbor-Esterly arson task force",
                "status": "suspended",
            },
        },
        {"person": "harbor-police.duty_officer", "level": "share", "agreement": None},
    ]
    assert (
        "Harbor-Esterly arson task force "
        '<span class="muted">(suspended: the grant counts again only once it is active)</span>'
    ) in tab


# Grants that do not depend on agreements


def test_a_person_named_inside_the_lead_organisation_keeps_access_whatever_the_agreements(
    api_as, agency, analyst, duty, informant, red_agreement, other_agency, other_admin
):
    marine = member_of(
        AgencyFactory(name="Harbor Police Marine Unit", slug="hp-marine", parent=agency),
        "analyst",
        username="hp-marine.analyst",
    )
    for person in (analyst, marine):
        sharing_verbs.grant_person(informant, actor=duty, person=person)

    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")
    SharingAgreement.objects.filter(pk=red_agreement.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )

    for person in (analyst, marine):
        assert listed(api_as(person)) == (1, ["Informant at Pier 9"])
        assert reach(api_as(person), informant) == everywhere(200)
    assert set(
        IncidentUserGrant.objects.filter(content_object=informant).values_list(
            "user__username", "agreement"
        )
    ) == {
        ("harbor-police.duty_officer", None),
        ("harbor-police.analyst", None),
        ("hp-marine.analyst", None),
    }


def test_a_person_in_the_lead_agency_and_a_partner_is_named_as_one_of_the_lead(
    api_as, agency, other_agency, duty, informant, red_agreement, other_admin
):
    liaison = member_of(other_agency, "analyst", username="esterly-fire.liaison")
    agency_services.add_member(
        agency, user=liaison, role=agency.roles.get(slug="analyst"), actor=platform_operator()
    )

    sharing_verbs.grant_person(informant, actor=duty, person=liaison)
    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")

    assert IncidentUserGrant.objects.get(user=liaison).agreement is None
    assert listed(api_as(liaison)) == (1, ["Informant at Pier 9"])


def test_a_person_named_by_breaking_glass_keeps_the_grant_whatever_the_agreements(
    api_as, agency, admin, other_agency, other_admin, duty, fire_analyst, informant
):
    # Their agreement stops at AMBER+STRICT, so naming her on RED takes breaking glass.
    mutual_aid = agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin
    )
    sharing_verbs.grant_person(
        informant, actor=duty, person=fire_analyst, break_glass=True, justification=JUSTIFICATION
    )
    suspend_agreement(mutual_aid, agency=other_agency, actor=other_admin, reason="Audit")

    assert IncidentUserGrant.objects.get(user=fire_analyst).agreement is None
    assert listed(api_as(fire_analyst)) == (1, ["Informant at Pier 9"])
    assert reach(api_as(fire_analyst), informant) == everywhere(200)
    record = AuditRecord.objects.get(action=AuditAction.BREAK_GLASS)
    assert (record.flagged, record.detail["agreement"]) == (True, None)


# The same mistake elsewhere: grants that outlive the agreement's terms


def test_raising_the_marking_beyond_the_agreement_withdraws_the_people_named_under_it(
    api_as, agency, admin, other_agency, other_admin, duty, fire_analyst, arson
):
    mutual_aid = agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin
    )
    sharing_verbs.grant_person(arson, actor=duty, person=fire_analyst)
    assert listed(api_as(fire_analyst)) == (1, ["Dock Street arson"])

    incident_verbs.change_marking(arson, "RED", actor=duty)

    assert listed(api_as(fire_analyst)) == (0, [])
    assert grants.named_grants(arson) == [
        grants.NamedGrant(duty.pk, Access.SHARE, None),
    ]
    record = AuditRecord.objects.filter(action=AuditAction.PERSON_REVOKED).get()
    assert record.detail == {
        "person": "esterly-fire.analyst",
        "reason": "the agreement no longer covers the incident",
        "agreement": mutual_aid.pk,
    }


def test_changing_the_type_beyond_the_agreement_withdraws_the_people_named_under_it(
    api_as, agency, admin, other_agency, other_admin, duty, fire_analyst, arson
):
    agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        incident_types=["fire"],
    )
    sharing_verbs.grant_person(arson, actor=duty, person=fire_analyst)

    incident_verbs.update_incident(arson, actor=duty, incident_type="hazmat")

    assert listed(api_as(fire_analyst)) == (0, [])
    assert not IncidentUserGrant.objects.filter(user=fire_analyst).exists()


@pytest.fixture
def fire_duty(other_agency):
    return member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer")


def test_a_partner_commander_who_marks_it_red_is_named_under_the_agreement(
    api_as, arson, duty, fire_duty, other_agency, other_admin, red_agreement
):
    add_participant(arson, actor=duty, agency=other_agency, part="unified_command")

    incident_verbs.change_marking(arson, "RED", actor=fire_duty)
    assert (
        IncidentUserGrant.objects.filter(user=fire_duty)
        .values_list("agreement", flat=True)
        .distinct()
        .get()
        == red_agreement.pk
    )
    assert listed(api_as(fire_duty)) == (1, ["Dock Street arson"])

    suspend_agreement(red_agreement, agency=other_agency, actor=other_admin, reason="Audit")
    assert listed(api_as(fire_duty)) == (0, [])
    assert reach(api_as(fire_duty), arson) == everywhere(404)


def test_a_partner_commander_may_not_mark_it_red_beyond_every_agreement(
    api_as, agency, admin, other_agency, other_admin, duty, fire_duty, arson
):
    # Their agreement stops at AMBER+STRICT: RED would hide the incident from him.
    agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)
    add_participant(arson, actor=duty, agency=other_agency, part="unified_command")

    with pytest.raises(Forbidden) as refused:
        incident_verbs.change_marking(arson, "RED", actor=fire_duty)

    assert refused.value.code == "not_permitted"
    arson.refresh_from_db()
    assert arson.tlp == "AMBER+STRICT"
    assert not IncidentUserGrant.objects.filter(user=fire_duty).exists()
    assert listed(api_as(fire_duty)) == (1, ["Dock Street arson"])


# Grants named before agreements were recorded on them


def test_grants_named_before_are_given_the_agreement_they_were_made_under(
    named_analyst, analyst, duty, informant, red_agreement, northgate, agency, admin
):
    northgate_analyst = member_of(northgate, "analyst", username="northgate-ems.analyst")
    sharing_verbs.grant_person(informant, actor=duty, person=analyst)
    sharing_verbs.grant_person(
        informant,
        actor=duty,
        person=northgate_analyst,
        break_glass=True,
        justification=JUSTIFICATION,
    )
    IncidentUserGrant.objects.update(agreement=None)
    migration = importlib.import_module("incidents.migrations.0005_named_grant_agreement")

    migration.record_agreements(apps, None)

    assert set(
        IncidentUserGrant.objects.filter(content_object=informant).values_list(
            "user__username", "agreement"
        )
    ) == {
        ("harbor-police.duty_officer", None),
        ("harbor-police.analyst", None),
        ("esterly-fire.analyst", red_agreement.pk),
        ("northgate-ems.analyst", None),
    }
