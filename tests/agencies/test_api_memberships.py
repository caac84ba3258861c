"""/api/v1/memberships/: who holds which role where.

Administrators of an agency see and manage its members; everyone sees their own
memberships; nobody else learns that a membership exists (404).
"""

from agencies import services
from agencies.models import Membership
from tests.factories import UserFactory, issue_client, member_of, platform_operator

MEMBERSHIPS = "/api/v1/memberships/"


def detail(membership):
    return f"{MEMBERSHIPS}{membership.pk}/"


def listed(response):
    """The (username, agency, role) of each membership in a list response."""
    assert response.status_code == 200, response.content
    return [
        (item["user"]["username"], item["agency"], item["role"])
        for item in response.json()["results"]
    ]


def group_names(user):
    return sorted(user.groups.values_list("name", flat=True))


# Who sees which memberships


def test_an_administrator_sees_every_member_of_their_agency(api_as, admin, analyst, other_admin):
    response = api_as(admin).get(MEMBERSHIPS)

    assert response.json()["count"] == 2
    assert listed(response) == [
        ("harbor-police.admin", "harbor-police", "admin"),
        ("harbor-police.analyst", "harbor-police", "analyst"),
    ]


def test_a_member_sees_only_their_own_membership(api_as, admin, analyst):
    response = api_as(analyst).get(MEMBERSHIPS)

    assert response.json()["count"] == 1
    assert listed(response) == [("harbor-police.analyst", "harbor-police", "analyst")]


def test_a_membership_shows_the_person_role_and_capabilities(api_as, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(admin).get(detail(membership))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": str(membership.pk),
        "agency": "harbor-police",
        "user": {
            "username": "harbor-police.analyst",
            "full_name": analyst.get_full_name(),
            "email": "harbor-police.analyst@example.org",
        },
        "role": "analyst",
        "role_name": "Analyst",
        "capabilities": ["contribute", "view"],
        "is_active": True,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
        "deactivated_at": None,
    }


def test_another_agencys_admin_neither_lists_nor_finds_our_memberships(
    api_as, problem, admin, analyst, other_admin
):
    esterly = api_as(other_admin)
    membership = analyst.memberships.get()

    response = esterly.get(MEMBERSHIPS)
    assert response.json()["count"] == 1
    assert listed(response) == [("esterly-fire.admin", "esterly-fire", "admin")]

    problem(esterly.get(detail(membership)), 404, "not_found")
    problem(esterly.patch(detail(membership), {"role": "viewer"}), 404, "not_found")
    problem(esterly.delete(detail(membership)), 404, "not_found")
    membership.refresh_from_db()
    assert (membership.role.slug, membership.is_active) == ("analyst", True)


def test_someone_in_no_agency_sees_an_empty_list(api_as, analyst, outsider):
    response = api_as(outsider).get(MEMBERSHIPS)

    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_a_person_in_two_agencies_sees_what_they_administer_and_their_own(
    api_as, agency, admin, analyst, other_agency, other_admin
):
    services.add_member(
        other_agency,
        user=admin,
        role=other_agency.roles.get(slug="viewer"),
        actor=platform_operator(),
    )
    member_of(other_agency, "viewer", username="esterly-fire.viewer")

    response = api_as(admin).get(MEMBERSHIPS)

    assert listed(response) == [
        ("harbor-police.admin", "esterly-fire", "viewer"),
        ("harbor-police.admin", "harbor-police", "admin"),
        ("harbor-police.analyst", "harbor-police", "analyst"),
    ]


def test_memberships_filter_by_role_and_by_activity(api_as, agency, admin, analyst):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    api_as(admin).delete(detail(viewer.memberships.get()))
    harbor = api_as(admin)

    assert listed(harbor.get(MEMBERSHIPS, {"role": "analyst"})) == [
        ("harbor-police.analyst", "harbor-police", "analyst")
    ]
    assert listed(harbor.get(MEMBERSHIPS, {"is_active": "false"})) == [
        ("harbor-police.viewer", "harbor-police", "viewer")
    ]


# Adding people


