"""Tasks (ICS 204) on the warehouse fire that Harbor Police and Esterly Fire command
together: command gives out the work, the people it is given to move it along."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import (
    TASK_TRANSITIONS,
    EntryKind,
    OperationalPeriod,
    Task,
    TaskStatus,
    TimelineEntry,
)
from incidents.services import tasks as verbs
from tests.cases import ApiBudgetCases, ApiCases, ApiStaleCases, ApiVersionCases, Call
from tests.factories import member_of

pytestmark = pytest.mark.postgres


def tasks_url(incident) -> str:
    return f"/api/v1/incidents/{incident.public_id}/tasks/"


def task_url(task) -> str:
    return f"{tasks_url(task.incident)}{task.public_id}/"


def status_url(task) -> str:
    return f"{task_url(task)}status/"


def give(incident, actor, title="Cut power to the warehouse", **assignment):
    return verbs.create_task(incident, actor=actor, title=title, **assignment)


def system_lines(incident) -> list[str]:
    return list(
        TimelineEntry.objects.filter(incident=incident, kind=EntryKind.SYSTEM)
        .order_by("id")
        .values_list("text", flat=True)
    )


# Giving out work


def test_the_duty_officer_gives_esterly_fire_a_task(api_as, duty, joint_incident):
    due = timezone.now() + timedelta(hours=2)
    response = api_as(duty).post(
        tasks_url(joint_incident),
        {
            "title": "Ventilate the roof",
            "details": "North side first",
            "assigned_agency": "esterly-fire",
            "due_at": due.isoformat(),
            "priority": "high",
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert response["ETag"] == '"1"'
    assert body["title"] == "Ventilate the roof"
    assert body["details"] == "North side first"
    assert body["assigned_agency"] == {"slug": "esterly-fire", "name": "Esterly Fire"}
    assert body["assigned_person"] is None
    assert body["priority"] == "high"
    assert body["status"] == "open"
    assert body["period"] is None
    assert body["created_by"] == "harbor-police.duty_officer"
    assert body["version"] == 1
    assert body["can_update"] is True
    assert system_lines(joint_incident)[-1] == (
        "Task 'Ventilate the roof' assigned to Esterly Fire."
    )


def test_a_person_named_alone_works_for_their_participating_agency(
    api_as, duty, fire_responder, joint_incident
):
    response = api_as(duty).post(
        tasks_url(joint_incident),
        {"title": "Hold the hydrant", "assigned_person": "esterly-fire.responder"},
    )

    assert response.status_code == 201, response.content
    assert response.json()["assigned_agency"] == {"slug": "esterly-fire", "name": "Esterly Fire"}
    assert response.json()["assigned_person"] == "esterly-fire.responder"


def test_a_task_goes_into_the_named_period(api_as, problem, duty, joint_incident):
    now = timezone.now()
    OperationalPeriod.objects.create(
        incident=joint_incident, number=1, starts_at=now, ends_at=now + timedelta(hours=12)
    )

    response = api_as(duty).post(
        tasks_url(joint_incident),
        {"title": "Hold", "assigned_agency": "harbor-police", "period": 1},
    )
    assert response.json()["period"] == 1
    missing = api_as(duty).post(
        tasks_url(joint_incident),
        {"title": "Hold", "assigned_agency": "harbor-police", "period": 2},
    )
    problem(missing, 400, "unknown_period")


@pytest.mark.parametrize(
    ("assignment", "status", "code"),
    [
        ({}, 400, "assignee_required"),
        ({"assigned_agency": "northgate-ems"}, 400, "not_a_participant"),
        ({"assigned_person": "northgate-ems.responder"}, 400, "not_a_participant"),
        ({"assigned_person": "nobody-of-that-name"}, 400, "not_a_participant"),
        ({"assigned_person": "outsider"}, 400, "not_a_participant"),
        (
            {"assigned_agency": "harbor-police", "assigned_person": "esterly-fire.responder"},
            400,
            "assignee_not_in_agency",
        ),
    ],
)
def test_work_goes_only_to_those_taking_part(
    api_as,
    problem,
    duty,
    fire_responder,
    northgate,
    outsider,
    joint_incident,
    assignment,
    status,
    code,
):
    member_of(northgate, "responder", username="northgate-ems.responder")

    response = api_as(duty).post(tasks_url(joint_incident), {"title": "Triage", **assignment})

    problem(response, status, code)
    assert not joint_incident.tasks.exists()


def test_a_person_in_two_participating_agencies_needs_the_agency_named(
    api_as, problem, duty, agency, other_agency, joint_incident
):
    both = member_of(agency, "responder", username="dual.responder")
    member_of(other_agency, "responder", username="dual.responder")
    assert both.memberships.count() == 2

    response = api_as(duty).post(
        tasks_url(joint_incident), {"title": "Liaise", "assigned_person": "dual.responder"}
    )
    problem(response, 400, "agency_required")
    named = api_as(duty).post(
        tasks_url(joint_incident),
        {"title": "Liaise", "assigned_person": "dual.responder", "assigned_agency": "esterly-fire"},
    )
    assert named.status_code == 201


def test_a_responder_cannot_give_out_work(api_as, problem, responder, joint_incident):
    response = api_as(responder).post(
        tasks_url(joint_incident), {"title": "Mine", "assigned_agency": "harbor-police"}
    )
    problem(response, 403, "not_permitted")


# Moving a task along

PAIRS = list(itertools.product(TaskStatus.values, repeat=2))


def _bring_to(task, state, actor):
    if state != TaskStatus.OPEN:
        verbs.change_task_status(task, state, actor=actor, note="Waiting for the gas company")
        task.refresh_from_db()


@pytest.mark.parametrize(("start", "to"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_every_task_transition(api_as, problem, duty, joint_incident, start, to):
    task = give(joint_incident, duty, assigned_agency=joint_incident.lead_agency)
    _bring_to(task, start, duty)

    response = api_as(duty).post(
        status_url(task),
        {"status": to, "note": "Gas main leaking"},
        HTTP_IF_MATCH=f'"{task.version}"',
    )

    task.refresh_from_db()
    if to in TASK_TRANSITIONS[start]:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == to
        assert response["ETag"] == f'"{task.version}"'
        assert task.status == to
    else:
        body = problem(response, 409, "invalid_transition")
        assert body["allowed"] == sorted(TASK_TRANSITIONS[start])
        assert task.status == start


def test_a_blocked_task_says_what_blocks_it(api_as, problem, duty, joint_incident):
    task = give(joint_incident, duty, assigned_agency=joint_incident.lead_agency)

    problem(api_as(duty).post(status_url(task), {"status": "blocked"}), 400, "note_required")
    moved = api_as(duty).post(status_url(task), {"status": "blocked", "note": "No water"})

    assert moved.json()["status_note"] == "No water"


def test_each_step_of_a_task_is_on_the_timeline(api_as, duty, fire_responder, joint_incident):
    client = api_as(duty)
    created = client.post(
        tasks_url(joint_incident), {"title": "Search", "assigned_agency": "harbor-police"}
    ).json()
    url = f"{tasks_url(joint_incident)}{created['id']}/"
    client.patch(url, {"assigned_person": "esterly-fire.responder"})
    client.patch(url, {"title": "Search the loft"})
    client.post(f"{url}status/", {"status": "in_progress"})
    client.post(f"{url}status/", {"status": "done", "note": "Nobody inside"})

    assert system_lines(joint_incident)[-4:] == [
        "Task 'Search' assigned to Harbor Police.",
        "Task 'Search' reassigned from Harbor Police to esterly-fire.responder of Esterly Fire.",
        "Task 'Search the loft' moved from open to in_progress.",
        "Task 'Search the loft' moved from in_progress to done: Nobody inside",
    ]


# Who may move which task


def test_a_responder_moves_only_the_work_of_their_agency_or_their_own(
    api_as, problem, duty, responder, fire_responder, joint_incident
):
    fire = fire_responder.memberships.get().agency
    theirs = give(
        joint_incident, duty, "Close the road", assigned_agency=joint_incident.lead_agency
    )
    personal = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    ours = give(joint_incident, duty, "Cool the tanks", assigned_agency=fire)

    client = api_as(fire_responder)
    problem(client.post(status_url(theirs), {"status": "done"}), 403, "not_assigned")
    assert client.post(status_url(personal), {"status": "in_progress"}).status_code == 200
    assert client.post(status_url(ours), {"status": "in_progress"}).status_code == 200

    rows = client.get(tasks_url(joint_incident)).json()["results"]
    assert {row["title"]: row["can_update"] for row in rows} == {
        "Close the road": False,
        "Hold the hydrant": True,
        "Cool the tanks": True,
    }
    assert api_as(responder).post(status_url(theirs), {"status": "done"}).status_code == 200


def test_a_responder_cannot_edit_or_reassign(api_as, problem, duty, fire_responder, joint_incident):
    task = give(joint_incident, duty, assigned_person=fire_responder)

    response = api_as(fire_responder).patch(task_url(task), {"title": "Easier"})

    problem(response, 403, "not_permitted")


def test_esterly_fires_duty_officer_commands_every_task(api_as, duty, fire_duty, joint_incident):
    task = give(joint_incident, duty, assigned_agency=joint_incident.lead_agency)

    response = api_as(fire_duty).post(status_url(task), {"status": "cancelled", "note": "Merged"})

    assert response.status_code == 200
    assert response.json()["can_update"] is True


# Reading and editing


def test_reading_a_task_gives_its_etag(api_as, duty, fire_analyst, joint_incident):
    task = give(joint_incident, duty, assigned_agency=joint_incident.lead_agency)

    response = api_as(fire_analyst).get(task_url(task))

    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["id"] == str(task.public_id)
    assert response.json()["can_update"] is False


def test_reassigning_replaces_the_whole_assignment(api_as, duty, fire_responder, joint_incident):
    task = give(joint_incident, duty, assigned_person=fire_responder)

    response = api_as(duty).patch(
        task_url(task),
        {"assigned_agency": "harbor-police", "priority": "urgent"},
        HTTP_IF_MATCH='"1"',
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["assigned_agency"]["slug"], body["assigned_person"]) == ("harbor-police", None)
    assert (body["priority"], body["version"]) == ("urgent", 2)
    assert response["ETag"] == '"2"'


@pytest.fixture
def task(duty, joint_incident):
    """Harbor Police's own work: cut the power."""
    return give(joint_incident, duty, assigned_agency=joint_incident.lead_agency)


