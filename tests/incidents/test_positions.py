"""ICS positions as the duty officers staff the warehouse fire: each agency in unified
command names its own Incident Commander, the other posts are held once per period by
people of the agencies taking part, and the organization chart is drawn from them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import EntryKind, Position, TimelineEntry
from incidents.services import command
from tests.cases import ApiCapabilityCases, ApiCases, Call
from tests.factories import issue_client, member_of

INCIDENTS = "/api/v1/incidents/"
NOW = timezone.now().replace(microsecond=0)


def positions_url(incident, position=None):
    url = f"{INCIDENTS}{incident.public_id}/positions/"
    return f"{url}{position.public_id}/" if position is not None else url


def chart_url(incident, query=""):
    return f"{INCIDENTS}{incident.public_id}/positions/org-chart/{query}"


def last_system_line(incident):
    return (
        TimelineEntry.objects.filter(incident=incident, kind=EntryKind.SYSTEM)
        .order_by("-id")
        .values_list("text", flat=True)
        .first()
    )


@pytest.fixture
def day(incident, duty):
    return command.open_period(
        incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=11),
    )


@pytest.fixture
def yesterday(incident, duty, day):
    return command.open_period(
        incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=25),
        ends_at=NOW - timedelta(hours=13),
    )


def fill(period, actor, kind, person, **fields):
    return command.fill_position(period, actor=actor, kind=kind, person=person, **fields)


# Filling posts


def test_the_duty_officer_takes_command_for_harbor_police(api_as, incident, duty, day):
    response = api_as(duty).post(
        positions_url(incident),
        {"kind": "incident_commander", "person": duty.username},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["period"] == 1
    assert body["kind"] == "incident_commander"
    assert body["title"] == "Incident Commander"
    assert body["name"] == ""
    assert body["person"] == {"username": duty.username, "full_name": duty.get_full_name()}
    assert body["agency"] == {"slug": "harbor-police", "name": "Harbor Police"}
    assert body["reports_to"] is None
    assert body["assigned_by"] == duty.username
    assert last_system_line(incident) == (
        f"{duty.get_full_name()} is Incident Commander (Harbor Police) in operational period 1."
    )


def test_a_second_commander_for_the_same_agency_is_refused(
    api_as, incident, duty, admin, day, problem
):
    fill(day, duty, "incident_commander", duty)

    response = api_as(duty).post(
        positions_url(incident),
        {"kind": "incident_commander", "person": admin.username},
        format="json",
    )

    problem(response, 409, "position_taken")
    assert Position.objects.filter(period=day).count() == 1


def test_each_agency_in_unified_command_names_its_own_commander(
    api_as, joint_incident, duty, fire_duty, day
):
    fill(day, duty, "incident_commander", duty)

    response = api_as(fire_duty).post(
        positions_url(joint_incident),
        {"kind": "incident_commander", "person": fire_duty.username},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["agency"]["slug"] == "esterly-fire"
    listed = api_as(duty).get(positions_url(joint_incident)).json()["results"]
    assert sorted(p["agency"]["slug"] for p in listed) == ["esterly-fire", "harbor-police"]


def test_other_posts_are_held_once_per_period(
    api_as, joint_incident, duty, fire_duty, day, problem
):
    fill(day, duty, "safety_officer", duty)

    response = api_as(duty).post(
        positions_url(joint_incident),
        {"kind": "safety_officer", "person": fire_duty.username},
        format="json",
    )

    problem(response, 409, "position_taken")


def test_a_person_of_an_agency_not_taking_part_is_refused(
    api_as, incident, duty, fire_duty, northgate_admin, day, problem
):
    client = api_as(duty)
    for person in (fire_duty, northgate_admin):
        response = client.post(
            positions_url(incident),
            {"kind": "liaison_officer", "person": person.username},
            format="json",
        )
        problem(response, 400, "not_a_participant")
    assert not Position.objects.exists()


def test_naming_an_agency_the_person_does_not_belong_to_is_refused(
    api_as, joint_incident, duty, day, problem
):
    response = api_as(duty).post(
        positions_url(joint_incident),
        {"kind": "liaison_officer", "person": duty.username, "agency": "esterly-fire"},
        format="json",
    )

    problem(response, 400, "not_a_participant")


def test_a_person_in_two_participating_agencies_must_name_one(
    api_as, joint_incident, duty, other_agency, day, problem
):
    both = member_of(other_agency, "responder", username="harbor-police.duty_officer")
    assert both == duty

    response = api_as(duty).post(
        positions_url(joint_incident),
        {"kind": "liaison_officer", "person": duty.username},
        format="json",
    )
    problem(response, 400, "agency_required")

    named = api_as(duty).post(
        positions_url(joint_incident),
        {"kind": "liaison_officer", "person": duty.username, "agency": "esterly-fire"},
        format="json",
    )
    assert named.status_code == 201, named.content
    assert named.json()["agency"]["slug"] == "esterly-fire"


def test_an_api_client_cannot_fill_a_post(api_as, agency, incident, duty, day, problem):
    client, _ = issue_client(agency, "duty_officer")

    response = api_as(duty).post(
        positions_url(incident),
        {"kind": "planning_section_chief", "person": client.account.username},
        format="json",
    )

    problem(response, 400, "not_a_person")


def test_branches_divisions_and_groups_need_a_name_and_others_may_not_have_one(
    api_as, incident, duty, day, problem
):
    client = api_as(duty)
    problem(
        client.post(
            positions_url(incident),
            {"kind": "division_supervisor", "person": duty.username},
            format="json",
        ),
        400,
        "name_required",
    )
    problem(
        client.post(
            positions_url(incident),
            {"kind": "safety_officer", "person": duty.username, "name": "North"},
            format="json",
        ),
        400,
        "name_forbidden",
    )


def test_a_division_reports_to_operations_unless_told_otherwise(
    api_as, incident, duty, admin, responder, day, problem
):
    ops = fill(day, duty, "operations_section_chief", admin)
    branch = fill(day, duty, "branch_director", duty, name="Fire Branch")
    client = api_as(duty)

    default = client.post(
        positions_url(incident),
        {"kind": "division_supervisor", "person": responder.username, "name": "Division A"},
        format="json",
    )
    chosen = client.post(
        positions_url(incident),
        {
            "kind": "group_supervisor",
            "person": responder.username,
            "name": "Hazmat Group",
            "reports_to": str(branch.public_id),
        },
        format="json",
    )
    refused = client.post(
        positions_url(incident),
        {
            "kind": "liaison_officer",
            "person": responder.username,
            "reports_to": str(ops.public_id),
        },
        format="json",
    )

    assert default.json()["reports_to"] == str(ops.public_id)
    assert chosen.json()["reports_to"] == str(branch.public_id)
    problem(refused, 400, "invalid_reports_to")


def test_no_post_is_filled_in_a_period_that_has_ended(api_as, incident, duty, yesterday, problem):
    response = api_as(duty).post(
        positions_url(incident),
        {"kind": "safety_officer", "person": duty.username, "period": yesterday.number},
        format="json",
    )

    problem(response, 409, "period_ended")


def test_the_list_defaults_to_the_current_period(api_as, incident, duty, admin, day, yesterday):
    fill(day, duty, "safety_officer", admin)

    current = api_as(duty).get(positions_url(incident)).json()["results"]
    earlier = api_as(duty).get(positions_url(incident) + f"?period={yesterday.number}").json()

    assert [p["kind"] for p in current] == ["safety_officer"]
    assert earlier["results"] == []


def test_an_incident_without_periods_has_no_positions_to_list(api_as, incident, duty, problem):
    problem(api_as(duty).get(positions_url(incident)), 404, "no_current_period")


# Changing and vacating


def test_a_post_is_handed_over_with_the_etag_it_was_read_at(
    api_as, incident, duty, admin, day, problem
):
    safety = fill(day, duty, "safety_officer", duty)
    client = api_as(duty)

    handed = client.patch(
        positions_url(incident, safety),
        {"person": admin.username},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    stale = client.patch(
        positions_url(incident, safety),
        {"person": duty.username},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    assert handed.status_code == 200, handed.content
    assert handed["ETag"] == '"2"'
    assert handed.json()["person"]["username"] == admin.username
    problem(stale, 412, "stale_version")
    assert "held by" in last_system_line(incident)


def test_a_division_is_renamed(api_as, incident, duty, day):
    division = fill(day, duty, "division_supervisor", duty, name="Division A")

    response = api_as(duty).patch(
        positions_url(incident, division), {"name": "Division North"}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Division North"


def test_vacating_a_post_moves_its_divisions_back_under_operations(
    api_as, incident, duty, admin, responder, day
):
    ops = fill(day, duty, "operations_section_chief", admin)
    branch = fill(day, duty, "branch_director", duty, name="Fire Branch")
    division = fill(
        day, duty, "division_supervisor", responder, name="Division A", reports_to=branch
    )

    response = api_as(duty).delete(positions_url(incident, branch))

    assert response.status_code == 204, response.content
    division.refresh_from_db()
    assert division.reports_to == ops
    assert not Position.objects.filter(pk=branch.pk).exists()
    assert last_system_line(incident) == (
        "Branch Director Fire Branch (Harbor Police) is vacant in operational period 1."
    )


# The organization chart


def test_the_chart_puts_unified_command_on_top_and_divisions_under_their_supervisors(
    api_as, joint_incident, duty, admin, responder, fire_duty, fire_responder, day
):
    fill(day, duty, "incident_commander", duty)
    fill(day, duty, "incident_commander", fire_duty)
    fill(day, duty, "deputy_incident_commander", admin)
    fill(day, duty, "safety_officer", fire_responder)
    fill(day, duty, "planning_section_chief", responder)
    ops = fill(day, duty, "operations_section_chief", fire_duty)
    branch = fill(day, duty, "branch_director", admin, name="Fire Branch")
    fill(day, duty, "division_supervisor", responder, name="Division A", reports_to=branch)
    fill(day, duty, "group_supervisor", fire_responder, name="Rescue Group")

    response = api_as(duty).get(chart_url(joint_incident))

    assert response.status_code == 200, response.content
    chart = response.json()
    root = chart["root"]
    assert chart["period"] == 1
    assert root["title"] == "Unified Command"
    assert root["unified"] is True
    assert [c["agency"]["slug"] for c in root["commanders"]] == ["esterly-fire", "harbor-police"]
    assert root["deputy"]["person"]["username"] == admin.username
    assert [c["kind"] for c in root["children"]] == [
        "safety_officer",
        "operations_section_chief",
        "planning_section_chief",
    ]
    operations = root["children"][1]
    assert operations["id"] == str(ops.public_id)
    assert [(c["kind"], c["name"]) for c in operations["children"]] == [
        ("branch_director", "Fire Branch"),
        ("group_supervisor", "Rescue Group"),
    ]
    fire_branch = operations["children"][0]
    assert [c["name"] for c in fire_branch["children"]] == ["Division A"]
    assert fire_branch["children"][0]["person"] == {
        "username": responder.username,
        "full_name": responder.get_full_name(),
    }
    assert fire_branch["children"][0]["children"] == []


def test_a_single_commander_is_plain_incident_command(api_as, incident, duty, day):
    fill(day, duty, "incident_commander", duty)

    root = api_as(duty).get(chart_url(incident)).json()["root"]

    assert root["title"] == "Incident Command"
    assert root["unified"] is False
    assert root["deputy"] is None
    assert [c["person"]["username"] for c in root["commanders"]] == [duty.username]


def test_the_chart_costs_the_same_for_few_and_many_posts(
    api_as, incident, duty, admin, day, django_assert_max_num_queries
):
    fill(day, duty, "incident_commander", duty)
    client = api_as(duty)
    with django_assert_max_num_queries(12) as few:
        assert client.get(chart_url(incident)).status_code == 200
    with django_assert_max_num_queries(12) as few_list:
        assert len(client.get(positions_url(incident)).json()["results"]) == 1
    ops = fill(day, duty, "operations_section_chief", admin)
    for letter in "ABCDEFGHIJKL":
        person = member_of(day.incident.lead_agency, "responder", username=f"hp.{letter}")
        fill(day, duty, "division_supervisor", person, name=f"Division {letter}", reports_to=ops)

    with django_assert_max_num_queries(len(few.captured_queries)):
        chart = client.get(chart_url(incident)).json()
    with django_assert_max_num_queries(len(few_list.captured_queries)):
        assert len(client.get(positions_url(incident)).json()["results"]) == 14
    assert len(chart["root"]["children"][0]["children"]) == 12


# Who may do what


@pytest.fixture
def safety(day, duty):
    """Harbor Police's duty officer is Safety Officer on the day shift."""
    return fill(day, duty, "safety_officer", duty)


