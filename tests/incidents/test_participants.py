"""Participants as the duty officers meet them: Harbor Police leads the warehouse fire
and brings in Esterly Fire (under their mutual aid agreement), changes its part, and
takes it out again; agencies proposed by jurisdiction routing are added or dismissed."""

import pytest

from agencies.services import assign_responsibility
from incidents.models import EntryKind, Participant, ParticipantStatus, TimelineEntry
from incidents.services import sharing as sharing_verbs
from incidents.services.participants import add_participant
from ledger.models import Event
from sharing.access import Access
from tests.cases import ApiBudgetCases, ApiCases, ApiVersionCases, Call
from tests.factories import (
    AgencyFactory,
    JurisdictionFactory,
    member_of,
    open_incident,
    platform_operator,
    square,
)

INCIDENTS = "/api/v1/incidents/"
JUSTIFICATION = "Dock Street fire spreads to the fuel depot; need them now."


def participants_url(incident, agency=None):
    url = f"{INCIDENTS}{incident.public_id}/participants/"
    return f"{url}{agency.slug}/" if agency is not None else url


def incident_url(incident):
    return f"{INCIDENTS}{incident.public_id}/"


def system_lines(incident):
    return list(
        TimelineEntry.objects.filter(incident=incident, kind=EntryKind.SYSTEM)
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.fixture
def clatsop(other_agency):
    """The county around Dock Street, which Esterly Fire answers for."""
    county = JurisdictionFactory(
        name="Clatsop County", slug="clatsop", boundary=square(-124.5, 45.5)
    )
    assign_responsibility(other_agency, county, "primary", actor=platform_operator())
    return county


# Reading


def test_the_lead_and_a_joined_agency_are_listed_with_their_shares(
    api_as, joint_incident, duty, mutual_aid
):
    response = api_as(duty).get(participants_url(joint_incident))

    assert response.status_code == 200, response.content
    lead, fire = response.json()["results"]
    assert lead == {
        "agency": "harbor-police",
        "agency_name": "Harbor Police",
        "part": "lead",
        "status": "active",
        "share": {"kind": "lead", "level": "share", "agreement": None},
        "routed_from": None,
        "added_by": "harbor-police.duty_officer",
        "added_at": lead["added_at"],
        "version": 1,
    }
    assert fire == {
        "agency": "esterly-fire",
        "agency_name": "Esterly Fire",
        "part": "unified_command",
        "status": "active",
        "share": {
            "kind": "agreement",
            "level": "command",
            "agreement": {
                "id": mutual_aid.pk,
                "name": "Harbor Police and Esterly Fire",
                "status": "active",
            },
        },
        "routed_from": None,
        "added_by": "harbor-police.duty_officer",
        "added_at": fire["added_at"],
        "version": 1,
    }


def test_one_participant_is_read_with_its_etag(api_as, joint_incident, fire_analyst, other_agency):
    response = api_as(fire_analyst).get(participants_url(joint_incident, other_agency))

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"1"'
    assert response.json()["part"] == "unified_command"


def test_an_agency_that_does_not_take_part_is_not_found(api_as, incident, duty, northgate, problem):
    response = api_as(duty).get(participants_url(incident, northgate))

    assert response.status_code == 404


class TestTheParticipantList(ApiBudgetCases):
    """Harbor Police's duty officer lists the lead alone, then nine agencies."""

    budget, sizes = 9, (1, 9)

    @pytest.fixture
    def listing(self, incident):
        return Call("get", participants_url(incident))

    @pytest.fixture
    def grow(self, incident, duty):
        def eight_more():
            for number in range(8):
                agency = AgencyFactory(name=f"Coast Unit {number}", slug=f"coast-unit-{number}")
                add_participant(
                    incident,
                    actor=duty,
                    agency=agency,
                    part="cooperating",
                    break_glass=True,
                    justification=JUSTIFICATION,
                )

        return eight_more


# Bringing an agency in


def test_a_duty_officer_brings_in_an_agency_under_the_agreement(
    api_as, incident, duty, fire_analyst, mutual_aid
):
    assert api_as(fire_analyst).get(incident_url(incident)).status_code == 404

    response = api_as(duty).post(
        participants_url(incident), {"agency": "esterly-fire", "part": "assisting"}
    )

    assert response.status_code == 201, response.content
    assert response["ETag"] == '"1"'
    body = response.json()
    assert (body["agency"], body["part"], body["status"]) == ("esterly-fire", "assisting", "active")
    assert (body["share"]["level"], body["share"]["kind"]) == ("contribute", "agreement")
    assert body["share"]["agreement"]["id"] == mutual_aid.pk
    assert api_as(fire_analyst).get(incident_url(incident)).status_code == 200
    assert system_lines(incident)[-2:] == [
        "Shared with Esterly Fire at contribute level (agreement).",
        "Esterly Fire takes part as assisting agency.",
    ]
    assert Event.objects.filter(kind="incident.participant_added").count() == 1


def test_a_level_may_be_named_instead_of_the_parts_default(api_as, incident, duty, mutual_aid):
    response = api_as(duty).post(
        participants_url(incident),
        {"agency": "esterly-fire", "part": "cooperating", "level": "contribute"},
    )

    assert response.status_code == 201, response.content
    assert (response.json()["part"], response.json()["share"]["level"]) == (
        "cooperating",
        "contribute",
    )


def test_an_unknown_agency_is_refused(api_as, incident, duty, problem):
    body = problem(
        api_as(duty).post(
            participants_url(incident), {"agency": "atlantis-pd", "part": "assisting"}
        ),
        400,
        "invalid",
    )

    assert "agency" in body["errors"]
    assert incident.participants.count() == 1


def test_an_agency_already_taking_part_is_refused(api_as, joint_incident, duty, problem):
    client = api_as(duty)
    for slug in ("esterly-fire", "harbor-police"):
        problem(
            client.post(participants_url(joint_incident), {"agency": slug, "part": "assisting"}),
            409,
            "already_participating",
        )


def test_nobody_joins_as_a_second_lead(api_as, incident, duty, mutual_aid, problem):
    problem(
        api_as(duty).post(participants_url(incident), {"agency": "esterly-fire", "part": "lead"}),
        400,
        "invalid_part",
    )


def test_without_an_agreement_an_agency_joins_only_by_breaking_glass(
    api_as, incident, duty, northgate, problem
):
    client = api_as(duty)
    problem(
        client.post(participants_url(incident), {"agency": "northgate-ems", "part": "assisting"}),
        409,
        "agreement_missing",
    )
    assert not incident.shares.filter(agency=northgate).exists()

    response = client.post(
        participants_url(incident),
        {
            "agency": "northgate-ems",
            "part": "assisting",
            "break_glass": True,
            "justification": JUSTIFICATION,
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["share"]["kind"] == "break_glass"


def test_a_red_incident_takes_no_agency_in(api_as, duty, mutual_aid, problem):
    incident = open_incident(duty, tlp="RED")

    problem(
        api_as(duty).post(
            participants_url(incident), {"agency": "esterly-fire", "part": "assisting"}
        ),
        400,
        "red_needs_named_people",
    )
    assert incident.participants.count() == 1


# Who may do what


class TestEveryParticipantAddress(ApiCases):
    """The warehouse fire is Harbor Police's alone: Esterly Fire finds no participant."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def addresses(self, incident, agency):
        return [
            Call("get", participants_url(incident)),
            Call(
                "post", participants_url(incident), {"agency": "esterly-fire", "part": "assisting"}
            ),
            Call("get", participants_url(incident, agency)),
            Call("patch", participants_url(incident, agency), {"part": "assisting"}),
            Call("delete", participants_url(incident, agency)),
        ]

    @pytest.fixture
    def unchanged(self, incident):
        return lambda: list(incident.participants.values_list("agency__slug", "part"))


def test_an_agency_the_incident_is_shared_with_to_view_may_not_bring_anyone_in(
    api_as, incident, duty, fire_analyst, other_agency, agency, mutual_aid, problem
):
    sharing_verbs.share_incident(incident, actor=duty, agency=other_agency, level=Access.VIEW)
    client = api_as(fire_analyst)

    assert client.get(participants_url(incident)).status_code == 200
    problem(
        client.post(participants_url(incident), {"agency": "esterly-fire", "part": "assisting"}),
        403,
        "not_permitted",
    )
    assert (
        client.patch(participants_url(incident, agency), {"part": "assisting"}).status_code == 403
    )
    assert client.delete(participants_url(incident, agency)).status_code == 403
    assert incident.participants.count() == 1


def test_an_analyst_of_the_lead_contributes_but_does_not_command(
    api_as, joint_incident, analyst, other_agency, problem
):
    client = api_as(analyst)

    assert client.get(participants_url(joint_incident)).status_code == 200
    problem(
        client.post(participants_url(joint_incident), {"agency": "northgate", "part": "assisting"}),
        403,
        "not_permitted",
    )
    problem(
        client.patch(participants_url(joint_incident, other_agency), {"part": "assisting"}),
        403,
        "not_permitted",
    )
    problem(client.delete(participants_url(joint_incident, other_agency)), 403, "not_permitted")
    assert joint_incident.participants.get(agency=other_agency).part == "unified_command"


# Changing a part


def test_a_part_changes_against_the_version_read(api_as, joint_incident, duty, other_agency):
    client = api_as(duty)
    url = participants_url(joint_incident, other_agency)
    version = client.get(url)["ETag"]

    response = client.patch(url, {"part": "assisting"}, HTTP_IF_MATCH=version)

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["part"], body["version"]) == ("assisting", 2)
    # A share only rises with the part; lowering it is a sharing decision of its own.
    assert body["share"]["level"] == "command"
    assert system_lines(joint_incident)[-1] == (
        "Esterly Fire now takes part as assisting agency (was unified_command)."
    )


def test_two_duty_officers_change_a_part_and_the_second_is_told_to_reread(
    api_as, joint_incident, duty, other_agency, agency, problem
):
    second_duty = member_of(agency, "duty_officer", username="harbor-police.night_duty")
    url = participants_url(joint_incident, other_agency)
    first, second = api_as(duty), api_as(second_duty)
    version = first.get(url)["ETag"]
    assert second.get(url)["ETag"] == version
    assert first.patch(url, {"part": "assisting"}, HTTP_IF_MATCH=version).status_code == 200

    body = problem(
        second.patch(url, {"part": "cooperating"}, HTTP_IF_MATCH=version), 412, "stale_version"
    )

    assert body["current_version"] == '"2"'
    assert joint_incident.participants.get(agency=other_agency).part == "assisting"


class TestParticipantVersions(ApiVersionCases):
    """A partner system changes Esterly Fire's part at the version it read."""

    @pytest.fixture
    def versioned_change(self, joint_incident, other_agency):
        return Call("patch", participants_url(joint_incident, other_agency), {"part": "assisting"})


def test_the_leads_part_is_fixed(api_as, incident, duty, agency, problem):
    problem(
        api_as(duty).patch(participants_url(incident, agency), {"part": "assisting"}),
        400,
        "invalid_part",
    )


# Taking an agency out


def test_removing_an_agency_takes_its_access_away_at_once(
    api_as, joint_incident, duty, fire_analyst, other_agency
):
    assert api_as(fire_analyst).get(incident_url(joint_incident)).status_code == 200

    response = api_as(duty).delete(participants_url(joint_incident, other_agency))

    assert response.status_code == 204
    assert api_as(fire_analyst).get(incident_url(joint_incident)).status_code == 404
    assert not joint_incident.shares.filter(agency=other_agency).exists()
    assert [
        p["agency"] for p in api_as(duty).get(participants_url(joint_incident)).json()["results"]
    ] == ["harbor-police"]
    assert system_lines(joint_incident)[-2:] == [
        "Share with Esterly Fire revoked.",
        "Esterly Fire no longer takes part (0 positions vacated, 0 open tasks handed back).",
    ]


def test_the_lead_cannot_be_removed(api_as, incident, duty, agency, problem):
    problem(api_as(duty).delete(participants_url(incident, agency)), 409, "lead_participant")
    assert incident.participants.filter(agency=agency).exists()


# Proposals from jurisdiction routing


def test_a_routed_agency_is_listed_as_proposed_and_sees_nothing_yet(
    api_as, duty, fire_analyst, clatsop
):
    incident = open_incident(duty)

    proposed = api_as(duty).get(participants_url(incident)).json()["results"][1]

    assert proposed == {
        "agency": "esterly-fire",
        "agency_name": "Esterly Fire",
        "part": "assisting",
        "status": "proposed",
        "share": None,
        "routed_from": {"slug": "clatsop", "name": "Clatsop County"},
        "added_by": "harbor-police.duty_officer",
        "added_at": proposed["added_at"],
        "version": 1,
    }
    assert api_as(fire_analyst).get(incident_url(incident)).status_code == 404


def test_adding_a_proposed_agency_makes_it_active(api_as, duty, fire_analyst, clatsop, mutual_aid):
    incident = open_incident(duty)

    response = api_as(duty).post(
        participants_url(incident), {"agency": "esterly-fire", "part": "unified_command"}
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["part"], body["share"]["level"]) == (
        "active",
        "unified_command",
        "command",
    )
    assert body["routed_from"] == {"slug": "clatsop", "name": "Clatsop County"}
    assert body["version"] == 2
    assert api_as(fire_analyst).get(incident_url(incident)).status_code == 200


def test_a_proposal_is_dismissed_on_the_record(api_as, duty, other_agency, clatsop):
    incident = open_incident(duty)

    response = api_as(duty).delete(participants_url(incident, other_agency))

    assert response.status_code == 204
    assert not incident.participants.filter(agency=other_agency).exists()
    assert system_lines(incident)[-1] == "The proposal that Esterly Fire take part was dismissed."
    assert Event.objects.filter(kind="incident.participant_dismissed").count() == 1


def test_a_proposed_agency_has_no_part_to_change(api_as, duty, other_agency, clatsop, problem):
    incident = open_incident(duty)

    problem(
        api_as(duty).patch(participants_url(incident, other_agency), {"part": "cooperating"}),
        409,
        "not_participating",
    )
    participant = incident.participants.get(agency=other_agency)
    assert (participant.status, participant.part) == (ParticipantStatus.PROPOSED, "assisting")
    assert Participant.objects.filter(incident=incident).count() == 2
