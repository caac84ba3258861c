"""An agency administrator issues an API client in the browser; its token, shown once,
works at once for the partner system and is never shown again."""

from playwright.sync_api import expect


def test_an_admin_issues_a_client_whose_token_works_once_shown(sign_in):
    admin = sign_in("harbor-police.admin")
    admin.open("/agency/harbor-police/api-clients/")
    page = admin.page
    page.get_by_label("Name").fill("CAD bridge")
    page.get_by_label("Role").select_option(label="Analyst")
    page.get_by_label("Read").check()
    page.get_by_role("button", name="Issue client and token").click()
    page.wait_for_url("**/issued/")
    admin.check_page()

    token = page.get_by_label("Bearer token").input_value()
    assert len(token) > 30
    page.get_by_role("button", name="Copy token").click()
    # The clipboard answers asynchronously: wait for the status rather than race it.
    expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)

    partner = admin.context.browser.new_context()
    try:
        answer = partner.request.get(
            f"{admin.base_url}/api/v1/incidents/", headers={"Authorization": f"Bearer {token}"}
        )
        assert answer.status == 200
        assert answer.json()["count"] >= 1
    finally:
        partner.close()

    page.reload()
    assert page.get_by_label("Bearer token").count() == 0
    assert token not in page.content()
    assert "cannot be shown again" in page.content()