class TestEveryPositionAddress(ApiCases):
    """The warehouse fire is Harbor Police's alone: another agency finds no post."""

    intruders = ("fire_analyst", "northgate_admin")

    @pytest.fixture
    def addresses(self, incident, safety):
        liaison = {"kind": "liaison_officer", "person": "esterly-fire.analyst"}
        return [
            Call("get", positions_url(incident)),
            Call("post", positions_url(incident), liaison, format="json"),
            Call("get", positions_url(incident, safety)),
            Call("patch", positions_url(incident, safety), {"name": ""}, format="json"),
            Call("delete", positions_url(incident, safety)),
            Call("get", chart_url(incident)),
        ]

    @pytest.fixture
    def secrets(self, duty):
        return [duty.username]

    @pytest.fixture
    def unchanged(self, safety):
        return lambda: list(Position.objects.filter(pk=safety.pk).values_list("person", "name"))


class TestStaffingNeedsCommand(ApiCapabilityCases):
    """Analysts of either agency read the chart; they may not staff the incident."""

    readers = ("fire_analyst", "analyst")

    @pytest.fixture
    def reads(self, joint_incident, safety):
        return [
            Call("get", chart_url(joint_incident)),
            Call("get", positions_url(joint_incident, safety)),
        ]

    @pytest.fixture
    def writes(self, joint_incident, safety):
        liaison = {"kind": "liaison_officer", "person": "harbor-police.analyst"}
        return [
            Call("post", positions_url(joint_incident), liaison, format="json"),
            Call(
                "patch",
                positions_url(joint_incident, safety),
                {"person": "harbor-police.analyst"},
                format="json",
            ),
            Call("delete", positions_url(joint_incident, safety)),
        ]

    @pytest.fixture
    def unchanged(self, safety):
        return lambda: list(Position.objects.filter(pk=safety.pk).values_list("person", "name"))
