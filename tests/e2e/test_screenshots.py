"""Every main page, as the people who use it see it: no serious or critical axe-core
violation, nothing refused by the Content-Security-Policy, and a screenshot of each.

`make screenshots` runs this file with SCREENSHOT_DIR=docs/screenshots, which is where
the README's pictures come from; otherwise the screenshots go to a temporary folder.
"""

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT


@pytest.fixture(scope="module")
def screenshot_dir(tmp_path_factory) -> Path:
    configured = os.environ.get("SCREENSHOT_DIR")
    if not configured:
        return tmp_path_factory.mktemp("screenshots")
    folder = ROOT / configured
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def incident_id(person, title: str) -> str:
    found = person.api_get(f"/api/v1/incidents/?search={title}").json()["results"]
    assert len(found) == 1, found
    return found[0]["id"]


def capture(person, path: str, name: str, folder: Path) -> None:
    response = person.open(path)
    assert response.status == 200, f"{path}: {response.status}"
    person.check_page()
    person.page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


ANALYST_PAGES = (
    ("/", "board"),
    ("/?view=cards", "board-cards"),
    ("/map/", "map"),
    ("/incidents/new/", "create-incident"),
)
INCIDENT_TABS = (
    ("", "incident-summary"),
    ("command/", "incident-command"),
    ("timeline/", "incident-timeline"),
    ("tasks/", "incident-tasks"),
    ("resources/", "incident-resource-requests"),
    ("sitreps/", "incident-sitreps"),
    ("sharing/", "incident-sharing"),
    ("periods/1/iap/", "print-ics202-iap"),
    ("periods/1/ics203/", "print-ics203"),
    ("periods/1/ics204/", "print-ics204"),
    ("sitreps/1/", "print-ics209-sitrep"),
)
ADMIN_PAGES = (
    ("/agency/marrow-fire/members/", "admin-members"),
    ("/agency/marrow-fire/agreements/", "admin-agreements"),
    ("/agency/marrow-fire/api-clients/", "admin-api-clients"),
    ("/agency/marrow-fire/audit/", "admin-audit"),
)


def test_the_analyst_pages(sign_in, screenshot_dir):
    person = sign_in("marrow-fire.duty_officer")
    for path, name in ANALYST_PAGES:
        capture(person, path, name, screenshot_dir)


def test_the_tabs_and_printable_forms_of_an_incident(sign_in, screenshot_dir):
    person = sign_in("marrow-fire.duty_officer")
    dock_street = incident_id(person, "Dock Street")
    for path, name in INCIDENT_TABS:
        capture(person, f"/incidents/{dock_street}/{path}", name, screenshot_dir)


def test_the_agency_admin_pages(sign_in, screenshot_dir):
    person = sign_in("marrow-fire.admin")
    for path, name in ADMIN_PAGES:
        capture(person, path, name, screenshot_dir)


def test_on_a_768_pixel_tablet_no_page_needs_sideways_scrolling(sign_in, screenshot_dir):
    """Wide tables and the org chart scroll inside their own box, never the page."""
    person = sign_in("marrow-fire.duty_officer", width=768, height=1024)
    dock_street = incident_id(person, "Dock Street")
    paths = [path for path, _ in ANALYST_PAGES]
    paths += [f"/incidents/{dock_street}/{tab}" for tab, _ in INCIDENT_TABS[:7]]
    for path in paths:
        person.open(path)
        overflow = person.page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"{path} is {overflow} px too wide"
    capture(person, "/", "board-tablet", screenshot_dir)


def test_the_not_found_page_says_nothing_and_passes_axe(sign_in, screenshot_dir, portal):
    person = sign_in("harbor-police.analyst")
    response = person.open("/incidents/00000000-0000-0000-0000-000000000000/")
    assert response.status == 404
    assert "nothing you may see" in person.page.content()
    person.check_page()
