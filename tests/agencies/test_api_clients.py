"""/api/v1/api-clients/: the partner systems an agency's administrators issue tokens to."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies.models import ApiClient
from tests.factories import issue_client

User = get_user_model()

API_CLIENTS = "/api/v1/api-clients/"
CAD_BRIDGE = {
    "agency": "harbor-police",
    "name": "CAD bridge",
    "role": "duty_officer",
    "scopes": ["read", "write"],
}


def detail(client):
    return f"{API_CLIENTS}{client.pk}/"


def revoke(client):
    return f"{API_CLIENTS}{client.pk}/revoke/"


def listed(response):
    """The (agency, name, status) of each API client in a list response."""
    assert response.status_code == 200, response.content
    return [(item["agency"], item["name"], item["status"]) for item in response.json()["results"]]


# Issuing a client


def test_an_administrator_issues_a_client_and_sees_its_token_once(api_as, api_with_token, admin):
    response = api_as(admin).post(API_CLIENTS, CAD_BRIDGE)

    assert response.status_code == 201, response.content
    body = response.json()
    client = ApiClient.objects.get(pk=body["id"])
    assert body == {
        "id": str(client.pk),
        "agency": "harbor-police",
        "name": "CAD bridge",
        "role": "duty_officer",
        "scopes": ["read", "write"],
        "status": "active",
        "token_prefix": body["token"][:10],
        "expires_at": None,
        "last_used_at": None,
        "revoked_at": None,
        "created_by": "harbor-police.admin",
        "created_at": body["created_at"],
        "token": body["token"],
    }
    assert body["token"].startswith("ccd_")
    me = api_with_token(body["token"]).get("/api/v1/me/").json()
    assert (me["kind"], me["api_client"]["name"]) == ("api_client", "CAD bridge")


def test_the_token_is_never_shown_again(api_as, admin):
    harbor = api_as(admin)
    issued = harbor.post(API_CLIENTS, CAD_BRIDGE).json()

    shown = harbor.get(f"{API_CLIENTS}{issued['id']}/")
    listing = harbor.get(API_CLIENTS)

    assert "token" not in shown.json()
    assert ["token" in item for item in listing.json()["results"]] == [False]
    assert issued["token"] not in shown.content.decode() + listing.content.decode()
    assert shown.json()["token_prefix"] == issued["token_prefix"]


def test_a_client_with_an_expiry_in_the_future(api_as, admin):
    expires = timezone.now() + timedelta(days=30)

    response = api_as(admin).post(API_CLIENTS, {**CAD_BRIDGE, "expires_at": expires.isoformat()})

    assert response.status_code == 201
    assert ApiClient.objects.get(pk=response.json()["id"]).expires_at == expires


def test_an_expiry_in_the_past_is_refused_and_nothing_is_written(api_as, problem, admin):
    accounts_before = User.objects.count()
    yesterday = timezone.now() - timedelta(days=1)

    response = api_as(admin).post(API_CLIENTS, {**CAD_BRIDGE, "expires_at": yesterday.isoformat()})

    body = problem(response, 400, "expiry_in_past")
    assert body["errors"] == {"expires_at": ["The expiry must be in the future."]}
    assert not ApiClient.objects.exists()
    assert User.objects.count() == accounts_before


def test_an_unknown_role_or_scope_is_refused(api_as, problem, admin):
    harbor = api_as(admin)

    unknown_role = problem(
        harbor.post(API_CLIENTS, {**CAD_BRIDGE, "role": "pilot"}), 400, "invalid"
    )
    unknown_scope = problem(
        harbor.post(API_CLIENTS, {**CAD_BRIDGE, "scopes": ["read", "delete"]}), 400, "invalid"
    )
    no_scope = problem(harbor.post(API_CLIENTS, {**CAD_BRIDGE, "scopes": []}), 400, "invalid")

    assert unknown_role["errors"] == {"role": ["Harbor Police has no role 'pilot'."]}
    assert unknown_scope["errors"] == {"scopes.1": ['"delete" is not a valid choice.']}
    assert no_scope["errors"] == {"scopes": ["This list may not be empty."]}
    assert not ApiClient.objects.exists()


def test_a_client_name_already_taken_is_a_conflict(api_as, problem, agency, admin):
    issue_client(agency, name="CAD bridge")

    body = problem(api_as(admin).post(API_CLIENTS, CAD_BRIDGE), 409, "client_exists")

    assert body["errors"] == {
        "name": ["Harbor Police already has an API client named 'CAD bridge'."]
    }
    assert ApiClient.objects.count() == 1


def test_only_administrators_of_the_agency_issue_clients(
    api_as, problem, admin, analyst, other_admin
):
    for person in (analyst, other_admin):
        body = problem(api_as(person).post(API_CLIENTS, CAD_BRIDGE), 403, "not_administrator")
        assert body["detail"] == "You do not administer Harbor Police."

    assert not ApiClient.objects.exists()


# Who sees which clients


def test_an_administrator_lists_only_their_agencys_clients(
    api_as, agency, other_agency, admin, other_admin
):
    issue_client(agency, name="CAD bridge")
    issue_client(agency, name="Records sync")
    issue_client(other_agency, name="Esterly dispatch")

    response = api_as(admin).get(API_CLIENTS)

    assert response.json()["count"] == 2
    assert listed(response) == [
        ("harbor-police", "CAD bridge", "active"),
        ("harbor-police", "Records sync", "active"),
    ]


def test_another_agencys_admin_neither_lists_nor_finds_our_clients(
    api_as, problem, agency, other_admin
):
    client, _ = issue_client(agency, name="CAD bridge")
    esterly = api_as(other_admin)

    assert listed(esterly.get(API_CLIENTS)) == []
    problem(esterly.get(detail(client)), 404, "not_found")
    problem(esterly.patch(detail(client), {"name": "Ours"}), 404, "not_found")
    problem(esterly.post(revoke(client)), 404, "not_found")
    client.refresh_from_db()
    assert (client.name, client.status) == ("CAD bridge", "active")


def test_members_who_do_not_administer_see_no_clients(api_as, problem, agency, analyst):
    client, _ = issue_client(agency)
    session = api_as(analyst)

    assert listed(session.get(API_CLIENTS)) == []
    problem(session.get(detail(client)), 404, "not_found")


def test_clients_filter_by_role_and_revocation(api_as, agency, admin):
    issue_client(agency, "viewer", name="Public board")
    retired, _ = issue_client(agency, "analyst", name="Old bridge")
    harbor = api_as(admin)
    harbor.post(revoke(retired))

    assert listed(harbor.get(API_CLIENTS, {"role": "viewer"})) == [
        ("harbor-police", "Public board", "active")
    ]
    assert listed(harbor.get(API_CLIENTS, {"revoked": "true"})) == [
        ("harbor-police", "Old bridge", "revoked")
    ]


# Changing and revoking


def test_an_administrator_changes_a_clients_name_role_and_scopes(api_as, agency, admin):
    client, _ = issue_client(agency, "analyst", name="CAD bridge")

    response = api_as(admin).patch(
        detail(client), {"name": "CAD bridge 2", "role": "viewer", "scopes": ["read"]}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["role"], body["scopes"]) == ("CAD bridge 2", "viewer", ["read"])
    assert sorted(client.account.groups.values_list("name", flat=True)) == ["harbor-police.viewer"]


def test_revoking_stops_the_token_at_once_and_for_good(api_as, api_with_token, agency, admin):
    client, token = issue_client(agency, name="CAD bridge")
    partner = api_with_token(token)
    assert partner.get("/api/v1/me/").status_code == 200
    harbor = api_as(admin)

    response = harbor.post(revoke(client))

    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert response.json()["revoked_at"] is not None
    assert partner.get("/api/v1/me/").status_code == 401
    again = harbor.post(revoke(client))
    assert (again.status_code, again.json()["revoked_at"]) == (200, response.json()["revoked_at"])


def test_a_revoked_client_cannot_be_changed(api_as, problem, agency, admin):
    client, _ = issue_client(agency, name="CAD bridge")
    harbor = api_as(admin)
    harbor.post(revoke(client))

    body = problem(harbor.patch(detail(client), {"scopes": ["read"]}), 409, "client_revoked")

    assert body["detail"] == "A revoked client cannot be changed; issue a new one."


def test_an_api_client_cannot_manage_api_clients_even_in_the_admin_role(
    api_with_token, problem, agency
):
    own, token = issue_client(agency, "admin", name="Admin bridge")
    other, _ = issue_client(agency, "viewer", name="Public board")
    partner = api_with_token(token)

    for response in (
        partner.post(API_CLIENTS, CAD_BRIDGE),
        partner.patch(detail(other), {"scopes": ["read"]}),
        partner.post(revoke(other)),
        partner.post(revoke(own)),
    ):
        body = problem(response, 403, "not_administrator")
        assert body["detail"] == "API clients cannot manage API clients; ask a person."

    assert sorted(ApiClient.objects.values_list("name", "revoked_at")) == [
        ("Admin bridge", None),
        ("Public board", None),
    ]
    assert ApiClient.objects.get(pk=other.pk).scopes == ["read", "write"]


# Cost


def test_listing_clients_costs_the_same_for_3_or_15_clients(
    api_as, agency, admin, django_assert_max_num_queries
):
    harbor = api_as(admin)
    for number in range(3):
        issue_client(agency, name=f"Bridge {number}")
    with django_assert_max_num_queries(4) as few:
        assert harbor.get(API_CLIENTS).json()["count"] == 3

    for number in range(3, 15):
        issue_client(agency, name=f"Bridge {number}", actor=admin)
    with django_assert_max_num_queries(4) as many:
        assert harbor.get(API_CLIENTS).json()["count"] == 15

    assert len(many) == len(few)