class TestTaskVersions(ApiVersionCases, ApiStaleCases):
    """Esterly Fire's duty officer renames the task; Harbor's, at the old version, is refused."""

    first_leaves = [("Theirs", "open")]

    @pytest.fixture
    def versioned_change(self, task):
        return Call("post", status_url(task), {"status": "done"})

    @pytest.fixture
    def first_change(self, task):
        return Call("patch", task_url(task), {"title": "Theirs"})

    @pytest.fixture
    def stale_changes(self, task):
        return [
            Call("patch", task_url(task), {"title": "Mine"}),
            Call("post", status_url(task), {"status": "done"}),
        ]

    @pytest.fixture
    def unchanged(self, task):
        this = Task.objects.filter(pk=task.pk)
        return lambda: list(this.values_list("title", "status"))


def test_unknown_fields_are_refused(api_as, duty, joint_incident):
    task = give(joint_incident, duty, assigned_agency=joint_incident.lead_agency)

    assert api_as(duty).patch(task_url(task), {"status": "done"}).status_code == 400


# Lists


def test_tasks_are_filtered_and_ordered(api_as, duty, responder, fire_responder, joint_incident):
    fire = fire_responder.memberships.get().agency
    give(joint_incident, duty, title="Low", assigned_agency=fire, priority="low")
    urgent = give(
        joint_incident, duty, title="Urgent", assigned_person=responder, priority="urgent"
    )
    give(joint_incident, duty, title="High", assigned_agency=fire, priority="high")
    verbs.change_task_status(urgent, "in_progress", actor=duty)
    client = api_as(duty)

    def titles(**params):
        response = client.get(tasks_url(joint_incident), params)
        assert response.status_code == 200, response.content
        return [row["title"] for row in response.json()["results"]]

    assert titles(ordering="-priority") == ["Urgent", "High", "Low"]
    assert titles(ordering="priority") == ["Low", "High", "Urgent"]
    assert titles(status="in_progress") == ["Urgent"]
    assert titles(assigned_agency="esterly-fire", ordering="created_at") == ["Low", "High"]
    assert titles(assigned_person="harbor-police.responder") == ["Urgent"]
    assert titles(priority=["low", "high"], ordering="priority") == ["Low", "High"]
    assert (
        api_as(fire_responder)
        .get(tasks_url(joint_incident), {"mine": "true", "ordering": "priority"})
        .json()["count"]
        == 2
    )
    assert [
        r["title"]
        for r in api_as(responder)
        .get(tasks_url(joint_incident), {"mine": "true"})
        .json()["results"]
    ] == ["Urgent"]
    assert client.get(tasks_url(joint_incident), {"asigned": "x"}).status_code == 400


