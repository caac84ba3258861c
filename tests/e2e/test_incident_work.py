"""People of several agencies work one incident in their browsers: what one of them
does, the others see, exactly as far as sharing allows."""

import re

from tests.e2e.conftest import Session

TITLE = "Tanker rollover on the Front Street ramp"
SHERIFF = "Marrow County Sheriff's Office"
EMS = "Westmarch Coastal EMS"


def visible_references(person: Session) -> set[str]:
    """What the API shows this person: the pages must show the same, never more."""
    found = person.api_get("/api/v1/incidents/?page_size=200").json()
    assert found["next"] is None
    return {incident["reference"] for incident in found["results"]}


def board_references(person: Session) -> set[str]:
    person.open("/")
    links = person.page.locator("table tbody th a")
    return {text.strip() for text in links.all_inner_texts()}


def board_link(person: Session, title: str):
    """The link to the incident of this title on the board now open (maybe none)."""
    return person.page.locator("tbody tr", has_text=title).get_by_role("link")


def test_each_agency_sees_exactly_what_it_may_on_the_board(sign_in):
    harbor = sign_in("harbor-police.analyst")
    health = sign_in("marrow-public-health.analyst")
    for person in (harbor, health):
        assert board_references(person) == visible_references(person)
        person.check_page()
    ransomware = "Ransomware attack on Marrow General Hospital"
    health.open(f"/?q={ransomware}")
    link = board_link(health, ransomware)
    assert link.count() == 1
    harbor.open(f"/?q={ransomware}")
    assert board_link(harbor, ransomware).count() == 0
    assert harbor.open(link.get_attribute("href")).status == 404


def open_incident(person: Session) -> str:
    """Open an incident through the create form; returns its page's path."""
    page = person.page
    person.open("/incidents/new/")
    page.get_by_label(re.compile("^Title")).fill(TITLE)
    page.get_by_label(re.compile("^Type")).select_option(label="Hazardous materials")
    page.get_by_label(re.compile("^Severity")).select_option("4")
    page.get_by_label("Marking (TLP)").select_option("AMBER")
    page.get_by_role("spinbutton", name=re.compile("^Latitude")).fill("46.012")
    longitude = page.get_by_role("spinbutton", name=re.compile("^Longitude"))
    longitude.fill("-123.912")
    longitude.dispatch_event("change")
    where = page.locator("#where")
    where.get_by_text("Port Calder", exact=False).first.wait_for()
    person.check_page()
    page.get_by_role("button", name="Open incident").click()
    page.wait_for_url(re.compile(r"/incidents/[0-9a-f-]{36}/$"))
    assert page.get_by_role("heading", level=1, name=TITLE).is_visible()
    return page.url.removeprefix(person.base_url)


def test_open_post_share_and_revoke(sign_in):
    fire = sign_in("marrow-fire.duty_officer")
    incident = open_incident(fire)
    fire.check_page()

    fire.open(incident + "timeline/")
    entry = fire.page.get_by_label(re.compile("^Text"))
    entry.fill("Product is ammonium nitrate; 300 m cordon set.")
    fire.page.get_by_role("button", name="Add to the timeline").click()
    fire.page.get_by_text("Your entry was added to the timeline.").wait_for()
    fire.open(incident + "timeline/")
    assert fire.page.get_by_text("300 m cordon set").count() == 1
    fire.check_page()

    sheriff = sign_in("marrow-sheriff.analyst")
    assert sheriff.open(incident).status == 404
    sheriff.open("/")
    assert TITLE not in sheriff.page.content()

    fire.open(incident + "sharing/")
    share = fire.page.get_by_role("region", name="Share with another agency")
    share.get_by_label(re.compile("^Agency")).select_option(label=SHERIFF)
    share.get_by_role("button", name="Share", exact=True).click()
    revoke = fire.page.get_by_role("button", name=f"Revoke {SHERIFF}'s access")
    revoke.wait_for()
    fire.check_page()

    assert sheriff.open(incident).status == 200
    sheriff.open("/")
    assert board_link(sheriff, TITLE).count() == 1

    fire.page.once("dialog", lambda dialog: dialog.accept())
    revoke.click()
    revoke.wait_for(state="detached")

    assert sheriff.open(incident).status == 404
    sheriff.open("/")
    assert board_link(sheriff, TITLE).count() == 0


def test_a_resource_request_from_request_to_delivery(sign_in):
    fire = sign_in("marrow-fire.duty_officer")
    fire.open("/?q=Dock Street")
    board_link(fire, "Warehouse fire on Dock Street").click()
    incident = fire.page.url.removeprefix(fire.base_url)

    fire.open(incident + "resources/new/")
    fire.page.get_by_label(re.compile("^Ask this agency")).select_option(label=EMS)
    fire.page.get_by_label(re.compile("^Kind of resource")).fill("Ambulance (ground)")
    fire.page.get_by_label(re.compile("^Quantity")).fill("2")
    fire.page.get_by_role("button", name="Send the request").click()
    fire.page.wait_for_url(re.compile(r"/resources/[0-9a-f-]{36}/$"))
    request = fire.page.url.removeprefix(fire.base_url)
    assert fire.page.get_by_role("button", name="Approve").count() == 0
    fire.check_page()

    ems = sign_in("coastal-ems.duty_officer")
    for step in ("Approve", "Assign resources", "Dispatch (en route)"):
        ems.open(request)
        ems.page.get_by_role("button", name=step).click()
        ems.page.get_by_text(re.compile(r"RR-\d+ is now")).wait_for()
    ems.check_page()

    fire.open(request)
    fire.page.get_by_role("button", name="Confirm delivery").click()
    fire.page.get_by_text(re.compile(r"RR-\d+ is now delivered")).wait_for()
    assert fire.page.get_by_role("button", name="Confirm delivery").count() == 0
    steps = fire.page.get_by_role("table", name=re.compile("steps", re.IGNORECASE))
    assert steps.locator("tbody tr").count() == 5
