"""Agency admin, audit trail: Harbor Police's administrator reads what concerned the
agency, filters it, and sees at the top whether the chain still verifies.

Access as on every agency-admin page: 403 for a member without administer, 404 for
another agency's administrator, sign-in for a visitor.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from ledger import audit
from ledger.models import AuditAction, AuditRecord
from tests.factories import agreement_between

AUDIT = "/agency/harbor-police/audit/"


@pytest.fixture
def mutual_aid(agency, other_agency, admin, other_admin):
    """Proposed by Harbor Police, accepted by Esterly Fire: five records in all."""
    return agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, name="Dock fires"
    )


def listed(response) -> list[tuple[str, str, str]]:
    """(record number, action, actor) of each row, top to bottom."""
    assert response.status_code == 200, response.content
    body = response.content.decode().split('<table class="table" id="audit">')[1]
    rows = []
    for chunk in body.split('<tr id="record-')[1:]:
        number = chunk.split('"')[0]
        cells = chunk.split("<td>")
        rows.append(
            (number, cells[2].split("</td>")[0].split(" <strong")[0], cells[3].split("</td>")[0])
        )
    return rows


def test_the_admin_reads_the_trail_newest_first_under_a_verified_chain(
    signed_in, admin, mutual_aid, northgate
):
    audit.record(AuditAction.LOGIN, actor=admin, agency=northgate)

    response = signed_in(admin).get(AUDIT)

    ours = AuditRecord.objects.filter(agency__slug="harbor-police") | AuditRecord.objects.filter(
        other_agency__slug="harbor-police"
    )
    expected = [
        (str(record.pk), record.get_action_display(), record.actor_label)
        for record in ours.order_by("-id")
    ]
    assert listed(response) == expected
    assert [action for _, action, _ in expected] == [
        "Signed in",
        "Agreement activated",
        "Agreement accepted",
        "Agreement proposed",
        "Agreement proposed",
        "Member added",
        "Agency registered",
    ]
    page = response.content.decode()
    total = AuditRecord.objects.count()
    assert (
        '<p class="chain-status chain-verified" id="chain-status"><strong>Chain verified:</strong> '
        f"all {total} records of the portal's audit chain are intact.</p>"
    ) in page
    assert 'aria-current="page">Audit trail</a>' in page


def test_a_tampered_record_is_named_at_the_top_and_in_its_row(
    signed_in, admin, mutual_aid, tamper_audit
):
    victim = AuditRecord.objects.filter(
        action="agreement_accepted", agency__slug="harbor-police"
    ).get()
    tamper_audit("UPDATE sharing_auditrecord SET actor_label = 'nobody' WHERE id = %s", [victim.pk])

    response = signed_in(admin).get(AUDIT)

    page = response.content.decode()
    assert (
        f"<strong>Chain broken at record #{victim.pk}:</strong> "
        "its content does not match its hash." in page
    )
    assert f'<tr id="record-{victim.pk}" class="chain-break">' in page
    assert "(chain breaks here)" in page


def test_filters_narrow_the_trail_and_stay_in_the_url(
    signed_in, admin, other_admin, agency, mutual_aid
):
    browser = signed_in(admin)
    yesterday = timezone.localdate() - timedelta(days=1)

    by_action = listed(browser.get(AUDIT, {"action": "agreement_accepted"}))
    by_actor = listed(browser.get(AUDIT, {"actor": "ESTERLY"}))
    by_type = listed(browser.get(AUDIT, {"target_type": "sharing.sharingagreement"}))
    before = listed(browser.get(AUDIT, {"until": yesterday.isoformat()}))
    today = listed(browser.get(AUDIT, {"since": timezone.localdate().isoformat()}))

    assert [action for _, action, _ in by_action] == ["Agreement accepted"]
    assert {actor for _, _, actor in by_actor} == {"esterly-fire.admin"}
    assert len(by_actor) == 2
    assert len(by_type) == 4
    assert before == []
    # The five of the agreement, the admin's own joining, and the agency's registration.
    assert len(today) == 7
    page = browser.get(AUDIT, {"action": "agreement_accepted"}).content.decode()
    assert '<option value="agreement_accepted" selected>' in page
    assert '<option value="sharing.sharingagreement">sharing.sharingagreement</option>' in page


def test_pages_of_fifty_keep_the_filters(signed_in, admin, agency):
    browser = signed_in(admin)
    for _ in range(60):
        audit.record(AuditAction.LOGIN, actor=admin, agency=agency)

    first = browser.get(AUDIT, {"action": "login"})
    second = browser.get(AUDIT, {"action": "login", "page": 2})

    assert len(listed(first)) == 50
    assert len(listed(second)) == 11  # the sixty, and the admin's own sign-in
    assert 'href="?action=login&amp;page=2" rel="next">Older</a>' in first.content.decode()
    assert 'href="?action=login&amp;page=1" rel="prev">Newer</a>' in second.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"since": "yesterday"}, "since", "Enter a valid date."),
        ({"action": "explode"}, "action", "Select a valid choice."),
        ({"since": "2030-01-02", "until": "2030-01-01"}, "until", "before its start"),
    ],
)
def test_a_bad_filter_is_shown_beside_its_field_with_422(
    signed_in, admin, mutual_aid, params, field, message
):
    response = signed_in(admin).get(AUDIT, params)

    assert response.status_code == 422
    page = response.content.decode()
    assert message in page.split(f'id="id_{field}_errors" role="alert">')[1].split("</ul>")[0]
    assert "Correct the filters to see records." in page


def test_a_member_without_administer_is_refused_with_403(signed_in, analyst, mutual_aid):
    assert signed_in(analyst).get(AUDIT).status_code == 403


def test_another_agencys_admin_gets_404(signed_in, northgate_admin, mutual_aid):
    assert signed_in(northgate_admin).get(AUDIT).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, agency):
    response = client.get(AUDIT)

    assert response.status_code == 302
    assert response.headers["Location"] == f"/login/?next={AUDIT}"


def test_the_trail_costs_the_same_for_few_and_many(
    signed_in, admin, agency, django_assert_max_num_queries
):
    browser = signed_in(admin)
    audit.record(AuditAction.LOGIN, actor=admin, agency=agency)
    with django_assert_max_num_queries(10):
        assert browser.get(AUDIT).status_code == 200
    for _ in range(80):
        audit.record(AuditAction.LOGIN, actor=admin, agency=agency)
    with django_assert_max_num_queries(10):
        assert len(listed(browser.get(AUDIT, {"action": "login"}))) == 50