class TestTheTaskList(ApiBudgetCases):
    """Esterly Fire's responder lists one task, then sixteen."""

    looker, budget, sizes = "fire_responder", 10, (1, 16)

    @pytest.fixture
    def listing(self, duty, fire_responder, joint_incident):
        give(joint_incident, duty, assigned_person=fire_responder)
        return Call("get", tasks_url(joint_incident))

    @pytest.fixture
    def grow(self, duty, fire_responder, other_agency, joint_incident):
        def fifteen_more():
            for number in range(15):
                give(
                    joint_incident,
                    duty,
                    title=f"Task {number}",
                    assigned_agency=other_agency,
                    assigned_person=fire_responder,
                )

        return fifteen_more


# Another agency's people


class TestEveryTaskAddress(ApiCases):
    """Northgate EMS takes no part: it finds no task; nobody signed out does."""

    intruders = ("northgate_admin",)

    @pytest.fixture
    def addresses(self, joint_incident, task):
        spy = {"title": "Spy", "assigned_agency": "harbor-police"}
        return [
            Call("get", tasks_url(joint_incident)),
            Call("post", tasks_url(joint_incident), spy),
            Call("get", task_url(task)),
            Call("patch", task_url(task), {"title": "Spy"}),
            Call("post", status_url(task), {"status": "done"}),
        ]

    @pytest.fixture
    def unchanged(self, joint_incident):
        return lambda: list(joint_incident.tasks.values_list("title", "status"))
