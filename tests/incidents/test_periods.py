"""Operational periods as Harbor Police's duty officer plans them: the first period of the
warehouse fire becomes current at once, an overlapping one is refused, the next one is
planned, edited and activated; everyone else meets the periods only as far as the
incident lets them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import (
    EntryKind,
    Objective,
    OperationalPeriod,
    Position,
    Task,
    TimelineEntry,
)
from incidents.services import command
from tests.cases import ApiBudgetCases, ApiCapabilityCases, ApiCases, ApiVersionCases, Call

INCIDENTS = "/api/v1/incidents/"
NOW = timezone.now().replace(microsecond=0)
DAY_SHIFT = (NOW - timedelta(hours=1), NOW + timedelta(hours=11))
NIGHT_SHIFT = (NOW + timedelta(hours=11), NOW + timedelta(hours=23))


def periods_url(incident, period=None, suffix=""):
    url = f"{INCIDENTS}{incident.public_id}/periods/"
    return f"{url}{period.public_id}/{suffix}" if period is not None else url


def span(shift):
    return {"starts_at": shift[0].isoformat(), "ends_at": shift[1].isoformat()}


def plan(incident, actor, shift, **fields):
    return command.open_period(
        incident, actor=actor, starts_at=shift[0], ends_at=shift[1], **fields
    )


def system_lines(incident):
    return list(
        TimelineEntry.objects.filter(incident=incident, kind=EntryKind.SYSTEM)
        .order_by("id")
        .values_list("text", flat=True)
    )


@pytest.fixture
def day(incident, duty):
    return plan(
        incident,
        duty,
        DAY_SHIFT,
        command_emphasis="Protect the fuel depot.",
        objectives=[
            command.ObjectiveInput("Contain the fire to the warehouse", "met"),
            command.ObjectiveInput("Evacuate Dock Street", "not_met"),
            command.ObjectiveInput("Keep the harbour open", "in_progress"),
            command.ObjectiveInput("Hold a press briefing", "dropped"),
        ],
    )


# Planning


def test_the_first_period_is_numbered_one_and_becomes_current(api_as, incident, duty):
    response = api_as(duty).post(
        periods_url(incident),
        {
            **span(DAY_SHIFT),
            "command_emphasis": "Life safety first.",
            "weather": "Wind NW 20 kt, gusts 35.",
            "safety_message": "Stay upwind of the smoke.",
            "objectives": [
                {"text": "Contain the fire to the warehouse"},
                {"text": "Evacuate Dock Street", "status": "in_progress"},
            ],
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["number"] == 1
    assert body["is_current"] is True
    assert body["starts_at"] == DAY_SHIFT[0].isoformat().replace("+00:00", "Z")
    assert body["weather"] == "Wind NW 20 kt, gusts 35."
    assert body["objectives"] == [
        {"order": 1, "text": "Contain the fire to the warehouse", "status": "open"},
        {"order": 2, "text": "Evacuate Dock Street", "status": "in_progress"},
    ]
    assert body["created_by"] == duty.username
    assert body["version"] == 1
    assert system_lines(incident)[-1].startswith("Operational period 1 planned from ")


def test_a_period_overlapping_another_is_refused_and_names_it(api_as, incident, duty, day, problem):
    overlapping = (DAY_SHIFT[1] - timedelta(hours=1), NIGHT_SHIFT[1])

    response = api_as(duty).post(periods_url(incident), span(overlapping), format="json")

    body = problem(response, 409, "period_overlaps")
    assert body["period"] == 1
    assert "operational period 1" in body["detail"]
    assert OperationalPeriod.objects.filter(incident=incident).count() == 1


def test_a_period_that_ends_before_it_starts_is_refused(api_as, incident, duty, problem):
    backwards = {"starts_at": NIGHT_SHIFT[1].isoformat(), "ends_at": NIGHT_SHIFT[0].isoformat()}

    response = api_as(duty).post(periods_url(incident), backwards, format="json")

    problem(response, 400, "period_ends_before_start")
    assert not OperationalPeriod.objects.filter(incident=incident).exists()


def test_an_unknown_objective_status_is_refused(api_as, incident, duty, problem):
    response = api_as(duty).post(
        periods_url(incident),
        {**span(DAY_SHIFT), "objectives": [{"text": "Contain", "status": "sort_of"}]},
        format="json",
    )

    body = problem(response, 400, "invalid")
    assert "objectives.0.status" in body["errors"]
    assert not OperationalPeriod.objects.exists()


def test_the_next_period_waits_until_it_is_activated(api_as, incident, duty, day):
    client = api_as(duty)
    night = client.post(periods_url(incident), span(NIGHT_SHIFT), format="json").json()
    assert night["number"] == 2
    assert night["is_current"] is False

    night_period = OperationalPeriod.objects.get(public_id=night["id"])
    response = client.post(periods_url(incident, night_period, "activate/"))

    assert response.status_code == 200, response.content
    assert response.json()["is_current"] is True
    assert response["ETag"] == '"2"'
    listed = client.get(periods_url(incident)).json()["results"]
    assert [(p["number"], p["is_current"]) for p in listed] == [(1, False), (2, True)]
    day.refresh_from_db()
    assert day.version == 2
    assert system_lines(incident)[-1] == "Operational period 2 is now current (was 1)."


def test_activating_with_a_stale_etag_is_refused(api_as, incident, duty, day, problem):
    night = plan(incident, duty, NIGHT_SHIFT)
    command.update_period(night, actor=duty, weather="Rain after midnight.")

    response = api_as(duty).post(periods_url(incident, night, "activate/"), HTTP_IF_MATCH='"1"')

    problem(response, 412, "stale_version")
    day.refresh_from_db()
    assert day.is_current is True


def test_carrying_over_copies_positions_and_unfinished_objectives(
    api_as, joint_incident, duty, fire_duty, day
):
    ops = command.fill_position(day, actor=duty, kind="operations_section_chief", person=duty)
    command.fill_position(
        day, actor=duty, kind="division_supervisor", name="Division A", person=fire_duty
    )

    response = api_as(duty).post(
        periods_url(joint_incident),
        {**span(NIGHT_SHIFT), "carry_over": True, "objectives": [{"text": "Mop up"}]},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert [(o["text"], o["status"]) for o in response.json()["objectives"]] == [
        ("Evacuate Dock Street", "open"),
        ("Keep the harbour open", "open"),
        ("Mop up", "open"),
    ]
    night = OperationalPeriod.objects.get(public_id=response.json()["id"])
    copied = {p.kind: p for p in Position.objects.filter(period=night)}
    assert set(copied) == {"operations_section_chief", "division_supervisor"}
    assert copied["division_supervisor"].reports_to == copied["operations_section_chief"]
    assert copied["operations_section_chief"].person == ops.person
    assert copied["division_supervisor"].name == "Division A"


def test_carrying_over_without_an_earlier_period_is_refused(api_as, incident, duty, problem):
    response = api_as(duty).post(
        periods_url(incident), {**span(DAY_SHIFT), "carry_over": True}, format="json"
    )

    problem(response, 400, "no_previous_period")
    assert not OperationalPeriod.objects.exists()


# Editing


def test_an_edit_against_a_stale_etag_is_refused(api_as, incident, duty, day, problem):
    client = api_as(duty)
    first = client.patch(
        periods_url(incident, day),
        {"weather": "Fog in the harbour."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert first.status_code == 200, first.content
    assert first["ETag"] == '"2"'

    second = client.patch(
        periods_url(incident, day),
        {"weather": "Clear skies."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )

    body = problem(second, 412, "stale_version")
    assert body["current_version"] == '"2"'
    day.refresh_from_db()
    assert day.weather == "Fog in the harbour."


def test_an_edit_replaces_the_ordered_objectives(api_as, incident, duty, day):
    response = api_as(duty).patch(
        periods_url(incident, day),
        {"objectives": [{"text": "Keep the harbour open", "status": "met"}, {"text": "Reopen"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    assert response.json()["objectives"] == [
        {"order": 1, "text": "Keep the harbour open", "status": "met"},
        {"order": 2, "text": "Reopen", "status": "open"},
    ]
    assert Objective.objects.filter(period=day).count() == 2


def test_moving_a_period_onto_another_is_refused(api_as, incident, duty, day, problem):
    night = plan(incident, duty, NIGHT_SHIFT)

    response = api_as(duty).patch(
        periods_url(incident, night),
        {"starts_at": (NIGHT_SHIFT[0] - timedelta(hours=2)).isoformat()},
        format="json",
    )

    body = problem(response, 409, "period_overlaps")
    assert body["period"] == 1
    night.refresh_from_db()
    assert night.starts_at == NIGHT_SHIFT[0]


class TestPeriodVersions(ApiVersionCases):
    """A partner system changes a period at the version it read."""

    @pytest.fixture
    def versioned_change(self, incident, day):
        return Call("patch", periods_url(incident, day), {"weather": "Calm."}, format="json")


def test_one_period_is_read_with_its_etag(api_as, incident, analyst, day):
    response = api_as(analyst).get(periods_url(incident, day))

    assert response.status_code == 200, response.content
    assert response["ETag"] == '"1"'
    assert response.json()["command_emphasis"] == "Protect the fuel depot."


# The IAP as JSON


def test_the_iap_lists_objectives_organization_and_assignments(
    api_as, joint_incident, duty, fire_duty, other_agency, day
):
    command.fill_position(day, actor=duty, kind="incident_commander", person=duty)
    command.fill_position(day, actor=duty, kind="incident_commander", person=fire_duty)
    Task.objects.create(
        incident=joint_incident,
        period=day,
        title="Cool the fuel tanks",
        assigned_agency=other_agency,
    )
    Task.objects.create(
        incident=joint_incident, period=day, title="Close Dock Street", assigned_person=duty
    )
    Task.objects.create(incident=joint_incident, title="Not in any period")

    response = api_as(duty).get(periods_url(joint_incident, day, "iap/"))

    assert response.status_code == 200, response.content
    iap = response.json()
    assert iap["incident"]["reference"] == joint_incident.reference
    assert iap["incident"]["tlp"] == "AMBER"
    assert iap["period"]["number"] == 1
    assert [o["text"] for o in iap["ics_202"]["objectives"]][:2] == [
        "Contain the fire to the warehouse",
        "Evacuate Dock Street",
    ]
    assert iap["ics_202"]["command_emphasis"] == "Protect the fuel depot."
    assert [a["slug"] for a in iap["ics_203"]["agencies"]] == ["harbor-police", "esterly-fire"]
    assert [(p["kind"], p["agency"]["slug"]) for p in iap["ics_203"]["positions"]] == [
        ("incident_commander", "esterly-fire"),
        ("incident_commander", "harbor-police"),
    ]
    assert [
        (group["assignee"], [task["title"] for task in group["tasks"]]) for group in iap["ics_204"]
    ] == [
        ("Esterly Fire", ["Cool the fuel tanks"]),
        (duty.get_full_name(), ["Close Dock Street"]),
    ]


# Who may do what


class TestEveryPeriodAddress(ApiCases):
    """The warehouse fire is Harbor Police's alone: another agency finds no period."""

    intruders = ("fire_analyst", "northgate_admin")

    @pytest.fixture
    def addresses(self, incident, day):
        return [
            Call("get", periods_url(incident)),
            Call("post", periods_url(incident), span(NIGHT_SHIFT), format="json"),
            Call("get", periods_url(incident, day)),
            Call("patch", periods_url(incident, day), {"weather": "x"}, format="json"),
            Call("post", periods_url(incident, day, "activate/")),
            Call("get", periods_url(incident, day, "iap/")),
        ]

    @pytest.fixture
    def secrets(self, incident):
        return [incident.title]

    @pytest.fixture
    def unchanged(self, incident):
        periods = OperationalPeriod.objects.filter(incident=incident)
        return lambda: list(periods.values_list("pk", "weather", "is_current"))


