"""/api/v1/sharing-agreements/: agencies agree what they share, and may take it back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Incident
from incidents.services.sharing import share_incident
from sharing import policy
from sharing.models import AgreementParty, SharingAgreement
from tests.factories import AgencyFactory, agreement_between, member_of, open_incident

AGREEMENTS = "/api/v1/sharing-agreements/"
MUTUAL_AID = {
    "agency": "harbor-police",
    "name": "Harbor mutual aid",
    "description": "Fires and spills on the waterfront.",
    "parties": ["esterly-fire"],
    "max_tlp": "AMBER",
    "incident_types": ["hazmat", "fire"],
    "valid_from": "2026-01-01T00:00:00Z",
    "valid_until": "2099-01-01T00:00:00Z",
    "review_due": "2027-06-30",
}


def detail(agreement_id):
    return f"{AGREEMENTS}{agreement_id}/"


def act(agreement_id, verb):
    return f"{AGREEMENTS}{agreement_id}/{verb}/"


def listed(response):
    """The (name, effective status) of each agreement in a list response."""
    assert response.status_code == 200, response.content
    return [(item["name"], item["effective_status"]) for item in response.json()["results"]]


def party_states(body):
    return [(party["agency"], party["accepted_by"]) for party in body["parties"]]


def incidents_seen_by(user):
    return set(policy.visible(user, Incident.objects.all()).values_list("title", flat=True))


@pytest.fixture
def fire_analyst(other_agency):
    return member_of(other_agency, "analyst", username="esterly-fire.analyst")


@pytest.fixture
def proposed(api_as, admin, other_agency):
    """Harbor Police's administrator has proposed mutual aid to Esterly Fire."""
    response = api_as(admin).post(AGREEMENTS, MUTUAL_AID)
    assert response.status_code == 201, response.content
    return response.json()


# Proposing and accepting


