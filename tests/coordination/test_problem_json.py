"""Every error the API gives is an RFC 9457 problem document, whatever went wrong.

A partner system's developer reads `code` and `errors` to fix their request; these
stories cover the ways a request goes wrong before any business rule is asked.
"""

import json

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

from agencies.models import Membership, Role
from coordination.api import PrincipalRateThrottle
from tests.factories import AgencyFactory, UserFactory, issue_client

ROLES = "/api/v1/roles/"
MEMBERSHIPS = "/api/v1/memberships/"
AGENCIES = "/api/v1/agencies/"
WATCH_COMMANDER = {"agency": "harbor-police", "name": "Watch Commander", "capabilities": ["view"]}


# Bodies that are not what the API reads


def test_malformed_json_is_a_parse_error(api_as, problem, admin):
    response = api_as(admin).post(
        ROLES, '{"agency": "harbor-police",', content_type="application/json"
    )

    body = problem(response, 400, "parse_error")
    assert body["detail"].startswith("JSON parse error - ")
    assert body["instance"] == ROLES


@pytest.mark.parametrize(
    ("payload", "content_type"),
    [
        ("agency=harbor-police&name=Watch+Commander", "application/x-www-form-urlencoded"),
        ("agency: harbor-police", "text/plain"),
        (json.dumps(WATCH_COMMANDER), "application/xml"),
    ],
    ids=["form", "text", "xml"],
)
def test_a_body_that_is_not_json_is_an_unsupported_media_type(
    api_as, problem, admin, payload, content_type
):
    response = api_as(admin).post(ROLES, payload, content_type=content_type)

    body = problem(response, 415, "unsupported_media_type")
    assert body["detail"] == f'Unsupported media type "{content_type}" in request.'
    assert not Role.objects.filter(slug="watch_commander").exists()


def test_multipart_form_data_is_an_unsupported_media_type(api_as, problem, admin):
    response = api_as(admin).post(ROLES, WATCH_COMMANDER, format="multipart")

    problem(response, 415, "unsupported_media_type")
    assert not Role.objects.filter(slug="watch_commander").exists()


