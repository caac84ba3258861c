"""Browser tests: Debian's Chromium, driven by Playwright, against a real portal.

The portal runs as its own process (daphne, the ASGI server `make run` uses) on its own
database holding the demo region, migrated and seeded once per test session, with its
static files collected and DEBUG off, as in production. The tests therefore see what a
person sees, and check the server's state through the pages and the API, never by
reaching into its database. Every browser test is in the `browser` xdist group, so one
worker runs them all against one server.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.conftest import IN_CI

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "concord-demo"  # every demo account's, published on purpose (README)
SEVERE_IMPACTS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
            if not CHROMIUM.exists() and not IN_CI:
                item.add_marker(pytest.mark.skip(reason="needs-service: chromium"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(tmp: Path) -> str:
    """A database of the portal's own: a fresh PostgreSQL database, or a SQLite file."""
    default = settings.DATABASES["default"]
    if not default["ENGINE"].endswith("postgresql"):
        return f"sqlite:///{tmp / 'portal.sqlite3'}"
    import psycopg2

    name = f"concord_e2e_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    admin = psycopg2.connect(
        dbname="postgres",
        user=default["USER"],
        password=default["PASSWORD"],
        host=default["HOST"],
        port=default["PORT"],
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    credentials = default["USER"] + (f":{default['PASSWORD']}" if default["PASSWORD"] else "")
    return f"postgres://{credentials}@{default['HOST']}:{default['PORT']}/{name}"


@pytest.fixture(scope="session")
def portal(tmp_path_factory):
    """The base URL of a running portal with the demo region, for the whole session."""
    tmp = tmp_path_factory.mktemp("portal")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(tmp),
        "DEBUG": "false",
        "STATIC_ROOT": str(tmp / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
        "AXES_FAILURE_LIMIT": "50",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run([*manage, *command, "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    log = (tmp / "server.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "coordination.asgi:application",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base_url, server)
        yield base_url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()
        shutil.rmtree(tmp / "static", ignore_errors=True)


def _wait_until_up(base_url: str, server: subprocess.Popen) -> None:
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError("the portal server exited while starting")
        try:
            with urllib.request.urlopen(f"{base_url}/healthz", timeout=1):  # noqa: S310
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the portal server did not answer /healthz within 20 seconds")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class Session:
    """One person's browser tab on the portal, with what the page complained about."""

    def __init__(self, context, page, base_url: str):
        self.context = context
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed load is reported with its address by _response; the page itself may
        # be a deliberate 404.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.console_errors.append(f"{response.status} {response.url}")

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def api_get(self, path: str, **headers):
        """The API's answer to this person's session (or to the given headers)."""
        return self.context.request.get(self.base_url + path, headers=headers or None)

    def check_page(self) -> None:
        """No serious or critical accessibility violation, and nothing refused by the
        Content-Security-Policy or thrown by a script."""
        assert_accessible(self.page)
        assert self.console_errors == [], self.console_errors


def assert_accessible(page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    severe = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
        if violation["impact"] in SEVERE_IMPACTS
    ]
    assert severe == [], f"{page.url}:\n" + "\n".join(severe)


@pytest.fixture
def sign_in(browser, portal):
    """`sign_in("harbor-police.analyst")` opens a fresh browser session as that person."""
    contexts = []

    def open_as(username: str, *, width: int = 1280, height: int = 800) -> Session:
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        session = Session(context, page, portal)
        session.open("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{portal}/")
        return session

    yield open_as
    for context in contexts:
        context.close()