def test_a_proposal_is_a_draft_with_the_proposers_side_accepted(api_as, admin, other_agency):
    response = api_as(admin).post(AGREEMENTS, MUTUAL_AID)

    assert response.status_code == 201, response.content
    body = response.json()
    agreement = SharingAgreement.objects.get()
    accepted_at = AgreementParty.objects.get(agency__slug="harbor-police").accepted_at
    assert body == {
        "id": agreement.pk,
        "name": "Harbor mutual aid",
        "description": "Fires and spills on the waterfront.",
        "proposed_by": "harbor-police",
        "parties": [
            {
                "agency": "esterly-fire",
                "name": "Esterly Fire",
                "accepted_at": None,
                "accepted_by": None,
            },
            {
                "agency": "harbor-police",
                "name": "Harbor Police",
                "accepted_at": accepted_at.isoformat().replace("+00:00", "Z"),
                "accepted_by": "harbor-police.admin",
            },
        ],
        "max_tlp": "AMBER",
        "incident_types": ["fire", "hazmat"],
        "valid_from": "2026-01-01T00:00:00Z",
        "valid_until": "2099-01-01T00:00:00Z",
        "review_due": "2027-06-30",
        "status": "draft",
        "effective_status": "draft",
        "auto_join": False,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_the_other_sides_acceptance_makes_it_active(api_as, proposed, other_admin):
    response = api_as(other_admin).post(act(proposed["id"], "accept"), {"agency": "esterly-fire"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["effective_status"]) == ("active", "active")
    assert party_states(body) == [
        ("esterly-fire", "esterly-fire.admin"),
        ("harbor-police", "harbor-police.admin"),
    ]


def test_accepting_twice_is_a_conflict(api_as, problem, proposed, admin, other_admin):
    esterly = api_as(other_admin)
    esterly.post(act(proposed["id"], "accept"), {"agency": "esterly-fire"})

    again = problem(
        esterly.post(act(proposed["id"], "accept"), {"agency": "esterly-fire"}),
        409,
        "not_awaiting_acceptance",
    )
    assert again["detail"] == "This agreement is not awaiting acceptance."


def test_the_proposer_has_accepted_already(api_as, problem, proposed, admin):
    body = problem(
        api_as(admin).post(act(proposed["id"], "accept"), {"agency": "harbor-police"}),
        409,
        "already_accepted",
    )

    assert body["detail"] == "Harbor Police has already accepted."


def test_an_agency_that_is_no_party_neither_lists_nor_finds_it(
    api_as, problem, proposed, northgate_admin
):
    northgate = api_as(northgate_admin)
    agreement_id = proposed["id"]

    assert listed(northgate.get(AGREEMENTS)) == []
    problem(northgate.get(detail(agreement_id)), 404, "not_found")
    problem(
        northgate.post(act(agreement_id, "accept"), {"agency": "northgate-ems"}), 404, "not_found"
    )
    problem(
        northgate.post(act(agreement_id, "suspend"), {"agency": "northgate-ems", "reason": "Mine"}),
        404,
        "not_found",
    )
    assert SharingAgreement.objects.get().status == "draft"


def test_a_party_member_who_does_not_administer_sees_it_but_cannot_accept(
    api_as, problem, proposed, fire_analyst
):
    esterly = api_as(fire_analyst)

    assert listed(esterly.get(AGREEMENTS)) == [("Harbor mutual aid", "draft")]
    assert esterly.get(detail(proposed["id"])).json()["name"] == "Harbor mutual aid"
    body = problem(
        esterly.post(act(proposed["id"], "accept"), {"agency": "esterly-fire"}),
        403,
        "not_administrator",
    )
    assert body["detail"] == "You do not administer Esterly Fire."
    assert SharingAgreement.objects.get().status == "draft"


def test_an_administrator_acting_for_an_agency_that_is_no_party_is_refused(
    api_as, problem, proposed, other_agency, northgate
):
    """She sees the agreement as an Esterly analyst, but administers only Northgate."""
    liaison = member_of(northgate, "admin", username="northgate-ems.liaison")
    member_of(other_agency, "analyst", username="northgate-ems.liaison")

    body = problem(
        api_as(liaison).post(act(proposed["id"], "accept"), {"agency": "northgate-ems"}),
        403,
        "not_a_party",
    )

    assert body["detail"] == "Northgate EMS is not a party to this agreement."


def test_only_administrators_of_the_proposing_agency_propose(api_as, problem, analyst, other_admin):
    for person in (analyst, other_admin):
        body = problem(api_as(person).post(AGREEMENTS, MUTUAL_AID), 403, "not_administrator")
        assert body["detail"] == "You do not administer Harbor Police."

    assert not SharingAgreement.objects.exists()


def test_anonymous_callers_are_refused(api, problem, proposed):
    problem(api.get(AGREEMENTS), 401, "not_authenticated")
    problem(api.post(AGREEMENTS, MUTUAL_AID), 401, "not_authenticated")


# Suspending and renewing


@pytest.fixture
def agreement(agency, other_agency, admin, other_admin):
    return agreement_between(
        agency, other_agency, actor_first=admin, actor_second=other_admin, name="Dock fires"
    )


def test_suspending_needs_a_reason(api_as, problem, agreement, other_admin):
    body = problem(
        api_as(other_admin).post(
            act(agreement.pk, "suspend"), {"agency": "esterly-fire", "reason": "  "}
        ),
        400,
        "reason_required",
    )

    assert body["errors"] == {"reason": ["Say why the agreement is suspended."]}
    assert SharingAgreement.objects.get().status == "active"


def test_a_suspension_hides_shared_incidents_until_a_renewal_is_accepted(
    api_as, agreement, duty, other_agency, admin, other_admin, fire_analyst
):
    incident = open_incident(duty, title="Dock fire")
    share_incident(incident, actor=duty, agency=other_agency)
    assert incidents_seen_by(fire_analyst) == {"Dock fire"}
    harbor, esterly = api_as(admin), api_as(other_admin)

    suspended = esterly.post(
        act(agreement.pk, "suspend"), {"agency": "esterly-fire", "reason": "Annual review"}
    )
    assert suspended.status_code == 200, suspended.content
    assert (suspended.json()["status"], suspended.json()["effective_status"]) == (
        "suspended",
        "suspended",
    )
    assert incidents_seen_by(fire_analyst) == set()

    renewed = esterly.post(
        act(agreement.pk, "renew"),
        {"agency": "esterly-fire", "valid_until": "2099-06-30T00:00:00Z", "review_due": None},
    )
    assert renewed.status_code == 200, renewed.content
    body = renewed.json()
    assert (body["status"], body["valid_until"], body["review_due"]) == (
        "draft",
        "2099-06-30T00:00:00Z",
        None,
    )
    assert party_states(body) == [
        ("esterly-fire", "esterly-fire.admin"),
        ("harbor-police", None),
    ]
    assert incidents_seen_by(fire_analyst) == set()

    accepted = harbor.post(act(agreement.pk, "accept"), {"agency": "harbor-police"})
    assert accepted.json()["status"] == "active"
    assert incidents_seen_by(fire_analyst) == {"Dock fire"}


def test_suspending_twice_is_a_conflict(api_as, problem, agreement, admin):
    harbor = api_as(admin)
    suspend = {"agency": "harbor-police", "reason": "Breach reported"}
    harbor.post(act(agreement.pk, "suspend"), suspend)

    problem(harbor.post(act(agreement.pk, "suspend"), suspend), 409, "already_suspended")


def test_a_renewal_must_end_in_the_future(api_as, problem, agreement, admin):
    body = problem(
        api_as(admin).post(
            act(agreement.pk, "renew"),
            {"agency": "harbor-police", "valid_until": "2020-01-01T00:00:00Z"},
        ),
        400,
        "invalid_period",
    )

    assert body["errors"] == {"valid_until": ["A renewal must end in the future."]}
    assert SharingAgreement.objects.get().status == "active"


def test_an_agreement_past_its_end_reads_as_expired(api_as, agreement, admin):
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )

    body = api_as(admin).get(detail(agreement.pk)).json()

    assert (body["status"], body["effective_status"]) == ("active", "expired")


# Bad input


@pytest.mark.parametrize(
    ("change", "code", "errors"),
    [
        ({"max_tlp": "PURPLE"}, "invalid", {"max_tlp": ['"PURPLE" is not a valid choice.']}),
        (
            {"valid_until": "2025-12-31T00:00:00Z"},
            "invalid_period",
            {"valid_until": ["valid_until must be in the future and after valid_from."]},
        ),
        (
            {"parties": ["harbor-police"]},
            "invalid",
            {"parties": ["List the other agencies; the proposing agency is a party already."]},
        ),
        (
            {"parties": ["esterly-fire", "atlantis"]},
            "invalid",
            {"parties": ["No active agency has the slug 'atlantis'."]},
        ),
        (
            {"agency": "atlantis"},
            "invalid",
            {"agency": ["No active agency has the slug 'atlantis'."]},
        ),
        ({"colour": "blue"}, "invalid", {"colour": ["Unknown or read-only field."]}),
        (
            {"incident_types": ["fire", "Dock Fire!"]},
            "invalid",
            {"incident_types.1": ["This value does not match the required pattern."]},
        ),
        (
            {"incident_types": [f"type_{letter}" for letter in "abcdefghijklmnopqrstu"]},
            "invalid",
            {"incident_types": ["Ensure this field has no more than 20 elements."]},
        ),
    ],
)
def test_bad_proposals_are_refused_as_problem_documents(
    api_as, problem, admin, other_agency, change, code, errors
):
    body = problem(api_as(admin).post(AGREEMENTS, {**MUTUAL_AID, **change}), 400, code)

    assert body.get("errors") == errors
    assert not SharingAgreement.objects.exists()


def test_one_party_alone_is_no_agreement(api_as, problem, admin):
    body = problem(
        api_as(admin).post(AGREEMENTS, {**MUTUAL_AID, "parties": []}), 400, "too_few_parties"
    )

    assert body["detail"] == "An agreement needs at least two agencies."


def test_an_action_naming_an_unknown_agency_or_field_is_refused(api_as, problem, agreement, admin):
    harbor = api_as(admin)

    unknown_agency = problem(
        harbor.post(act(agreement.pk, "accept"), {"agency": "atlantis"}), 400, "invalid"
    )
    unknown_field = problem(
        harbor.post(act(agreement.pk, "accept"), {"agency": "harbor-police", "note": "ok"}),
        400,
        "invalid",
    )

    assert unknown_agency["errors"] == {"agency": ["No active agency has the slug 'atlantis'."]}
    assert unknown_field["errors"] == {"note": ["Unknown or read-only field."]}


# Finding agreements


@pytest.fixture
def three_agreements(agency, other_agency, northgate, admin, other_admin, northgate_admin):
    """Harbor has one active agreement with Esterly, one draft and one suspended with
    Northgate; only the Esterly one is due for review."""
    agreement_between(
        agency,
        other_agency,
        actor_first=admin,
        actor_second=other_admin,
        name="Dock fires",
        review_due=timezone.localdate(),
    )
    draft = agreement_between(
        agency,
        northgate,
        actor_first=admin,
        actor_second=northgate_admin,
        name="Ambulance transfers",
        review_due=timezone.localdate() + timedelta(days=1),
    )
    SharingAgreement.objects.filter(pk=draft.pk).update(status="draft")
    suspended = agreement_between(
        agency, northgate, actor_first=admin, actor_second=northgate_admin, name="Mass casualty"
    )
    SharingAgreement.objects.filter(pk=suspended.pk).update(status="suspended")


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({}, ["Ambulance transfers", "Dock fires", "Mass casualty"]),
        ({"status": "active"}, ["Dock fires"]),
        ({"status": ["draft", "suspended"]}, ["Ambulance transfers", "Mass casualty"]),
        ({"effective_status": "active"}, ["Dock fires"]),
        ({"agency": "esterly-fire"}, ["Dock fires"]),
        ({"agency": "northgate-ems"}, ["Ambulance transfers", "Mass casualty"]),
        ({"due_for_review": "true"}, ["Dock fires"]),
        ({"due_for_review": "false"}, ["Ambulance transfers", "Mass casualty"]),
        ({"ordering": "-name"}, ["Mass casualty", "Dock fires", "Ambulance transfers"]),
    ],
)
def test_agreements_filter_and_order(api_as, admin, three_agreements, params, names):
    response = api_as(admin).get(AGREEMENTS, params)

    assert [name for name, _ in listed(response)] == names


