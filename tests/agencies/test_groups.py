"""Role groups follow memberships, roles and clients at once, inside the same transaction."""

import pytest
from django.db import transaction

from agencies import services
from agencies.access import agencies_with, has_capability
from agencies.capabilities import Capability
from coordination.errors import Conflict, Invalid
from tests.factories import UserFactory, issue_client, member_of, platform_operator


def group_names(user):
    return sorted(user.groups.values_list("name", flat=True))


def test_a_new_agency_has_five_builtin_roles_each_with_its_own_group(agency):
    roles = {role.slug: role for role in agency.roles.prefetch_related("capability_grants")}
    assert sorted(roles) == ["admin", "analyst", "duty_officer", "responder", "viewer"]
    assert roles["viewer"].capabilities == {"view"}
    assert roles["analyst"].capabilities == {"view", "contribute"}
    assert roles["duty_officer"].capabilities == {"view", "contribute", "command", "share"}
    assert roles["admin"].capabilities == {"view", "administer"}
    assert roles["analyst"].group.name == "harbor-police.analyst"


def test_adding_a_member_puts_them_in_the_role_group(agency, analyst):
    assert group_names(analyst) == ["harbor-police.analyst"]


def test_a_person_can_hold_roles_in_several_agencies(agency, other_agency, analyst):
    services.add_member(
        other_agency,
        user=analyst,
        role=other_agency.roles.get(slug="viewer"),
        actor=platform_operator(),
    )
    assert group_names(analyst) == ["esterly-fire.viewer", "harbor-police.analyst"]


def test_changing_a_role_moves_the_person_between_groups(agency, analyst):
    membership = analyst.memberships.get()
    services.change_member(
        membership, role=agency.roles.get(slug="duty_officer"), actor=platform_operator()
    )
    assert group_names(analyst) == ["harbor-police.duty_officer"]


def test_deactivating_removes_the_group_and_reactivating_restores_it(agency, analyst):
    membership = analyst.memberships.get()
    services.deactivate_member(membership, actor=platform_operator())
    assert group_names(analyst) == []
    assert not has_capability(analyst, agency, Capability.VIEW)
    services.add_member(
        agency, user=analyst, role=agency.roles.get(slug="viewer"), actor=platform_operator()
    )
    assert group_names(analyst) == ["harbor-police.viewer"]


def _deactivate_then_fail(membership):
    with transaction.atomic():
        services.deactivate_member(membership, actor=platform_operator())
        raise RuntimeError("failure half-way")


def test_a_failed_change_leaves_groups_as_they_were(agency, analyst):
    membership = analyst.memberships.get()
    with pytest.raises(RuntimeError):
        _deactivate_then_fail(membership)
    membership.refresh_from_db()
    assert membership.is_active
    assert group_names(analyst) == ["harbor-police.analyst"]


def test_a_duplicate_membership_is_a_conflict(agency, analyst):
    with pytest.raises(Conflict) as error:
        services.add_member(
            agency, user=analyst, role=agency.roles.get(slug="viewer"), actor=platform_operator()
        )
    assert error.value.code == "membership_exists"


def test_a_role_of_another_agency_is_refused(agency, other_agency):
    person = UserFactory()
    with pytest.raises(Invalid) as error:
        services.add_member(
            agency,
            user=person,
            role=other_agency.roles.get(slug="viewer"),
            actor=platform_operator(),
        )
    assert error.value.code == "role_other_agency"
    assert not person.memberships.exists()


def test_custom_role_capabilities_take_effect_at_once(agency):
    watch = services.define_role(
        agency,
        name="Watch Commander",
        capabilities=["view", "contribute", "command"],
        actor=platform_operator(),
    )
    assert watch.slug == "watch_commander"
    person = UserFactory()
    services.add_member(agency, user=person, role=watch, actor=platform_operator())
    assert has_capability(person, agency, Capability.COMMAND)
    assert not has_capability(person, agency, Capability.SHARE)

    services.change_role(watch, capabilities=["view", "share"], actor=platform_operator())
    assert has_capability(person, agency, Capability.SHARE)
    assert not has_capability(person, agency, Capability.COMMAND)


def test_a_role_in_use_cannot_be_deleted(agency):
    pio = services.define_role(
        agency, name="Public Information Officer", capabilities=["view"], actor=platform_operator()
    )
    member_of(agency, pio.slug)
    with pytest.raises(Conflict) as error:
        services.delete_role(pio, actor=platform_operator())
    assert error.value.code == "role_in_use"
    assert "1 member" in error.value.message
    assert error.value.extra == {"members": 1, "api_clients": 0}


def test_builtin_roles_cannot_be_changed_or_deleted(agency):
    viewer = agency.roles.get(slug="viewer")
    with pytest.raises(Conflict):
        services.change_role(viewer, capabilities=["view", "command"], actor=platform_operator())
    with pytest.raises(Conflict):
        services.delete_role(viewer, actor=platform_operator())


def test_the_last_administrator_cannot_be_removed(agency, admin):
    with pytest.raises(Conflict) as error:
        services.deactivate_member(admin.memberships.get(), actor=platform_operator())
    assert error.value.code == "last_administrator"
    second = member_of(agency, "admin")
    services.deactivate_member(admin.memberships.get(), actor=platform_operator())
    assert list(agencies_with(second, Capability.ADMINISTER)) == [agency]


def test_an_api_client_account_joins_its_role_group_until_revoked(agency, admin):
    client, token = issue_client(agency, "viewer")
    assert token.startswith("ccd_")
    assert group_names(client.account) == ["harbor-police.viewer"]
    assert not client.account.has_usable_password()
    services.revoke_api_client(client, actor=admin)
    client.account.refresh_from_db()
    assert group_names(client.account) == []
    assert not client.account.is_active


def test_deactivating_an_agency_takes_every_role_away(agency, analyst):
    services.set_agency_active(agency, False, actor=platform_operator())
    assert group_names(analyst) == []
    services.set_agency_active(agency, True, actor=platform_operator())
    assert group_names(analyst) == ["harbor-police.analyst"]
