"""/api/v1/roles/: the roles of the agencies one belongs to, and their admins' own roles."""

from django.contrib.auth.models import Group

from agencies import services
from agencies.models import Role
from tests.factories import issue_client, member_of, platform_operator

ROLES = "/api/v1/roles/"
BUILTIN_ROLES = ["admin", "analyst", "duty_officer", "responder", "viewer"]


def detail(role):
    return f"{ROLES}{role.pk}/"


def listed(response):
    """The (agency, slug) of each role in a list response."""
    assert response.status_code == 200, response.content
    return [(item["agency"], item["slug"]) for item in response.json()["results"]]


def watch_commander(agency):
    return services.define_role(
        agency,
        name="Watch Commander",
        capabilities=["view", "contribute", "command"],
        actor=platform_operator(),
    )


def held_capabilities(session):
    """What /api/v1/me/ says the signed-in person may do, per agency."""
    me = session.get("/api/v1/me/").json()
    return {held["agency"]: held["capabilities"] for held in me["roles"]}


# Who sees which roles


def test_a_member_sees_the_five_builtin_roles_of_their_agency(api_as, analyst, other_admin):
    response = api_as(analyst).get(ROLES)

    assert response.json()["count"] == 5
    assert listed(response) == [("harbor-police", slug) for slug in BUILTIN_ROLES]


def test_a_role_shows_its_capabilities_and_how_many_hold_it(api_as, agency, analyst):
    member_of(agency, "analyst")
    role = agency.roles.get(slug="analyst")

    response = api_as(analyst).get(detail(role))

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": str(role.pk),
        "agency": "harbor-police",
        "slug": "analyst",
        "name": "Analyst",
        "description": "Reads incidents and contributes assessments, timeline entries and reports.",
        "capabilities": ["contribute", "view"],
        "is_builtin": True,
        "member_count": 2,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_another_agencys_admin_neither_lists_nor_finds_our_roles(
    api_as, problem, agency, admin, other_admin
):
    role = watch_commander(agency)
    esterly = api_as(other_admin)

    assert listed(esterly.get(ROLES)) == [("esterly-fire", slug) for slug in BUILTIN_ROLES]
    problem(esterly.get(detail(role)), 404, "not_found")
    problem(esterly.patch(detail(role), {"name": "Ours now"}), 404, "not_found")
    problem(esterly.delete(detail(role)), 404, "not_found")
    assert Role.objects.get(pk=role.pk).name == "Watch Commander"


def test_someone_in_no_agency_sees_no_roles(api_as, agency, outsider):
    response = api_as(outsider).get(ROLES)

    assert response.json()["count"] == 0
    assert listed(response) == []


def test_a_deactivated_member_loses_sight_of_the_roles_at_once(api_as, problem, agency, analyst):
    session = api_as(analyst)
    role = agency.roles.get(slug="viewer")
    assert session.get(detail(role)).status_code == 200

    services.deactivate_member(analyst.memberships.get(), actor=platform_operator())

    assert listed(session.get(ROLES)) == []
    problem(session.get(detail(role)), 404, "not_found")


def test_roles_filter_by_builtin(api_as, agency, admin):
    watch_commander(agency)

    response = api_as(admin).get(ROLES, {"is_builtin": "false"})

    assert listed(response) == [("harbor-police", "watch_commander")]


def test_an_api_client_sees_the_roles_of_its_agency(api_with_token, agency, other_agency):
    _, token = issue_client(agency, "viewer", scopes=["read"])

    response = api_with_token(token).get(ROLES)

    assert listed(response) == [("harbor-police", slug) for slug in BUILTIN_ROLES]


# Defining roles