def test_an_expired_agreement_is_found_by_its_effective_status(api_as, agreement, admin):
    SharingAgreement.objects.filter(pk=agreement.pk).update(
        valid_until=timezone.now() - timedelta(seconds=1)
    )
    harbor = api_as(admin)

    assert listed(harbor.get(AGREEMENTS, {"effective_status": "expired"})) == [
        ("Dock fires", "expired")
    ]
    assert listed(harbor.get(AGREEMENTS, {"effective_status": "active"})) == []


def test_a_misspelt_filter_is_refused(api_as, problem, admin, agreement):
    harbor = api_as(admin)

    misspelt = problem(harbor.get(AGREEMENTS, {"stauts": "active"}), 400, "invalid")

    assert misspelt["errors"] == {"stauts": ["Unknown query parameter."]}


def test_listing_agreements_costs_the_same_for_2_or_10_agreements(
    api_as, agency, admin, django_assert_max_num_queries
):
    harbor = api_as(admin)

    def agree(numbers):
        for number in numbers:
            partner = AgencyFactory()
            agreement_between(
                agency,
                partner,
                actor_first=admin,
                actor_second=member_of(partner, "admin"),
                name=f"Agreement {number:02d}",
            )

    agree(range(2))
    with django_assert_max_num_queries(5) as few:
        assert harbor.get(AGREEMENTS).json()["count"] == 2

    agree(range(2, 10))
    with django_assert_max_num_queries(5) as many:
        assert harbor.get(AGREEMENTS).json()["count"] == 10

    assert len(many) == len(few)