def test_unknown_fields_are_named_rather_than_ignored(api_as, problem, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(admin).patch(
        f"{MEMBERSHIPS}{membership.pk}/", {"role": "viewer", "rank": "sergeant", "agency": "x"}
    )

    body = problem(response, 400, "invalid")
    assert body["detail"] == "The request has invalid fields: agency, rank."
    assert body["errors"] == {
        "agency": ["Unknown or read-only field."],
        "rank": ["Unknown or read-only field."],
    }
    membership.refresh_from_db()
    assert membership.role.slug == "analyst"


def test_values_of_the_wrong_type_are_refused_field_by_field(api_as, problem, admin):
    response = api_as(admin).post(
        ROLES, {"agency": "harbor-police", "name": {"en": "Watch"}, "capabilities": "view"}
    )

    body = problem(response, 400, "invalid")
    assert body["errors"] == {
        "name": ["Not a valid string."],
        "capabilities": ['Expected a list of items but got type "str".'],
    }


def test_a_boolean_that_is_not_a_boolean_is_refused(api_as, problem, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(admin).patch(f"{MEMBERSHIPS}{membership.pk}/", {"is_active": "perhaps"})

    assert problem(response, 400, "invalid")["errors"] == {
        "is_active": ["Must be a valid boolean."]
    }


def test_a_body_that_is_not_an_object_is_refused(api_as, problem, admin):
    response = api_as(admin).post(ROLES, [WATCH_COMMANDER])

    body = problem(response, 400, "invalid")
    assert body["detail"] == "Invalid data. Expected a dictionary, but got list."
    assert body["errors"] == {"non_field_errors": [body["detail"]]}


def test_a_missing_field_is_named(api_as, problem, admin):
    response = api_as(admin).post(ROLES, {"agency": "harbor-police", "capabilities": ["view"]})

    assert problem(response, 400, "invalid")["errors"] == {"name": ["This field is required."]}


def test_an_oversize_body_is_refused_before_it_is_read(api_with_token, problem, agency):
    _, token = issue_client(agency, "admin")
    padding = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)

    response = api_with_token(token).post(ROLES, {**WATCH_COMMANDER, "description": padding})

    body = problem(response, 413, "request_too_large")
    assert body["detail"] == "The request body is too large."
    assert not Role.objects.filter(slug="watch_commander").exists()


# Query strings


def test_pages_are_sized_on_request(api_as, outsider):
    for number in range(3):
        AgencyFactory(slug=f"agency-{number}")

    page = api_as(outsider).get(AGENCIES, {"page_size": 2, "page": 2}).json()

    assert (page["count"], len(page["results"]), page["next"]) == (3, 1, None)
    assert page["previous"] == "http://testserver/api/v1/agencies/?page_size=2"


def test_a_page_size_above_the_cap_is_refused_not_shrunk(api_as, problem, agency, outsider):
    response = api_as(outsider).get(AGENCIES, {"page_size": 100000})

    assert problem(response, 400, "invalid")["errors"] == {"page_size": ["Must be at most 200."]}


@pytest.mark.parametrize("page_size", ["0", "-5", "abc", "2.5", ""])
def test_a_page_size_that_is_not_a_positive_whole_number_is_refused(
    api_as, problem, agency, outsider, page_size
):
    response = api_as(outsider).get(AGENCIES, {"page_size": page_size})

    assert problem(response, 400, "invalid")["errors"] == {
        "page_size": ["Must be a positive whole number."]
    }


@pytest.mark.parametrize("page", ["2", "99", "abc"])
def test_a_page_that_does_not_exist_is_not_found(api_as, problem, agency, outsider, page):
    response = api_as(outsider).get(AGENCIES, {"page": page})

    assert problem(response, 404, "not_found")["detail"] == "Invalid page."


def test_an_unknown_filter_value_is_refused(api_as, problem, agency, outsider):
    response = api_as(outsider).get(AGENCIES, {"kind": "spaceship"})

    assert problem(response, 400, "invalid")["errors"] == {
        "kind": ["Select a valid choice. spaceship is not one of the available choices."]
    }


@pytest.mark.parametrize("path", [AGENCIES, ROLES, MEMBERSHIPS, "/api/v1/api-clients/"])
def test_a_misspelt_query_parameter_is_refused_rather_than_ignored(api_as, problem, admin, path):
    response = api_as(admin).get(path, {"stauts": "active", "page": 1})

    body = problem(response, 400, "invalid")
    assert body["detail"] == "The request has invalid fields: stauts."
    assert body["errors"] == {"stauts": ["Unknown query parameter."]}


# Addresses and methods


def test_an_unknown_address_under_the_api_is_a_problem_document(api_as, problem, outsider):
    response = api_as(outsider).get("/api/v1/spaceships/")

    body = problem(response, 404, "not_found")
    assert body["instance"] == "/api/v1/spaceships/"


def test_an_unknown_object_is_a_problem_document(api_as, problem, admin):
    response = api_as(admin).get(f"{MEMBERSHIPS}00000000-0000-0000-0000-000000000000/")

    assert problem(response, 404, "not_found")["detail"] == "Not found."


@pytest.mark.parametrize(
    "path",
    [f"{AGENCIES}harbor-police/", "/api/v1/jurisdictions/county/", "/api/v1/me/"],
)
def test_put_is_not_offered(api_as, problem, staff, path):
    response = api_as(staff).put(path, {"name": "Everything replaced"})

    assert problem(response, 405, "method_not_allowed")["detail"] == 'Method "PUT" not allowed.'


def test_put_on_a_membership_is_not_offered(api_as, problem, admin, analyst):
    membership = analyst.memberships.get()

    response = api_as(admin).put(f"{MEMBERSHIPS}{membership.pk}/", {"role": "viewer"})

    problem(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, PATCH, DELETE, HEAD, OPTIONS"


# Who is asking, and how often


def test_an_anonymous_caller_is_challenged(api, problem, agency):
    response = api.post(ROLES, WATCH_COMMANDER)

    problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="concord"'
    assert not Role.objects.filter(slug="watch_commander").exists()


def test_a_session_write_without_a_csrf_token_is_refused(problem, admin):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(admin)

    response = browser.post(ROLES, WATCH_COMMANDER)

    body = problem(response, 403, "permission_denied")
    assert body["detail"] == "CSRF Failed: CSRF cookie not set."
    assert not Role.objects.filter(slug="watch_commander").exists()


def test_a_session_read_needs_no_csrf_token(admin):
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(admin)

    assert browser.get(ROLES).status_code == 200


def fresh_budget(monkeypatch, *people):
    """Give each person a budget of three requests a minute, none of it spent yet."""
    monkeypatch.setattr(
        PrincipalRateThrottle,
        "THROTTLE_RATES",
        {**PrincipalRateThrottle.THROTTLE_RATES, "principal": "3/minute"},
    )
    for person in people:
        # Only this person's key is dropped: the cache may be a Redis shared with others.
        cache.delete(
            PrincipalRateThrottle.cache_format % {"scope": "principal", "ident": person.pk}
        )


def test_a_caller_over_their_budget_is_told_when_to_come_back(
    api_as, problem, monkeypatch, admin, analyst
):
    fresh_budget(monkeypatch, admin, analyst)
    harbor = api_as(admin)
    assert [harbor.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]

    response = harbor.get("/api/v1/me/")

    body = problem(response, 429, "throttled")
    assert body["detail"].startswith("Request was throttled. Expected available in ")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert api_as(analyst).get("/api/v1/me/").status_code == 200


def test_an_api_client_has_its_own_budget(api_with_token, problem, monkeypatch, agency):
    client, token = issue_client(agency)
    fresh_budget(monkeypatch, client.account)
    partner = api_with_token(token)
    for _ in range(3):
        partner.get("/api/v1/me/")

    response = partner.get("/api/v1/me/")

    problem(response, 429, "throttled")
    assert "Retry-After" in response


# Nothing half-written


def test_a_refused_membership_leaves_no_row_and_no_group(api_as, agency, admin, analyst):
    newcomer = UserFactory(username="newcomer")
    memberships_before = list(Membership.objects.values_list("pk", "role__slug", "is_active"))
    harbor = api_as(admin)

    statuses = [
        harbor.post(MEMBERSHIPS, request).status_code
        for request in (
            {"agency": "harbor-police", "user": "newcomer", "role": "captain"},
            {"agency": "harbor-police", "user": "newcomer", "role": "analyst", "rank": "sergeant"},
            {"agency": "harbor-police", "user": analyst.username, "role": "viewer"},
        )
    ]

    assert statuses == [400, 400, 409]
    assert (
        list(Membership.objects.values_list("pk", "role__slug", "is_active")) == memberships_before
    )
    assert not newcomer.groups.exists()
    assert list(analyst.groups.values_list("name", flat=True)) == ["harbor-police.analyst"]