def test_an_administrator_defines_a_role_of_their_own(api_as, admin):
    response = api_as(admin).post(
        ROLES,
        {
            "agency": "harbor-police",
            "name": "Watch Commander",
            "description": "Leads the night watch.",
            "capabilities": ["command", "view", "contribute"],
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in body if key not in ("id", "created_at", "updated_at")} == {
        "agency": "harbor-police",
        "slug": "watch_commander",
        "name": "Watch Commander",
        "description": "Leads the night watch.",
        "capabilities": ["command", "contribute", "view"],
        "is_builtin": False,
        "member_count": 0,
    }
    assert Group.objects.filter(name="harbor-police.watch_commander").exists()


def test_only_administrators_of_the_agency_define_roles(
    api_as, problem, admin, analyst, other_admin
):
    request = {"agency": "harbor-police", "name": "Watch Commander", "capabilities": ["view"]}

    for person in (analyst, other_admin):
        body = problem(api_as(person).post(ROLES, request), 403, "not_administrator")
        assert body["detail"] == "You do not administer Harbor Police."

    assert not Role.objects.filter(slug="watch_commander").exists()


def test_a_role_name_already_taken_is_a_conflict(api_as, problem, agency, admin):
    watch_commander(agency)

    response = api_as(admin).post(
        ROLES, {"agency": "harbor-police", "name": "watch commander", "capabilities": ["view"]}
    )

    body = problem(response, 409, "role_exists")
    assert body["errors"] == {"name": ["Harbor Police already has a role named 'watch commander'."]}


def test_an_unknown_capability_is_refused(api_as, problem, admin):
    response = api_as(admin).post(
        ROLES, {"agency": "harbor-police", "name": "Pilot", "capabilities": ["view", "fly"]}
    )

    body = problem(response, 400, "invalid")
    assert body["errors"] == {"capabilities.1": ['"fly" is not a valid choice.']}


def test_a_role_that_acts_without_viewing_is_refused_and_nothing_is_written(api_as, problem, admin):
    groups_before = Group.objects.count()

    response = api_as(admin).post(
        ROLES, {"agency": "harbor-police", "name": "Ghost", "capabilities": ["contribute"]}
    )

    body = problem(response, 400, "unknown_capability")
    assert body["errors"] == {
        "capabilities": ["A role that contributes, commands or shares must also be able to view."]
    }
    assert not Role.objects.filter(slug="ghost").exists()
    assert Group.objects.count() == groups_before


# Changing and deleting roles


def test_an_administrator_renames_a_role_and_its_slug_stays(api_as, agency, admin):
    role = watch_commander(agency)

    response = api_as(admin).patch(detail(role), {"name": "Shift Commander"})

    assert response.status_code == 200, response.content
    assert (response.json()["name"], response.json()["slug"]) == (
        "Shift Commander",
        "watch_commander",
    )


def test_changing_capabilities_takes_effect_at_once_for_every_holder(api_as, agency, admin):
    role = watch_commander(agency)
    commander = member_of(agency, role.slug)
    commander_session = api_as(commander)
    assert held_capabilities(commander_session) == {
        "harbor-police": ["command", "contribute", "view"]
    }

    response = api_as(admin).patch(detail(role), {"capabilities": ["view", "share"]})

    assert response.json()["capabilities"] == ["share", "view"]
    assert held_capabilities(commander_session) == {"harbor-police": ["share", "view"]}


def test_a_member_who_does_not_administer_cannot_change_a_role(
    api_as, problem, agency, admin, analyst
):
    role = watch_commander(agency)

    problem(
        api_as(analyst).patch(detail(role), {"capabilities": ["view"]}), 403, "not_administrator"
    )
    problem(api_as(analyst).delete(detail(role)), 403, "not_administrator")
    assert Role.objects.get(pk=role.pk).capabilities == {"view", "contribute", "command"}


def test_an_unused_role_can_be_deleted(api_as, agency, admin):
    role = watch_commander(agency)

    response = api_as(admin).delete(detail(role))

    assert response.status_code == 204
    assert not Role.objects.filter(pk=role.pk).exists()
    assert not Group.objects.filter(name="harbor-police.watch_commander").exists()


def test_a_role_in_use_cannot_be_deleted(api_as, problem, agency, admin):
    role = watch_commander(agency)
    member_of(agency, role.slug)
    member_of(agency, role.slug)
    issue_client(agency, role.slug)

    body = problem(api_as(admin).delete(detail(role)), 409, "role_in_use")

    assert body["detail"] == (
        "Watch Commander is held by 2 members and 1 API client; move them to another role first."
    )
    assert (body["members"], body["api_clients"]) == (2, 1)
    assert Role.objects.filter(pk=role.pk).exists()


def test_builtin_roles_cannot_be_changed_or_deleted(api_as, problem, agency, admin):
    viewer = agency.roles.get(slug="viewer")
    harbor = api_as(admin)

    changed = problem(harbor.patch(detail(viewer), {"name": "Reader"}), 409, "role_builtin")
    deleted = problem(harbor.delete(detail(viewer)), 409, "role_builtin")

    assert changed["detail"] == (
        "Viewer is a built-in role and cannot be changed; define a role of your own."
    )
    assert deleted["detail"] == (
        "Viewer is a built-in role and cannot be deleted; define a role of your own."
    )
    viewer.refresh_from_db()
    assert (viewer.name, viewer.capabilities) == ("Viewer", {"view"})


def test_a_read_only_token_cannot_define_roles_even_in_the_admin_role(
    api_with_token, problem, agency
):
    _, token = issue_client(agency, "admin", scopes=["read"])

    response = api_with_token(token).post(
        ROLES, {"agency": "harbor-police", "name": "Watch Commander", "capabilities": ["view"]}
    )

    problem(response, 403, "insufficient_scope")
    assert not Role.objects.filter(slug="watch_commander").exists()


# Cost


def test_listing_roles_costs_the_same_for_few_or_many_roles(
    api_as, agency, admin, django_assert_max_num_queries
):
    harbor = api_as(admin)
    with django_assert_max_num_queries(5) as few:
        assert harbor.get(ROLES).json()["count"] == 5

    for number in range(10):
        services.define_role(
            agency,
            name=f"Sector {number}",
            capabilities=["view", "command"],
            actor=platform_operator(),
        )
        member_of(agency, f"sector_{number}")
    with django_assert_max_num_queries(5) as many:
        assert harbor.get(ROLES).json()["count"] == 15

    assert len(many) == len(few)
