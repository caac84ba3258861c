"""Shared test set-up: service detection, fast password hashing, people and agencies.

`make test` points DATABASE_URL and REDIS_URL at PostgreSQL and Redis when they are
reachable. Tests marked `postgres` or `redis` need them: without them they are skipped
(and the run says so in one line), except under CI=true, where a missing service fails
the run instead of quietly testing less.
"""

import os
from contextlib import contextmanager
from http import HTTPStatus

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from coordination.api import PROBLEM_CONTENT_TYPE
from ledger.models import Event
from tests.factories import (
    AgencyFactory,
    UserFactory,
    agreement_between,
    member_of,
    open_incident,
    platform_operator,
)

IN_CI = os.environ.get("CI", "").lower() == "true"


def postgres_configured() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def redis_configured() -> bool:
    return bool(settings.REDIS_URL)


def pytest_configure(config):
    if IN_CI and not (postgres_configured() and redis_configured()):
        raise pytest.UsageError(
            "CI=true but DATABASE_URL/REDIS_URL do not point at PostgreSQL and Redis"
        )
    # Each test process gets its own Redis key space, so parallel tests never meet.
    if redis_configured():
        prefix = f"concord-test-{os.getpid()}"
        settings.CACHES["default"]["KEY_PREFIX"] = f"{prefix}:cache"
        settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"{prefix}:asgi"


def pytest_report_header(config):
    database = "PostgreSQL" if postgres_configured() else "SQLite (embedded)"
    redis = "Redis" if redis_configured() else "none (in-memory channel layer, eager Celery)"
    return f"concord services: database={database}, broker/channels={redis}"


def pytest_collection_modifyitems(config, items):
    missing = {
        "postgres": not postgres_configured(),
        "redis": not redis_configured(),
    }
    for item in items:
        for marker, is_missing in missing.items():
            if is_missing and item.get_closest_marker(marker):
                item.add_marker(pytest.mark.skip(reason=f"needs-service: {marker}"))


def pytest_terminal_summary(terminalreporter):
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "needs-service" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} test(s) skipped because PostgreSQL or Redis is not configured "
            "(set DATABASE_URL and REDIS_URL, or run `make test` where they are reachable)."
        )


@pytest.fixture
def capture_events(db):
    """The outbox events written inside a `with` block, oldest first (like Zulip's
    `capture_send_event_calls`, read back from the outbox itself rather than mocked):

        with capture_events() as events:
            change_status(incident, "active", actor=duty, reason="Crews on scene")
        assert [event.kind for event in events] == ["incident.status_changed"]
    """

    @contextmanager
    def capture():
        before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
        events: list[Event] = []
        yield events
        events.extend(Event.objects.filter(id__gt=before).order_by("id"))

    return capture


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agency(db):
    """Harbor Police: the agency most stories are told from."""
    return AgencyFactory(name="Harbor Police", slug="harbor-police", kind="law_enforcement")


@pytest.fixture
def other_agency(db):
    """Esterly Fire: another agency, whose people must not reach into Harbor Police."""
    return AgencyFactory(name="Esterly Fire", slug="esterly-fire", kind="fire")


@pytest.fixture
def admin(agency):
    return member_of(agency, "admin", username="harbor-police.admin")


@pytest.fixture
def analyst(agency):
    return member_of(agency, "analyst", username="harbor-police.analyst")


@pytest.fixture
def viewer(agency):
    """Harbor Police's viewer: reads, and may change nothing."""
    return member_of(agency, "viewer", username="harbor-police.viewer")


@pytest.fixture
def other_admin(other_agency):
    return member_of(other_agency, "admin", username="esterly-fire.admin")


@pytest.fixture
def outsider(db):
    """Signed in, but a member of no agency."""
    return UserFactory(username="outsider")


@pytest.fixture
def api():
    """An API client that signs in as whoever the test says: `api.force_authenticate(user)`."""
    return APIClient()


@pytest.fixture
def api_as():
    """A fresh API client signed in as `user` (session auth, CSRF not enforced)."""

    def sign_in(user):
        client = APIClient()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def signed_in():
    """A fresh browser signed in as `user`, for the pages: `signed_in(duty).get(url)`.
    Keyword arguments go to Django's test `Client` (`enforce_csrf_checks=True`, ...)."""

    def sign_in(user, **client_options):
        browser = Client(**client_options)
        browser.force_login(user)
        return browser

    return sign_in


@pytest.fixture
def staff(db):
    """A platform operator: keeps shared reference data such as jurisdictions."""
    return platform_operator()


@pytest.fixture
def api_with_token():
    """A fresh API client that presents `token` as `Authorization: Bearer <token>`."""

    def present(token):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return client

    return present


@pytest.fixture
def problem():
    """Check that a response is an RFC 9457 problem document and return its body."""

    def check(response, status, code):
        assert response.status_code == status, response.content
        assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
        body = response.json()
        assert body["type"] == f"urn:concord:problem:{code}"
        assert body["title"] == HTTPStatus(status).phrase
        assert body["status"] == status
        assert body["code"] == code
        assert body["detail"]
        return body

    return check


@pytest.fixture
def tamper_audit(db):
    """Run raw SQL on the audit table as an intruder with database access would: on
    PostgreSQL behind the append-only trigger's back (replica mode skips triggers)."""
    from django.db import connection

    def run(sql, params=()):
        bypass = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            if bypass:
                cursor.execute("SET session_replication_role = replica")
            try:
                cursor.execute(sql, params)
            finally:
                if bypass:
                    cursor.execute("SET session_replication_role = DEFAULT")

    return run


@pytest.fixture
def duty(agency):
    """Harbor Police's duty officer: opens, commands and shares incidents."""
    return member_of(agency, "duty_officer", username="harbor-police.duty_officer")


@pytest.fixture
def fire_analyst(other_agency):
    """Esterly Fire's analyst: sees Harbor Police's incidents only where sharing allows."""
    return member_of(other_agency, "analyst", username="esterly-fire.analyst")


@pytest.fixture
def northgate(db):
    """Northgate EMS: a third agency, outside whatever Harbor and Esterly agree."""
    return AgencyFactory(name="Northgate EMS", slug="northgate-ems", kind="ems")


@pytest.fixture
def northgate_admin(northgate):
    return member_of(northgate, "admin", username="northgate-ems.admin")


@pytest.fixture
def fire_duty(other_agency):
    """Esterly Fire's duty officer: approves what Esterly Fire supplies."""
    return member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer")


@pytest.fixture
def mutual_aid(agency, other_agency, admin, other_admin):
    """Harbor Police and Esterly Fire share up to AMBER+STRICT, every incident type."""
    return agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)


@pytest.fixture
def incident(duty):
    """An AMBER warehouse fire opened by Harbor Police's duty officer."""
    return open_incident(duty, title="Warehouse fire on Dock Street")
