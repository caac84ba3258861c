"""Agency admin, agreements: Harbor Police proposes mutual aid to Esterly Fire, Esterly
Fire's administrator accepts it, and later one of them suspends or renews it.

Access as on every agency-admin page: 403 for a member without administer, 404 for an
agency the person does not belong to, and 404 for an agreement their agency is not a
party to; a visitor is sent to sign in.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from sharing.models import AgreementStatus, SharingAgreement
from sharing.pages.agreements import review_note
from tests.factories import AgencyFactory, agreement_between, member_of

HARBOR = "/agency/harbor-police/agreements/"
ESTERLY = "/agency/esterly-fire/agreements/"


def form_for(**changes):
    valid_from = timezone.localtime() - timedelta(minutes=5)
    return {
        "name": "Harbor mutual aid",
        "description": "Fires and spills at the docks",
        "parties": ["esterly-fire"],
        "max_tlp": "AMBER",
        "incident_types": "fire, hazmat",
        "valid_from": valid_from.strftime("%Y-%m-%dT%H:%M"),
        "valid_until": "",
        "review_due": (timezone.localdate() + timedelta(days=180)).isoformat(),
        "auto_join": "on",
        **changes,
    }


def action_url(base, agreement, action):
    return f"{base}{agreement.pk}/{action}/"


@pytest.fixture
def mutual_aid(agency, other_agency, admin, other_admin):
    return agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, name="Dock fires"
    )


# Proposing and accepting


def test_harbor_proposes_and_esterly_accepts(signed_in, admin, other_admin, agency, other_agency):
    response = signed_in(admin).post(f"{HARBOR}new/", {**form_for(), "form_key": "propose-1"})

    assert response.status_code == 302
    assert response.headers["Location"] == HARBOR
    agreement = SharingAgreement.objects.get()
    assert (
        agreement.name,
        agreement.proposed_by,
        set(agreement.parties.all()),
        agreement.max_tlp,
        agreement.incident_types,
        agreement.auto_join,
        agreement.status,
    ) == (
        "Harbor mutual aid",
        agency,
        {agency, other_agency},
        "AMBER",
        ["fire", "hazmat"],
        True,
        AgreementStatus.DRAFT,
    )
    harbor_row = row_of(signed_in(admin).get(HARBOR), agreement)
    assert "Esterly Fire: <strong>not yet accepted</strong>" in harbor_row
    assert "Draft (awaiting acceptance)" in harbor_row
    assert "Incident types: fire, hazmat" in harbor_row
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in harbor_row
    assert "Partners join covered incidents in their area automatically" in harbor_row
    assert f'action="{action_url(HARBOR, agreement, "accept")}"' not in harbor_row

    esterly_row = row_of(signed_in(other_admin).get(ESTERLY), agreement)
    assert f'action="{action_url(ESTERLY, agreement, "accept")}"' in esterly_row

    accepted = signed_in(other_admin).post(action_url(ESTERLY, agreement, "accept"))

    assert accepted.status_code == 302
    assert accepted.headers["Location"] == ESTERLY
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.ACTIVE
    assert '<span class="agreement-status agreement-active">Active</span>' in row_of(
        signed_in(other_admin).get(ESTERLY), agreement
    )


def row_of(response, agreement) -> str:
    assert response.status_code == 200
    return response.content.decode().split(f'id="agreement-{agreement.pk}"')[1].split("</tr>")[0]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"parties": []}, "parties", "This field is required."),
        ({"name": ""}, "name", "This field is required."),
        ({"max_tlp": "PURPLE"}, "max_tlp", "Select a valid choice."),
        (
            {"incident_types": "fire, Big Fire"},
            "incident_types",
            "Not an incident type value: Big Fire.",
        ),
        ({"valid_until": "2001-01-01T00:00"}, "valid_until", "valid_until must be in the future"),
        ({"review_due": "soon"}, "review_due", "Enter a valid date."),
    ],
)
def test_bad_terms_are_shown_beside_their_field_with_422(
    signed_in, admin, other_agency, change, field, message
):
    response = signed_in(admin).post(f"{HARBOR}new/", form_for(**change))

    assert response.status_code == 422
    errors = response.content.decode().split(f'id="id_{field}_errors" role="alert">')[1]
    assert message in errors.split("</ul>")[0]
    assert not SharingAgreement.objects.exists()


def test_the_propose_form_offers_other_active_agencies_only(signed_in, admin, other_agency):
    page = signed_in(admin).get(f"{HARBOR}new/").content.decode()

    assert 'value="esterly-fire"' in page
    assert 'value="harbor-police"' not in page
    assert "<legend>Partner agencies" in page


def test_a_double_submitted_proposal_creates_one_agreement(signed_in, admin, other_agency):
    browser = signed_in(admin)
    form = {**form_for(), "form_key": "propose-once"}

    first = browser.post(f"{HARBOR}new/", form)
    second = browser.post(f"{HARBOR}new/", form)

    assert first.status_code == second.status_code == 302
    assert second.headers["Idempotent-Replayed"] == "true"
    assert SharingAgreement.objects.count() == 1


# Suspending and renewing


def test_suspending_says_what_stops_then_needs_a_reason(signed_in, admin, mutual_aid):
    browser = signed_in(admin)
    page = browser.get(action_url(HARBOR, mutual_aid, "suspend")).content.decode()
    consequences = page.split('id="consequences">')[1].split("</ul>")[0]
    assert "Every incident shared under it with Esterly Fire stops being visible to them" in (
        consequences
    )
    assert 'data-confirm="Suspend Dock fires now? Shares under it stop at once."' in page

    blank = browser.post(action_url(HARBOR, mutual_aid, "suspend"), {"reason": " "})

    assert blank.status_code == 422
    assert 'id="id_reason_errors" role="alert"><li>' in blank.content.decode()
    mutual_aid.refresh_from_db()
    assert mutual_aid.status == AgreementStatus.ACTIVE

    done = browser.post(
        action_url(HARBOR, mutual_aid, "suspend"), {"reason": "Data handling review"}
    )

    assert done.status_code == 302
    mutual_aid.refresh_from_db()
    assert mutual_aid.status == AgreementStatus.SUSPENDED
    row = row_of(browser.get(HARBOR), mutual_aid)
    assert "Suspended" in row
    assert "/suspend/" not in row
    assert "/renew/" in row


def test_renewing_sends_new_dates_back_to_the_partner(signed_in, admin, mutual_aid):
    browser = signed_in(admin)
    until = timezone.localtime() + timedelta(days=365)

    past = browser.post(
        action_url(HARBOR, mutual_aid, "renew"), {"valid_until": "2001-01-01T00:00"}
    )
    assert past.status_code == 422
    assert (
        '<ul class="errorlist" id="id_valid_until_errors" role="alert">'
        "<li>A renewal must end in the future.</li>"
    ) in past.content.decode()

    done = browser.post(
        action_url(HARBOR, mutual_aid, "renew"),
        {"valid_until": until.strftime("%Y-%m-%dT%H:%M"), "review_due": "2031-06-30"},
    )

    assert done.status_code == 302
    mutual_aid.refresh_from_db()
    assert mutual_aid.status == AgreementStatus.DRAFT
    assert mutual_aid.review_due.isoformat() == "2031-06-30"
    assert "Esterly Fire: <strong>not yet accepted</strong>" in row_of(
        browser.get(HARBOR), mutual_aid
    )


def test_review_due_is_said_in_words_when_near_or_past(
    signed_in, admin, agency, other_agency, other_admin
):
    today = timezone.localdate()
    soon = agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        name="Soon",
        review_due=today + timedelta(days=5),
    )
    late = agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        name="Late",
        review_due=today - timedelta(days=3),
    )
    calm = agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        name="Calm",
        review_due=today + timedelta(days=200),
    )

    response = signed_in(admin).get(HARBOR)

    assert "Review due in 5 days" in row_of(response, soon)
    assert f"Review overdue since {today - timedelta(days=3):%d %b %Y}" in row_of(response, late)
    assert "review-due" not in row_of(response, calm)
    assert review_note(today, today) == "Review due today"
    assert review_note(None, today) == ""


# Who may not


def every_url(base, agreement):
    return [
        ("get", base, {}),
        ("get", f"{base}new/", {}),
        ("post", f"{base}new/", form_for()),
        ("post", action_url(base, agreement, "accept"), {}),
        ("get", action_url(base, agreement, "suspend"), {}),
        ("post", action_url(base, agreement, "suspend"), {"reason": "because"}),
        ("get", action_url(base, agreement, "renew"), {}),
        ("post", action_url(base, agreement, "renew"), {"valid_until": ""}),
    ]


def test_a_member_without_administer_is_refused_with_403(signed_in, analyst, mutual_aid):
    browser = signed_in(analyst)

    for method, url, data in every_url(HARBOR, mutual_aid):
        assert getattr(browser, method)(url, data).status_code == 403, (method, url)
    mutual_aid.refresh_from_db()
    assert mutual_aid.status == AgreementStatus.ACTIVE
    assert SharingAgreement.objects.count() == 1


def test_an_admin_of_a_third_agency_gets_404_everywhere(signed_in, mutual_aid, northgate_admin):
    browser = signed_in(northgate_admin)

    for method, url, data in every_url(HARBOR, mutual_aid):
        assert getattr(browser, method)(url, data).status_code == 404, (method, url)
    for action in ("suspend", "renew"):
        own = action_url("/agency/northgate-ems/agreements/", mutual_aid, action)
        assert browser.get(own).status_code == 404
        assert browser.post(own, {"reason": "because", "valid_until": ""}).status_code == 404
    mutual_aid.refresh_from_db()
    assert mutual_aid.status == AgreementStatus.ACTIVE


def test_a_signed_out_visitor_is_sent_to_sign_in(client, mutual_aid):
    for method, url, data in every_url(HARBOR, mutual_aid):
        response = getattr(client, method)(url, data)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login/?next={url}"


def test_a_suspension_without_the_csrf_token_is_refused(signed_in, admin, mutual_aid):
    browser = signed_in(admin, enforce_csrf_checks=True)

    response = browser.post(action_url(HARBOR, mutual_aid, "suspend"), {"reason": "because"})

    assert response.status_code == 403
    mutual_aid.refresh_from_db()
    assert mutual_aid.status == AgreementStatus.ACTIVE


def test_the_list_costs_the_same_for_few_and_many(
    signed_in, admin, agency, other_agency, other_admin, django_assert_max_num_queries
):
    browser = signed_in(admin)
    agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin, name="A")
    with django_assert_max_num_queries(9):
        assert browser.get(HARBOR).status_code == 200
    for number in range(8):
        partner = AgencyFactory(name=f"Partner {number}", slug=f"partner-{number}")
        partner_admin = member_of(partner, "admin", username=f"partner-{number}.admin")
        agreement_between(
            agency, partner, actor_first=admin, actor_second=partner_admin, name=f"B{number}"
        )
    with django_assert_max_num_queries(9):
        page = browser.get(HARBOR)
    assert page.content.decode().count('<tr id="agreement-') == 9
