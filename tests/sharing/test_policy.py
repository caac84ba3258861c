"""Who sees what: the sharing layer's rules told as stories about people."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies import services as agency_services
from coordination.errors import Conflict, Forbidden, Invalid
from incidents.models import Incident
from incidents.services import incidents as incident_services
from incidents.services import sharing as sharing_services
from sharing import policy
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


@pytest.fixture
def fire_duty(other_agency):
    return member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer")


def seen_by(user):
    return set(policy.visible(user, Incident.objects.all()).values_list("title", flat=True))


def test_the_lead_agency_sees_its_amber_incident_and_another_agency_does_not(
    duty, analyst, fire_analyst
):
    open_incident(duty, title="Dock fire")
    assert seen_by(duty) == {"Dock fire"}
    assert seen_by(analyst) == {"Dock fire"}
    assert seen_by(fire_analyst) == set()


def test_green_is_seen_by_every_agency_but_only_the_lead_contributes(duty, fire_analyst):
    incident = open_incident(duty, title="Road closure", tlp="GREEN")
    assert policy.can(fire_analyst, "view", incident)
    assert not policy.can(fire_analyst, "contribute", incident)
    assert policy.permissions_on(duty, incident) == {"view", "contribute", "command", "share"}


def test_capabilities_cap_what_the_lead_roles_get(agency, duty, analyst):
    incident = open_incident(duty)
    viewer = member_of(agency, "viewer")
    admin = member_of(agency, "admin")
    assert policy.permissions_on(analyst, incident) == {"view", "contribute"}
    assert policy.permissions_on(viewer, incident) == {"view"}
    assert policy.permissions_on(admin, incident) == {"view"}


def test_sharing_outside_an_agreement_is_refused_naming_what_is_missing(
    duty, other_agency, fire_analyst
):
    incident = open_incident(duty)
    with pytest.raises(Conflict) as error:
        sharing_services.share_incident(incident, actor=duty, agency=other_agency)
    assert error.value.code == "agreement_missing"
    assert "Harbor Police and Esterly Fire" in error.value.message
    assert seen_by(fire_analyst) == set()


@pytest.fixture
def agreement(agency, other_agency, admin, other_admin):
    return agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)


def test_shared_under_an_agreement_it_is_seen_until_the_agreement_is_suspended(
    duty, other_agency, fire_analyst, agreement, other_admin, admin
):
    incident = open_incident(duty, title="Dock fire")
    sharing_services.share_incident(
        incident, actor=duty, agency=other_agency, level=Access.CONTRIBUTE
    )
    assert policy.permissions_on(fire_analyst, incident) == {"view", "contribute"}

    suspend_agreement(agreement, agency=other_agency, actor=other_admin, reason="Review")
    assert seen_by(fire_analyst) == set()

    renew_agreement(agreement, agency=other_agency, actor=other_admin, valid_until=None)
    assert seen_by(fire_analyst) == set()
    accept_agreement(agreement, agency=agreement.proposed_by, actor=admin)
    assert seen_by(fire_analyst) == {"Dock fire"}


def test_an_expired_agreement_stops_counting_in_the_query_itself(
    duty, other_agency, fire_analyst, agreement
):
    incident = open_incident(duty, title="Dock fire")
    sharing_services.share_incident(incident, actor=duty, agency=other_agency)
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    assert seen_by(fire_analyst) == set()


def test_amber_reaches_sub_agencies_and_amber_strict_does_not(duty, agency):
    substation = AgencyFactory(name="Harbor Police Marine Unit", slug="hp-marine", parent=agency)
    marine = member_of(substation, "analyst")
    incident = open_incident(duty, title="Dock fire", tlp="AMBER")
    assert seen_by(marine) == {"Dock fire"}
    assert not policy.can(marine, "contribute", incident)

    incident_services.change_marking(incident, "AMBER+STRICT", actor=duty)
    assert seen_by(marine) == set()


def test_red_is_for_named_people_only(duty, analyst, agency):
    incident = open_incident(duty, title="Informant", tlp="RED")
    assert seen_by(duty) == {"Informant"}
    assert seen_by(analyst) == set()
    sharing_services.grant_person(incident, actor=duty, person=analyst)
    assert seen_by(analyst) == {"Informant"}
    sharing_services.revoke_person(incident, actor=duty, person=analyst)
    assert seen_by(analyst) == set()


def test_a_red_incident_cannot_be_shared_with_a_whole_agency(duty, other_agency, agreement):
    incident = open_incident(duty, tlp="RED")
    with pytest.raises(Invalid) as error:
        sharing_services.share_incident(incident, actor=duty, agency=other_agency)
    assert error.value.code == "red_needs_named_people"


def test_raising_the_marking_takes_visibility_away_at_once(duty, fire_analyst):
    incident = open_incident(duty, title="Road closure", tlp="GREEN")
    assert seen_by(fire_analyst) == {"Road closure"}
    incident_services.change_marking(incident, "AMBER", actor=duty)
    assert seen_by(fire_analyst) == set()


def test_lowering_the_marking_needs_the_share_permission(agency, duty):
    incident = open_incident(duty, tlp="AMBER")
    commander = member_of(
        agency,
        agency_services.define_role(
            agency,
            name="Watch Commander",
            capabilities=["view", "contribute", "command"],
            actor=platform_operator(),
        ).slug,
    )
    incident_services.change_marking(incident, "AMBER+STRICT", actor=commander)
    with pytest.raises(Forbidden):
        incident_services.change_marking(incident, "GREEN", actor=commander)


def test_a_capability_change_takes_effect_at_once_on_shared_incidents(agency, duty):
    pio = agency_services.define_role(
        agency, name="Press Officer", capabilities=["view"], actor=platform_operator()
    )
    officer = member_of(agency, pio.slug)
    incident = open_incident(duty)
    assert policy.permissions_on(officer, incident) == {"view"}
    agency_services.change_role(pio, capabilities=["view", "contribute"], actor=platform_operator())
    assert policy.permissions_on(officer, incident) == {"view", "contribute"}
    agency_services.change_role(pio, capabilities=["administer"], actor=platform_operator())
    assert policy.permissions_on(officer, incident) == frozenset()


def test_a_role_defined_after_sharing_gets_the_agencys_grants(agency, duty):
    incident = open_incident(duty, title="Dock fire")
    watch = agency_services.define_role(
        agency, name="Night Watch", capabilities=["view"], actor=platform_operator()
    )
    assert seen_by(member_of(agency, watch.slug)) == {"Dock fire"}
    assert policy.can(duty, "view", incident)


def test_a_deactivated_member_loses_access_at_once(duty, analyst):
    open_incident(duty, title="Dock fire")
    agency_services.deactivate_member(analyst.memberships.get(), actor=platform_operator())
    assert seen_by(analyst) == set()


def test_an_api_client_sees_what_a_person_in_its_role_sees(agency, duty, fire_analyst):
    open_incident(duty, title="Dock fire")
    client, _ = issue_client(agency, "viewer")
    assert seen_by(client.account) == {"Dock fire"}
    agency_services.revoke_api_client(client, actor=platform_operator())
    client.account.refresh_from_db()
    assert seen_by(client.account) == set()


def test_can_is_two_small_queries(duty, django_assert_max_num_queries):
    incident = open_incident(duty)
    with django_assert_max_num_queries(2):
        assert policy.can(duty, "share", incident)
    with django_assert_max_num_queries(2):
        assert policy.permissions_on(duty, incident) == {"view", "contribute", "command", "share"}


def test_break_glass_shares_outside_an_agreement_with_a_justification(
    duty, other_agency, fire_analyst
):
    incident = open_incident(duty, title="Dock fire")
    with pytest.raises(Invalid):
        sharing_services.share_incident(
            incident, actor=duty, agency=other_agency, break_glass=True, justification="now"
        )
    share = sharing_services.share_incident(
        incident,
        actor=duty,
        agency=other_agency,
        break_glass=True,
        justification="Fire crews need the hazmat manifest before entering the warehouse.",
    )
    assert share.kind == "break_glass"
    assert seen_by(fire_analyst) == {"Dock fire"}