class TestPlanningNeedsCommand(ApiCapabilityCases):
    """Analysts of either agency read the plan; they may not plan or change periods."""

    readers = ("fire_analyst", "analyst")

    @pytest.fixture
    def night(self, joint_incident, duty):
        return plan(joint_incident, duty, NIGHT_SHIFT)

    @pytest.fixture
    def reads(self, joint_incident, day):
        return [
            Call("get", periods_url(joint_incident)),
            Call("get", periods_url(joint_incident, day, "iap/")),
        ]

    @pytest.fixture
    def writes(self, joint_incident, day, night):
        later = span((NOW + timedelta(days=2), NOW + timedelta(days=3)))
        return [
            Call("post", periods_url(joint_incident), later, format="json"),
            Call("patch", periods_url(joint_incident, day), {"weather": "x"}, format="json"),
            Call("post", periods_url(joint_incident, night, "activate/")),
        ]

    @pytest.fixture
    def unchanged(self, joint_incident):
        periods = OperationalPeriod.objects.filter(incident=joint_incident)
        return lambda: list(periods.values_list("pk", "weather", "is_current"))


class TestThePeriodList(ApiBudgetCases):
    """Harbor Police's duty officer lists one period, then ten with their objectives."""

    budget, sizes = 10, (1, 10)

    @pytest.fixture
    def listing(self, incident, day):
        return Call("get", periods_url(incident))

    @pytest.fixture
    def grow(self, incident, duty):
        def nine_more():
            for hour in range(9):
                start = NOW + timedelta(days=1, hours=hour)
                plan(
                    incident,
                    duty,
                    (start, start + timedelta(hours=1)),
                    objectives=[command.ObjectiveInput("Hold the line")] * 3,
                )

        return nine_more
