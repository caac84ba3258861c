"""Partner systems sign in with `Authorization: Bearer <token>` and act in their role."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agencies import services
from agencies.models import ApiClient
from tests.factories import POINT, issue_client, platform_operator

ME = "/api/v1/me/"
MEMBERSHIPS = "/api/v1/memberships/"
BEARER_CHALLENGE = 'Bearer realm="concord"'


def refused(problem, response, code, detail):
    """A 401 problem document that tells the caller to present a bearer token."""
    body = problem(response, 401, code)
    assert body["detail"] == detail
    assert response["WWW-Authenticate"] == BEARER_CHALLENGE


def test_a_partner_system_learns_who_it_is_from_me(api_with_token, agency):
    client, token = issue_client(agency, "analyst", scopes=["read"], name="CAD bridge")

    response = api_with_token(token).get(ME)

    assert response.status_code == 200
    assert response.json() == {
        "username": client.account.username,
        "full_name": "CAD bridge",
        "email": "",
        "kind": "api_client",
        "is_platform_operator": False,
        "roles": [
            {
                "agency": "harbor-police",
                "agency_name": "Harbor Police",
                "role": "analyst",
                "role_name": "Analyst",
                "capabilities": ["contribute", "view"],
            }
        ],
        "api_client": {
            "id": str(client.pk),
            "name": "CAD bridge",
            "scopes": ["read"],
            "expires_at": None,
        },
    }


def test_each_use_of_a_token_is_recorded(api_with_token, agency):
    client, token = issue_client(agency)
    before = timezone.now()

    api_with_token(token).get(ME)

    client.refresh_from_db()
    assert before <= client.last_used_at <= timezone.now()


def test_a_read_only_token_reads_but_may_not_write(api_with_token, problem, agency, analyst):
    _, token = issue_client(agency, "admin", scopes=["read"])
    partner = api_with_token(token)

    assert partner.get(MEMBERSHIPS).status_code == 200
    body = problem(
        partner.patch(f"{MEMBERSHIPS}{analyst.memberships.get().pk}/", {"role": "viewer"}),
        403,
        "insufficient_scope",
    )

    assert body["detail"] == "This API client's token does not carry the scope this request needs."
    assert analyst.memberships.get().role.slug == "analyst"


def test_a_token_with_the_write_scope_may_write(api_with_token, agency):
    _, token = issue_client(agency, "duty_officer", scopes=["read", "write"])
    incident = {
        "title": "Container fire on Pier 2",
        "type": "fire",
        "severity": 2,
        "location": POINT,
        "tlp": "AMBER",
    }

    response = api_with_token(token).post("/api/v1/incidents/", incident, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["lead_agency"] == "harbor-police"


def test_anonymous_callers_are_asked_to_authenticate(api, problem):
    refused(
        problem,
        api.get(ME),
        "not_authenticated",
        "Authentication credentials were not provided.",
    )


def test_an_expired_token_is_refused(api_with_token, problem, agency):
    client, token = issue_client(agency)
    ApiClient.objects.filter(pk=client.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    refused(
        problem,
        api_with_token(token).get(ME),
        "invalid_token",
        "The token is not valid: unknown, expired or revoked.",
    )


def test_a_revoked_token_is_refused(api_with_token, problem, agency, admin):
    client, token = issue_client(agency)
    services.revoke_api_client(client, actor=admin)

    refused(
        problem,
        api_with_token(token).get(ME),
        "invalid_token",
        "The token is not valid: unknown, expired or revoked.",
    )


def test_the_token_of_a_deactivated_agency_is_refused(api_with_token, problem, agency):
    _, token = issue_client(agency)
    services.set_agency_active(agency, False, actor=platform_operator())

    refused(
        problem,
        api_with_token(token).get(ME),
        "invalid_token",
        "The token is not valid: unknown, expired or revoked.",
    )


@pytest.mark.parametrize("wrong", ["ccd_not-a-token-we-issued", "a-token-from-elsewhere"])
def test_a_wrong_token_is_refused(api_with_token, problem, agency, wrong):
    issue_client(agency)

    refused(
        problem,
        api_with_token(wrong).get(ME),
        "invalid_token",
        "The token is not valid: unknown, expired or revoked.",
    )


@pytest.mark.parametrize("header", ["Bearer", "Bearer ", "Bearer ccd_one ccd_two"])
def test_a_malformed_authorization_header_is_refused(api, problem, header):
    api.credentials(HTTP_AUTHORIZATION=header)

    refused(problem, api.get(ME), "invalid_token", "Malformed bearer token.")


def test_a_token_cut_short_is_refused(api_with_token, problem, agency):
    _, token = issue_client(agency)

    refused(
        problem,
        api_with_token(token[:-1]).get(ME),
        "invalid_token",
        "The token is not valid: unknown, expired or revoked.",
    )


# A client sees exactly what a person in its role sees


def test_a_client_in_the_admin_role_administers_nothing(
    api_as, api_with_token, agency, admin, analyst, other_admin
):
    """Administering is for people: a leaked token must not make administrators."""
    _, token = issue_client(agency, "admin")

    as_client = api_with_token(token).get(MEMBERSHIPS).json()
    as_person = api_as(admin).get(MEMBERSHIPS).json()

    assert as_client["count"] == 0
    assert as_person["count"] == 2


def test_a_client_in_the_analyst_role_sees_what_an_analyst_sees_of_others(
    api_with_token, problem, agency, admin, analyst
):
    _, token = issue_client(agency, "analyst")
    partner = api_with_token(token)

    assert partner.get(MEMBERSHIPS).json()["count"] == 0
    problem(partner.get(f"{MEMBERSHIPS}{admin.memberships.get().pk}/"), 404, "not_found")
    problem(
        partner.get(f"/api/v1/api-clients/{ApiClient.objects.get().pk}/"), 403, "not_administrator"
    )