def test_an_administrator_adds_a_person_who_gets_the_role_at_once(api_as, admin, agency):
    newcomer = UserFactory(username="newcomer")

    response = api_as(admin).post(
        MEMBERSHIPS, {"agency": "harbor-police", "user": "newcomer", "role": "duty_officer"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["agency"], body["user"]["username"], body["role"]) == (
        "harbor-police",
        "newcomer",
        "duty_officer",
    )
    assert body["capabilities"] == ["command", "contribute", "share", "view"]
    membership = Membership.objects.get(pk=body["id"])
    assert membership.created_by == admin
    assert group_names(newcomer) == ["harbor-police.duty_officer"]
    me = api_as(newcomer).get("/api/v1/me/").json()
    assert [(held["agency"], held["role"]) for held in me["roles"]] == [
        ("harbor-police", "duty_officer")
    ]


def test_an_administrator_brings_back_a_deactivated_member(api_as, admin, analyst):
    membership = analyst.memberships.get()
    harbor = api_as(admin)
    harbor.delete(detail(membership))

    response = harbor.post(
        MEMBERSHIPS, {"agency": "harbor-police", "user": analyst.username, "role": "viewer"}
    )

    assert response.status_code == 201
    assert response.json()["id"] == str(membership.pk)
    assert (response.json()["role"], response.json()["is_active"]) == ("viewer", True)
    assert group_names(analyst) == ["harbor-police.viewer"]


def test_adding_someone_already_active_is_a_conflict(api_as, problem, admin, analyst):
    response = api_as(admin).post(
        MEMBERSHIPS, {"agency": "harbor-police", "user": analyst.username, "role": "viewer"}
    )

    body = problem(response, 409, "membership_exists")
    assert body["detail"] == (
        "harbor-police.analyst is already a member of Harbor Police (as Analyst); "
        "change their role instead."
    )
    assert list(analyst.memberships.values_list("role__slug", flat=True)) == ["analyst"]
    assert group_names(analyst) == ["harbor-police.analyst"]


def test_an_unknown_role_is_refused_and_nothing_is_written(api_as, problem, admin):
    newcomer = UserFactory(username="newcomer")

    response = api_as(admin).post(
        MEMBERSHIPS, {"agency": "harbor-police", "user": "newcomer", "role": "captain"}
    )

    body = problem(response, 400, "invalid")
    assert body["errors"] == {"role": ["Harbor Police has no role 'captain'."]}
    assert not newcomer.memberships.exists()
    assert group_names(newcomer) == []


def test_an_unknown_person_is_refused(api_as, problem, admin):
    response = api_as(admin).post(
        MEMBERSHIPS, {"agency": "harbor-police", "user": "nobody", "role": "viewer"}
    )

    body = problem(response, 400, "invalid")
    assert body["errors"] == {"user": ["No person has the username 'nobody'."]}
    assert Membership.objects.filter(user__username="nobody").count() == 0


def test_an_api_clients_account_cannot_become_a_member(api_as, problem, agency, admin):
    client, _ = issue_client(agency, "viewer")

    response = api_as(admin).post(
        MEMBERSHIPS,
        {"agency": "harbor-police", "user": client.account.username, "role": "analyst"},
    )

    body = problem(response, 400, "service_account")
    assert body["errors"] == {"user": ["An API client's account cannot be a member."]}
    assert group_names(client.account) == ["harbor-police.viewer"]


def test_only_administrators_of_the_agency_may_add_people(
    api_as, problem, admin, analyst, other_admin
):
    newcomer = UserFactory(username="newcomer")
    request = {"agency": "harbor-police", "user": "newcomer", "role": "analyst"}

    for person in (other_admin, analyst):
        body = problem(api_as(person).post(MEMBERSHIPS, request), 403, "not_administrator")
        assert body["detail"] == "You do not administer Harbor Police."

    assert not newcomer.memberships.exists()
    assert group_names(newcomer) == []


def test_a_non_administrator_learns_nothing_about_the_agencys_roles_or_people(
    api_as, problem, admin, other_admin
):
    esterly = api_as(other_admin)

    for request in (
        {"agency": "harbor-police", "user": "nobody", "role": "analyst"},
        {"agency": "harbor-police", "user": "harbor-police.admin", "role": "captain"},
    ):
        problem(esterly.post(MEMBERSHIPS, request), 403, "not_administrator")


# Changing and removing memberships


def test_an_administrator_changes_a_members_role(api_as, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(admin).patch(detail(membership), {"role": "duty_officer"})

    assert response.status_code == 200, response.content
    assert (response.json()["role"], response.json()["role_name"]) == (
        "duty_officer",
        "Duty officer",
    )
    assert group_names(analyst) == ["harbor-police.duty_officer"]


def test_an_unknown_role_in_a_change_is_refused(api_as, problem, admin, analyst):
    membership = analyst.memberships.get()

    body = problem(api_as(admin).patch(detail(membership), {"role": "captain"}), 400, "invalid")

    assert body["errors"] == {"role": ["Harbor Police has no role 'captain'."]}
    membership.refresh_from_db()
    assert membership.role.slug == "analyst"


def test_a_member_cannot_change_their_own_membership(api_as, problem, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(analyst).patch(detail(membership), {"role": "admin"})

    problem(response, 403, "not_administrator")
    membership.refresh_from_db()
    assert membership.role.slug == "analyst"
    assert group_names(analyst) == ["harbor-police.analyst"]


def test_removing_a_member_deactivates_the_membership_and_keeps_the_row(api_as, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(admin).delete(detail(membership))

    assert response.status_code == 204
    membership.refresh_from_db()
    assert membership.is_active is False
    assert membership.deactivated_at is not None
    assert group_names(analyst) == []
    shown = api_as(admin).get(detail(membership)).json()
    assert (shown["is_active"], shown["deactivated_at"] is not None) == (False, True)


def test_deactivating_and_reactivating_with_is_active(api_as, admin, analyst):
    membership = analyst.memberships.get()
    harbor = api_as(admin)

    assert harbor.patch(detail(membership), {"is_active": False}).json()["is_active"] is False
    assert group_names(analyst) == []

    back = harbor.patch(detail(membership), {"is_active": True}).json()
    assert (back["is_active"], back["deactivated_at"]) == (True, None)
    assert group_names(analyst) == ["harbor-police.analyst"]


def test_the_last_administrator_cannot_be_removed_or_demoted(api_as, problem, admin):
    membership = admin.memberships.get()
    harbor = api_as(admin)

    for response in (
        harbor.delete(detail(membership)),
        harbor.patch(detail(membership), {"role": "analyst"}),
        harbor.patch(detail(membership), {"is_active": False}),
    ):
        body = problem(response, 409, "last_administrator")
        assert body["detail"] == (
            "This would leave Harbor Police without an administrator; "
            "give someone else an administering role first."
        )

    membership.refresh_from_db()
    assert (membership.role.slug, membership.is_active) == ("admin", True)


def test_one_of_two_administrators_may_step_down(api_as, agency, admin):
    member_of(agency, "admin", username="harbor-police.deputy")
    membership = admin.memberships.get()

    response = api_as(admin).patch(detail(membership), {"role": "analyst"})

    assert response.status_code == 200
    assert response.json()["role"] == "analyst"


def test_a_revoked_administrator_loses_access_at_once(
    api_as, problem, agency, admin, analyst, outsider
):
    deputy = member_of(agency, "admin", username="harbor-police.deputy")
    deputy_session = api_as(deputy)
    assert deputy_session.get(MEMBERSHIPS).json()["count"] == 3

    api_as(admin).delete(detail(deputy.memberships.get()))

    assert listed(deputy_session.get(MEMBERSHIPS)) == [
        ("harbor-police.deputy", "harbor-police", "admin")
    ]
    problem(deputy_session.get(detail(analyst.memberships.get())), 404, "not_found")
    response = deputy_session.post(
        MEMBERSHIPS, {"agency": "harbor-police", "user": "outsider", "role": "viewer"}
    )
    problem(response, 403, "not_administrator")


# API clients act as a person in their role would


def test_an_api_client_in_the_admin_role_cannot_make_an_administrator(
    api_with_token, problem, agency, admin, analyst, other_admin
):
    """A partner system administers nothing: with a leaked admin-role token an attacker
    would otherwise make a person of theirs an administrator, who then mints tokens."""
    _, token = issue_client(agency, "admin")
    partner = api_with_token(token)
    accomplice = UserFactory(username="accomplice")

    problem(
        partner.post(
            MEMBERSHIPS,
            {"agency": "harbor-police", "user": "accomplice", "role": "admin"},
            format="json",
        ),
        403,
        "not_administrator",
    )
    problem(
        partner.patch(detail(analyst.memberships.get()), {"role": "admin"}, format="json"),
        404,
        "not_found",
    )

    assert listed(partner.get(MEMBERSHIPS)) == []
    assert not accomplice.memberships.exists()
    assert analyst.memberships.get().role.slug == "analyst"


def test_an_api_client_in_the_analyst_role_sees_no_memberships(
    api_with_token, problem, agency, admin, analyst
):
    _, token = issue_client(agency, "analyst")
    partner = api_with_token(token)

    assert partner.get(MEMBERSHIPS).json()["count"] == 0
    problem(partner.get(detail(analyst.memberships.get())), 404, "not_found")


# Cost


def test_listing_memberships_costs_the_same_for_3_or_15_members(
    api_as, agency, admin, django_assert_max_num_queries
):
    harbor = api_as(admin)
    for _ in range(2):
        member_of(agency, "analyst")
    with django_assert_max_num_queries(5) as few:
        assert harbor.get(MEMBERSHIPS).json()["count"] == 3

    for _ in range(12):
        member_of(agency, "viewer")
    with django_assert_max_num_queries(5) as many:
        assert harbor.get(MEMBERSHIPS).json()["count"] == 15

    assert len(many) == len(few)
