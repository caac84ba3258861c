"""Working under stress: the keyboard reaches everything with a visible focus, and of two
people editing one incident at once the second is told and shown the new version."""

import re


def test_the_first_tab_reaches_the_skip_link_with_a_visible_focus(sign_in):
    person = sign_in("harbor-police.analyst")
    person.open("/")
    person.page.keyboard.press("Tab")
    focused = person.page.evaluate(
        "() => ({text: document.activeElement.textContent.trim(),"
        " outline: getComputedStyle(document.activeElement).outlineStyle})"
    )
    assert focused == {"text": "Skip to content", "outline": "solid"}
    person.page.keyboard.press("Enter")
    assert person.page.url.endswith("/#main")


def test_the_board_filters_work_from_the_keyboard_alone(sign_in):
    person = sign_in("marrow-fire.analyst")
    person.open("/")
    search = person.page.get_by_label("Search")
    search.focus()
    person.page.keyboard.type("Dock Street")
    person.page.keyboard.press("Enter")
    person.page.wait_for_url(re.compile(r"[?&]q=Dock(\+|%20)Street"))
    rows = person.page.locator("table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1
    assert "Warehouse fire on Dock Street" in rows.first.inner_text()


def test_a_stale_edit_says_someone_else_changed_it_and_shows_their_version(sign_in):
    first = sign_in("marrow-fire.duty_officer")
    second = sign_in("marrow-fire.duty_officer")
    first.open("/?q=Brush fire")
    first.page.locator("tbody tr").first.get_by_role("link").click()
    edit = first.page.url.removeprefix(first.base_url) + "edit/"

    first.open(edit)
    second.open(edit)
    first.page.get_by_label(re.compile("^Title")).fill("Brush fire on Alder Ridge, now 40 ha")
    first.page.get_by_role("button", name="Save changes").click()
    first.page.wait_for_url(re.compile(r"/incidents/[0-9a-f-]{36}/$"))

    second.page.get_by_label(re.compile("^Title")).fill("Brush fire on Alder Ridge (contained?)")
    second.page.get_by_role("button", name="Save changes").click()
    second.page.get_by_text("Someone else changed this since you opened it").wait_for()
    title = second.page.get_by_label(re.compile("^Title")).input_value()
    assert title == "Brush fire on Alder Ridge, now 40 ha"
    second.check_page()
