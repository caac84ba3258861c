"""Agency admin, API clients: Harbor Police's administrator issues a token to the CAD
bridge, copies it from the one page that ever shows it, and revokes it later.

Access as on every agency-admin page: 403 for a member without administer, 404 for
another agency's administrator, sign-in for a visitor.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from agencies.models import ApiClient
from agencies.services import revoke_api_client
from coordination.models import IdempotentRequest
from tests.factories import issue_client

CLIENTS = "/agency/harbor-police/api-clients/"
INCIDENTS_API = "/api/v1/incidents/"
CAD_BRIDGE = {"name": "CAD bridge", "role": "analyst", "scopes": ["read"], "expires_at": ""}


def issued_url(client):
    return f"{CLIENTS}{client.pk}/issued/"


def revoke_url(client):
    return f"{CLIENTS}{client.pk}/revoke/"


def shown_token(page: str) -> str:
    match = re.search(
        r'<input type="text" id="issued-token" class="token" value="([^"]+)" readonly', page
    )
    assert match, "no token on the page"
    return match.group(1)


# Issuing, once


def test_the_token_is_shown_once_works_and_stops_working_when_revoked(
    signed_in, admin, agency, api_with_token
):
    browser = signed_in(admin)

    response = browser.post(CLIENTS, {**CAD_BRIDGE, "form_key": "issue-1"})

    client = ApiClient.objects.get(agency=agency, name="CAD bridge")
    assert response.status_code == 302
    assert response.headers["Location"] == issued_url(client)
    assert (client.role.slug, client.scopes, client.created_by) == ("analyst", ["read"], admin)

    page = browser.get(issued_url(client))
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"]
    html = page.content.decode()
    token = shown_token(html)
    assert token.startswith(client.token_prefix)
    assert '<button type="button" class="button-secondary" data-copy-target="issued-token">' in html
    assert '<p id="issued-token-status" role="status" class="muted"></p>' in html
    assert "Copy this token now. It is shown only this once" in html
    assert not any(token in str(value) for value in browser.session.values())
    assert not any(token.encode() in bytes(kept.body) for kept in IdempotentRequest.objects.all())

    again = browser.get(issued_url(client)).content.decode()
    assert token not in again
    assert "The token was shown once and cannot be shown again." in again

    assert api_with_token(token).get(INCIDENTS_API).status_code == 200

    revoked = browser.post(revoke_url(client), {"form_key": "revoke-1"})

    assert revoked.status_code == 302
    assert revoked.headers["Location"] == CLIENTS
    client.refresh_from_db()
    assert client.revoked_by == admin
    assert api_with_token(token).get(INCIDENTS_API).status_code == 401
    listed = browser.get(CLIENTS).content.decode()
    assert "CAD bridge&#x27;s token was revoked; it no longer works." in listed
    row = listed.split(f'id="client-{client.pk}"')[1].split("</tr>")[0]
    assert "Revoked" in row
    assert "data-confirm" not in row


def test_the_list_shows_role_scopes_dates_and_state(signed_in, admin, agency):
    issue_client(agency, "duty_officer", name="CAD bridge", scopes=("read", "write"))
    expiry = timezone.now() + timedelta(days=30)
    issue_client(agency, name="Weather feed", scopes=("read",), expires_at=expiry)

    page = signed_in(admin).get(CLIENTS).content.decode()

    cad = page.split('<th scope="row">CAD bridge</th>')[1].split("</tr>")[0]
    assert 'Duty officer<br><span class="muted">read, write</span>' in cad
    assert "<td>Never</td>" in cad
    assert "Active" in cad
    assert 'data-confirm="Revoke CAD bridge? Its token stops working at once' in cad
    weather = page.split('<th scope="row">Weather feed</th>')[1].split("</tr>")[0]
    assert f'datetime="{timezone.localtime(expiry).isoformat()}"' in weather


@pytest.mark.parametrize(
    ("change", "field", "message", "status"),
    [
        ({"scopes": []}, "scopes", "This field is required.", 422),
        ({"name": ""}, "name", "This field is required.", 422),
        (
            {"expires_at": "2001-01-01T10:00"},
            "expires_at",
            "The expiry must be in the future.",
            422,
        ),
        ({"role": "chief"}, "role", "Select a valid choice.", 422),
    ],
)
def test_bad_input_is_shown_beside_its_field(
    signed_in, admin, agency, change, field, message, status
):
    response = signed_in(admin).post(CLIENTS, {**CAD_BRIDGE, **change})

    assert response.status_code == status
    errors = response.content.decode().split(f'id="id_{field}_errors" role="alert">')[1]
    assert message in errors.split("</ul>")[0]
    assert not ApiClient.objects.filter(agency=agency).exists()


def test_a_name_already_taken_is_a_conflict_beside_the_name(signed_in, admin, agency):
    issue_client(agency, name="CAD bridge")

    response = signed_in(admin).post(CLIENTS, CAD_BRIDGE)

    assert response.status_code == 409
    assert (
        '<ul class="errorlist" id="id_name_errors" role="alert">'
        "<li>Harbor Police already has an API client named &#x27;CAD bridge&#x27;.</li>"
    ) in response.content.decode()


def test_a_double_submitted_form_issues_one_client(signed_in, admin, agency):
    browser = signed_in(admin)
    form = {**CAD_BRIDGE, "form_key": "issue-once"}

    first = browser.post(CLIENTS, form)
    second = browser.post(CLIENTS, form)

    assert first.status_code == second.status_code == 302
    assert second.headers["Location"] == first.headers["Location"]
    assert ApiClient.objects.filter(agency=agency).count() == 1


# Who may not


def every_url(client):
    return [
        ("get", CLIENTS, {}),
        ("post", CLIENTS, CAD_BRIDGE),
        ("get", issued_url(client), {}),
        ("post", revoke_url(client), {}),
    ]


def test_a_member_without_administer_is_refused_with_403(signed_in, admin, analyst, agency):
    bridge, _ = issue_client(agency, name="Old bridge")
    browser = signed_in(analyst)

    for method, url, data in every_url(bridge):
        assert getattr(browser, method)(url, data).status_code == 403, (method, url)
    bridge.refresh_from_db()
    assert bridge.revoked_at is None
    assert ApiClient.objects.filter(agency=agency).count() == 1


def test_another_agencys_admin_gets_404_everywhere(signed_in, admin, agency, other_admin):
    bridge, _ = issue_client(agency, name="Old bridge")
    browser = signed_in(other_admin)

    for method, url, data in every_url(bridge):
        assert getattr(browser, method)(url, data).status_code == 404, (method, url)
    bridge.refresh_from_db()
    assert bridge.revoked_at is None


def test_another_agencys_client_is_404_under_ones_own_agency(
    signed_in, admin, other_agency, other_admin
):
    foreign, _ = issue_client(other_agency, name="Fire bridge")

    assert signed_in(admin).post(revoke_url(foreign)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


def test_a_signed_out_visitor_is_sent_to_sign_in(client, agency):
    bridge, _ = issue_client(agency)

    for method, url, data in every_url(bridge):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login/?next={url}"


def test_a_revoke_without_the_csrf_token_is_refused(signed_in, admin, agency):
    bridge, _ = issue_client(agency)
    browser = signed_in(admin, enforce_csrf_checks=True)

    assert browser.post(revoke_url(bridge)).status_code == 403
    bridge.refresh_from_db()
    assert bridge.revoked_at is None


def test_the_list_costs_the_same_for_few_and_many(
    signed_in, admin, agency, django_assert_max_num_queries
):
    browser = signed_in(admin)
    issue_client(agency, name="First")
    with django_assert_max_num_queries(10):
        assert browser.get(CLIENTS).status_code == 200
    for number in range(12):
        client, _ = issue_client(agency, ["viewer", "analyst"][number % 2], name=f"Bridge {number}")
        if number % 3 == 0:
            revoke_api_client(client, actor=admin)
    with django_assert_max_num_queries(10):
        page = browser.get(CLIENTS)
    assert page.content.decode().count('<tr id="client-') == 13


def test_a_new_client_is_offered_the_least_privileged_role_first(signed_in, admin):
    page = signed_in(admin).get(CLIENTS).content.decode()

    assert '<option value="viewer" selected>' in page
    assert '<option value="admin" selected>' not in page
