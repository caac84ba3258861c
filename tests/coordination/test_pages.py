"""The login page, the account page and the protections every page carries."""

import pytest
from django.test import override_settings

from tests.factories import UserFactory, member_of

PASSWORD = "correct horse battery staple"


def test_the_login_page_carries_a_strict_content_security_policy(client, db):
    response = client.get("/login/")
    assert response.status_code == 200
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"csrfmiddlewaretoken" in response.content


def test_signing_in_leads_to_the_board_and_my_account_lists_my_roles(client, agency):
    person = member_of(agency, "duty_officer", username="harbor-police.duty_officer")
    person.first_name, person.last_name = "Dana", "Okafor"
    person.save()
    response = client.post(
        "/login/", {"username": "harbor-police.duty_officer", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain == [("/", 302)]
    page = client.get("/me/").content.decode()
    assert "<h1>Dana Okafor</h1>" in page
    assert "Harbor Police" in page
    assert "command, contribute, share, view" in page


def test_the_board_needs_a_signed_in_user(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login/?next=/"


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account_for_that_address(client, db):
    UserFactory(username="harbor-police.analyst")
    for _ in range(2):
        failed = client.post("/login/", {"username": "harbor-police.analyst", "password": "nope"})
        assert failed.status_code == 200
        assert b"Please enter a correct username and password" in failed.content
    locked = client.post("/login/", {"username": "harbor-police.analyst", "password": "nope"})
    assert locked.status_code == 429
    assert b"Sign-in temporarily locked" in locked.content
    even_right = client.post("/login/", {"username": "harbor-police.analyst", "password": PASSWORD})
    assert even_right.status_code == 429


@pytest.mark.parametrize("path", ["/no/such/page/", "/incidents/123/"])
def test_an_unknown_page_is_a_plain_404_that_says_nothing_more(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert b"There is nothing here, or nothing you may see." in response.content


def test_an_unknown_api_path_is_problem_json(client, db):
    response = client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"
