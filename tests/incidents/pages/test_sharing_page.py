"""The sharing tab: Harbor Police's duty officer shares the warehouse fire with Esterly
Fire under their agreement, changes and revokes it, names a person, and breaks glass for
Northgate EMS; the page refuses exactly what the verbs refuse, where it was asked."""

import re

import pytest
from django.urls import reverse

from incidents.models import IncidentShare
from incidents.services import sharing as sharing_verbs
from ledger.models import AuditAction, AuditRecord
from sharing import policy
from sharing.access import Access
from sharing.models import ShareKind
from tests.cases import Call, PageCases
from tests.factories import AgencyFactory, member_of

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Chlorine leak next door; Northgate EMS must triage now."


def url(name, incident, *args) -> str:
    return reverse(name, args=[incident.public_id, *args])


def field_errors(page: str, name: str) -> list[str]:
    """The errors shown beside field `name` (its html name, prefix included)."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_errors" role="alert">(.*?)</ul>', page)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


@pytest.fixture
def opens_incident(signed_in):
    """The status someone's browser gets opening the incident's summary."""

    def status(user, incident) -> int:
        return signed_in(user).get(url("incident-detail", incident)).status_code

    return status


def test_the_duty_officer_shares_with_esterly_fire_and_takes_it_back(
    opens_incident, signed_in, duty, fire_analyst, incident, mutual_aid
):
    assert opens_incident(fire_analyst, incident) == 404
    client = signed_in(duty)

    shared = client.post(
        url("incident-share-agency", incident),
        {"share-agency": "esterly-fire", "share-level": "view", "form_key": "share-1"},
    )

    assert shared.status_code == 302
    assert shared["Location"] == url("incident-sharing", incident)
    assert opens_incident(fire_analyst, incident) == 200
    page = client.get(url("incident-sharing", incident)).content.decode()
    assert (
        "Shared with Esterly Fire at view level under the agreement "
        "“Harbor Police and Esterly Fire”. Its people have access now." in page
    )
    share = IncidentShare.objects.get(incident=incident, agency__slug="esterly-fire")
    assert (share.kind, share.level, share.agreement) == (ShareKind.AGREEMENT, 1, mutual_aid)
    assert "Revoke Esterly Fire's share? Everyone at Esterly Fire loses access" in page

    revoked = client.post(url("incident-share-revoke", incident, share.pk), {"form_key": "rev-1"})

    assert revoked.status_code == 302
    assert opens_incident(fire_analyst, incident) == 404
    page = client.get(url("incident-sharing", incident)).content.decode()
    assert "Share with Esterly Fire revoked; its people lost access at once." in page
    assert not IncidentShare.objects.filter(agency__slug="esterly-fire").exists()


def test_with_htmx_the_panel_comes_back_updated_in_place(signed_in, duty, incident, mutual_aid):
    response = signed_in(duty).post(
        url("incident-share-agency", incident),
        {"share-agency": "esterly-fire", "share-level": "contribute"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="sharing-panel"')
    assert "<html" not in page
    assert "Shared with Esterly Fire at contribute level" in page
    assert '<th scope="row">Esterly Fire</th>' in page


def test_a_share_no_agreement_covers_is_refused_beside_the_agency(
    signed_in, duty, incident, northgate
):
    response = signed_in(duty).post(
        url("incident-share-agency", incident),
        {"share-agency": "northgate-ems", "share-level": "view"},
    )

    assert response.status_code == 409
    assert field_errors(response.content.decode(), "share-agency") == [
        "No sharing agreement in force between Harbor Police and Northgate EMS covers a fire "
        "incident marked TLP:AMBER. Agree one first, or break glass with a justification."
    ]
    assert not IncidentShare.objects.filter(agency=northgate).exists()


def test_a_double_submitted_share_shares_once(signed_in, duty, incident, mutual_aid):
    client = signed_in(duty)
    data = {"share-agency": "esterly-fire", "share-level": "view", "form_key": "twice"}

    first = client.post(url("incident-share-agency", incident), data)
    second = client.post(url("incident-share-agency", incident), data)

    assert first.status_code == second.status_code == 302
    assert second["Idempotent-Replayed"] == "true"
    assert IncidentShare.objects.filter(incident=incident, agency__slug="esterly-fire").count() == 1


def test_the_duty_officer_raises_a_share_to_contribute(
    signed_in, duty, fire_analyst, incident, other_agency, mutual_aid
):
    share = sharing_verbs.share_incident(incident, actor=duty, agency=other_agency)
    assert not policy.can(fire_analyst, "contribute", incident)

    client = signed_in(duty)
    response = client.post(
        url("incident-share-level", incident, share.pk), {f"share-{share.pk}-level": "contribute"}
    )

    assert response.status_code == 302
    share.refresh_from_db()
    assert share.level == Access.CONTRIBUTE
    assert policy.can(fire_analyst, "contribute", incident)
    page = client.get(url("incident-sharing", incident)).content.decode()
    assert "Esterly Fire now holds the incident at contribute level." in page


def test_a_participant_share_is_not_revoked_here_and_the_page_says_where(
    opens_incident, signed_in, duty, fire_analyst, joint_incident, other_agency
):
    share = joint_incident.shares.get(agency=other_agency)
    client = signed_in(duty)
    page = client.get(url("incident-sharing", joint_incident)).content.decode()
    assert "Revoke Esterly Fire" not in page
    assert "Takes part: Unified command" in page

    response = client.post(url("incident-share-revoke", joint_incident, share.pk))

    assert response.status_code == 409
    page = response.content.decode()
    assert "Esterly Fire takes part in the incident; remove it as a participant." in page
    assert f'<a href="{url("incident-command", joint_incident)}">Command tab</a>' in page
    assert IncidentShare.objects.filter(pk=share.pk).exists()
    assert opens_incident(fire_analyst, joint_incident) == 200

    lowered = client.post(
        url("incident-share-level", joint_incident, share.pk), {f"share-{share.pk}-level": "view"}
    )

    assert lowered.status_code == 409
    assert "Esterly Fire takes part in the incident; its level follows its part." in (
        lowered.content.decode()
    )
    share.refresh_from_db()
    assert share.level == Access.COMMAND


def test_the_duty_officer_names_a_person_and_withdraws_the_grant(
    opens_incident, signed_in, duty, fire_analyst, incident, mutual_aid
):
    client = signed_in(duty)
    named = client.post(
        url("incident-share-person", incident),
        {"person-person": "esterly-fire.analyst", "person-level": "view"},
    )

    assert named.status_code == 302
    assert opens_incident(fire_analyst, incident) == 200
    page = client.get(url("incident-sharing", incident)).content.decode()
    assert "esterly-fire.analyst is named on the incident at view level." in page
    assert "Withdraw esterly-fire.analyst's grant" in page

    withdrawn = client.post(url("incident-share-person-revoke", incident, "esterly-fire.analyst"))

    assert withdrawn.status_code == 302
    assert opens_incident(fire_analyst, incident) == 404


def test_naming_someone_who_does_not_exist_is_refused_beside_the_username(
    signed_in, duty, incident
):
    response = signed_in(duty).post(
        url("incident-share-person", incident), {"person-person": "nobody", "person-level": "view"}
    )
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "person-person") == [
        "No person has the username &#x27;nobody&#x27;."
    ]


def test_breaking_glass_needs_a_justification_and_is_flagged_in_the_audit_trail(
    opens_incident, signed_in, duty, incident, northgate, northgate_admin
):
    client = signed_in(duty)
    page = client.get(url("incident-sharing", incident)).content.decode()
    assert re.search(r"Breaking glass is\s+recorded in the\s+tamper-evident audit trail", page)
    assert re.search(r'<textarea name="glass-justification"[^>]* required', page)

    for justification, error in [
        ("", "Say why you break glass: the justification is required."),
        ("urgent", "Write at least 20 characters of justification."),
    ]:
        refused = client.post(
            url("incident-break-glass", incident),
            {
                "glass-agency": "northgate-ems",
                "glass-level": "view",
                "glass-justification": justification,
            },
        )
        assert refused.status_code == 422
        assert field_errors(refused.content.decode(), "glass-justification") == [error]
    assert opens_incident(northgate_admin, incident) == 404

    broken = client.post(
        url("incident-break-glass", incident),
        {
            "glass-agency": "northgate-ems",
            "glass-level": "view",
            "glass-justification": JUSTIFICATION,
        },
    )

    assert broken.status_code == 302
    share = IncidentShare.objects.get(incident=incident, agency=northgate)
    assert (share.kind, share.justification) == (ShareKind.BREAK_GLASS, JUSTIFICATION)
    record = AuditRecord.objects.get(action=AuditAction.BREAK_GLASS)
    assert record.flagged is True
    assert record.detail["justification"] == JUSTIFICATION
    assert opens_incident(northgate_admin, incident) == 200
    page = client.get(url("incident-sharing", incident)).content.decode()
    assert "Shared with Northgate EMS at view level by breaking glass" in page
    assert f"Justification: {JUSTIFICATION}" in page


def test_an_analyst_sees_who_has_it_but_may_change_nothing(
    signed_in, analyst, duty, incident, other_agency, mutual_aid
):
    share = sharing_verbs.share_incident(incident, actor=duty, agency=other_agency)
    client = signed_in(analyst)

    page = client.get(url("incident-sharing", incident)).content.decode()
    assert '<th scope="row">Esterly Fire</th>' in page
    assert "Share with another agency" not in page
    assert "Break glass" not in page
    assert "Revoke" not in page

    for name, args, data in [
        ("incident-share-agency", (), {"share-agency": "esterly-fire", "share-level": "view"}),
        ("incident-share-level", (share.pk,), {f"share-{share.pk}-level": "share"}),
        ("incident-share-revoke", (share.pk,), {}),
        ("incident-share-person", (), {"person-person": "harbor-police.analyst"}),
        ("incident-share-person-revoke", ("harbor-police.duty_officer",), {}),
        ("incident-break-glass", (), {"glass-justification": JUSTIFICATION}),
    ]:
        assert client.post(url(name, incident, *args), data).status_code == 403, name
    share.refresh_from_db()
    assert share.level == Access.VIEW


class TestEverySharingAddress(PageCases):
    """Harbor Police broke glass for Northgate EMS; Esterly Fire finds nothing of it."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def share(self, duty, incident, northgate):
        return sharing_verbs.share_incident(
            incident, actor=duty, agency=northgate, break_glass=True, justification=JUSTIFICATION
        )

    @pytest.fixture
    def addresses(self, incident, share):
        posts = [
            ("incident-share-agency", ()),
            ("incident-share-level", (share.pk,)),
            ("incident-share-revoke", (share.pk,)),
            ("incident-share-person", ()),
            ("incident-share-person-revoke", ("harbor-police.duty_officer",)),
            ("incident-break-glass", ()),
        ]
        return [
            Call("get", url("incident-sharing", incident)),
            *(
                Call("post", url(name, incident, *args), {"form_key": f"probe-{name}"})
                for name, args in posts
            ),
        ]

    @pytest.fixture
    def unchanged(self, incident):
        return lambda: list(
            IncidentShare.objects.filter(incident=incident).values_list("pk", "level")
        )


def test_a_change_without_the_csrf_token_is_refused(signed_in, duty, incident, mutual_aid):
    client = signed_in(duty, enforce_csrf_checks=True)

    response = client.post(
        url("incident-share-agency", incident),
        {"share-agency": "esterly-fire", "share-level": "view"},
    )

    assert response.status_code == 403
    assert not IncidentShare.objects.filter(agency__slug="esterly-fire").exists()


def test_the_list_costs_the_same_queries_for_few_shares_or_many(
    signed_in, agency, duty, incident, django_assert_max_num_queries
):
    def add(count):
        for _ in range(count):
            partner = AgencyFactory()
            sharing_verbs.share_incident(
                incident, actor=duty, agency=partner, break_glass=True, justification=JUSTIFICATION
            )
            person = member_of(agency, "analyst")
            sharing_verbs.grant_person(incident, actor=duty, person=person)

    client = signed_in(duty)
    add(1)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url("incident-sharing", incident)).status_code == 200
    add(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url("incident-sharing", incident)).content.decode()
    assert page.count("Change level for ") == 9
