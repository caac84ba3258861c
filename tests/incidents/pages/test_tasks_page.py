"""The tasks tab of the warehouse fire that Harbor Police and Esterly Fire command
together: Harbor Police's duty officer gives out work on the page, Esterly Fire's
responder moves her own task along from the list, and nobody else gets further than the
API would let them."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Task
from incidents.services import tasks as verbs
from tests.cases import STALE, Call, PageCases, PageStaleCases
from tests.factories import member_of, open_incident

pytestmark = pytest.mark.postgres


def list_url(incident) -> str:
    return reverse("incident-tasks", args=[incident.public_id])


def create_url(incident) -> str:
    return reverse("incident-task-create", args=[incident.public_id])


def detail_url(task) -> str:
    return reverse("incident-task-detail", args=[task.incident.public_id, task.public_id])


def update_url(task) -> str:
    return reverse("incident-task-update", args=[task.incident.public_id, task.public_id])


def status_url(task) -> str:
    return reverse("incident-task-status", args=[task.incident.public_id, task.public_id])


def give(incident, actor, title="Cut power to the warehouse", **assignment) -> Task:
    return verbs.create_task(incident, actor=actor, title=title, **assignment)


def row_of(page: str, task) -> str:
    """The table row of one task."""
    match = re.search(rf'<tr id="task-{task.public_id}".*?</tr>', page, re.S)
    assert match, f"no row for {task.title}"
    return match.group(0)


def moves(html: str) -> list[str]:
    """The statuses a task's buttons offer, in order (not the incident's own)."""
    block = re.search(r'<div class="move-buttons">(.*?)</div>', html, re.S)
    return re.findall(r'name="to" value="([a-z_]+)"', block.group(1)) if block else []


def field_errors(page: str, field_id: str) -> list[str]:
    match = re.search(
        rf'<ul class="errorlist" id="{field_id}_errors" role="alert">(.*?)</ul>', page
    )
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def edit_body(task, **changes) -> dict:
    body = {
        "title": task.title,
        "details": task.details,
        "assignee": "esterly-fire",
        "priority": task.priority,
        "due_at": "",
        "period": "",
        "version": task.version,
    }
    return {**body, **changes}


@pytest.fixture
def fire(other_agency):
    return other_agency


# Giving out work


def test_the_duty_officer_gives_esterly_fires_responder_a_task(
    signed_in, duty, fire_responder, joint_incident
):
    client = signed_in(duty)
    form = client.get(create_url(joint_incident)).content.decode()
    assert '<option value="esterly-fire">Esterly Fire (the whole agency)</option>' in form
    assert 'value="esterly-fire/esterly-fire.responder"' in form
    assert 'value="harbor-police/harbor-police.duty_officer"' in form

    response = client.post(
        create_url(joint_incident),
        {
            "title": "Ventilate the roof",
            "details": "North side first",
            "assignee": "esterly-fire/esterly-fire.responder",
            "priority": "high",
            "due_at": "2030-05-01T14:30",
            "period": "",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == list_url(joint_incident)
    task = joint_incident.tasks.get()
    assert (task.title, task.details, task.priority, task.status) == (
        "Ventilate the roof",
        "North side first",
        "high",
        "open",
    )
    assert (task.assigned_agency.slug, task.assigned_person.username) == (
        "esterly-fire",
        "esterly-fire.responder",
    )
    assert task.due_at.isoformat() == "2030-05-01T14:30:00+00:00"
    page = client.get(list_url(joint_incident)).content.decode()
    assert "Task “Ventilate the roof” given out." in page
    assert "1 task</caption>" in page
    assert ">Ventilate the roof</a>" in row_of(page, task)


def test_the_new_task_button_is_only_for_command(signed_in, duty, fire_responder, joint_incident):
    assert (
        create_url(joint_incident) in signed_in(duty).get(list_url(joint_incident)).content.decode()
    )
    responder_page = signed_in(fire_responder).get(list_url(joint_incident)).content.decode()
    assert create_url(joint_incident) not in responder_page


def test_a_responder_cannot_give_out_work(signed_in, fire_responder, joint_incident):
    client = signed_in(fire_responder)

    assert client.get(create_url(joint_incident)).status_code == 403
    response = client.post(
        create_url(joint_incident), {"title": "Mine now", "assignee": "esterly-fire"}
    )
    assert response.status_code == 403
    assert "You may see this incident but not command it." in response.content.decode()
    assert not joint_incident.tasks.exists()


def test_a_task_without_title_or_assignee_is_sent_back_with_errors_beside_the_fields(
    signed_in, duty, joint_incident
):
    response = signed_in(duty).post(
        create_url(joint_incident),
        {"title": "", "assignee": "northgate-ems", "priority": "normal"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert field_errors(page, "id_title") == ["This field is required."]
    assert field_errors(page, "id_assignee") == [
        "Select a valid choice. northgate-ems is not one of the available choices."
    ]
    assert 'aria-invalid="true"' in page
    assert not joint_incident.tasks.exists()


def test_a_double_submitted_task_is_given_out_once(signed_in, duty, joint_incident):
    client = signed_in(duty)
    body = {
        "title": "Hold the hydrant",
        "assignee": "esterly-fire",
        "priority": "normal",
        "form_key": "3f1c7c1e-task-once",
    }

    first = client.post(create_url(joint_incident), body)
    second = client.post(create_url(joint_incident), body)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert joint_incident.tasks.count() == 1


# The list


def test_each_reader_sees_their_own_work_marked_and_only_the_moves_they_may_make(
    signed_in, duty, fire_responder, joint_incident, fire
):
    hers = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    fires = give(joint_incident, duty, "Ventilate the roof", assigned_agency=fire)
    harbors = give(
        joint_incident, duty, "Close Dock Street", assigned_agency=joint_incident.lead_agency
    )
    verbs.change_task_status(fires, "done", actor=duty)

    page = signed_in(fire_responder).get(list_url(joint_incident)).content.decode()

    assert "3 tasks</caption>" in page
    her_row = row_of(page, hers)
    assert '<span class="mine-badge">Assigned to you</span>' in her_row
    assert moves(her_row) == ["in_progress", "blocked", "done", "cancelled"]
    assert "data-confirm=" in her_row
    fire_row = row_of(page, fires)
    assert '<span class="mine-badge">Assigned to your agency</span>' in fire_row
    assert moves(fire_row) == ["open"]
    harbor_row = row_of(page, harbors)
    assert "mine-badge" not in harbor_row
    assert moves(harbor_row) == []
    assert "Not yours to move" in harbor_row

    command_page = signed_in(duty).get(list_url(joint_incident)).content.decode()
    assert moves(row_of(command_page, harbors)) == ["in_progress", "blocked", "done", "cancelled"]
    assert "mine-badge" not in row_of(command_page, hers)


def test_a_viewer_sees_the_tasks_but_no_buttons(signed_in, duty, agency, joint_incident):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    task = give(joint_incident, duty, assigned_agency=agency)

    page = signed_in(viewer).get(list_url(joint_incident)).content.decode()

    assert moves(row_of(page, task)) == []
    assert status_url(task) not in page


def test_the_list_is_filtered_by_status_and_by_whom_it_is_assigned_to(
    signed_in, duty, fire_responder, joint_incident, fire
):
    hers = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    fires = give(joint_incident, duty, "Ventilate the roof", assigned_agency=fire)
    harbors = give(
        joint_incident, duty, "Close Dock Street", assigned_agency=joint_incident.lead_agency
    )
    verbs.change_task_status(fires, "done", actor=duty)
    client = signed_in(fire_responder)

    def titles(**query) -> list[str]:
        page = client.get(list_url(joint_incident), query).content.decode()
        return re.findall(r'<tr id="task-[^"]+".*?<a href="[^"]+">([^<]+)</a>', page, re.S)

    assert titles() == [harbors.title, fires.title, hers.title]
    assert titles(assigned="me") == [hers.title]
    assert titles(assigned="my_agency") == [fires.title, hers.title]
    assert titles(status="done") == [fires.title]
    assert titles(status="unfinished") == [harbors.title, hers.title]
    assert titles(status="done", assigned="me") == []
    page = client.get(list_url(joint_incident), {"status": "done"}).content.decode()
    assert "1 task matching the filter</caption>" in page
    assert '<option value="done" selected>Done</option>' in page


# Moving work along


def test_the_responder_starts_her_task_and_the_row_comes_back_in_place(
    signed_in, duty, fire_responder, joint_incident
):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)

    response = signed_in(fire_responder).post(
        status_url(task),
        {"to": "in_progress", "note": "", "version": task.version, "back": "list"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    row = response.content.decode().strip()
    assert row.startswith(f'<tr id="task-{task.public_id}" class="work-mine">')
    assert "In progress" in row
    assert moves(row) == ["open", "blocked", "done", "cancelled"]
    task.refresh_from_db()
    assert (task.status, task.version) == ("in_progress", 2)


def test_without_javascript_a_move_returns_to_the_page_it_came_from(
    signed_in, duty, fire_responder, joint_incident
):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    client = signed_in(fire_responder)

    from_list = client.post(status_url(task), {"to": "done", "version": 1, "back": "list"})
    from_detail = client.post(status_url(task), {"to": "open", "version": 2, "back": "detail"})

    assert from_list["Location"] == list_url(joint_incident)
    assert from_detail["Location"] == detail_url(task)
    page = client.get(detail_url(task)).content.decode()
    assert "Task “Hold the hydrant” is now Open." in page
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 3)


def test_blocking_a_task_needs_a_note_beside_which_the_error_is_shown(
    signed_in, duty, fire_responder, joint_incident
):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    client = signed_in(fire_responder)
    body = {"to": "blocked", "note": " ", "version": 1, "back": "list"}

    in_place = client.post(status_url(task), body, HTTP_HX_REQUEST="true")
    whole_page = client.post(status_url(task), body)

    for response in (in_place, whole_page):
        assert response.status_code == 422
        page = response.content.decode()
        assert field_errors(page, f"task-{task.public_id}-note") == ["Say what blocks the task."]
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)

    blocked = client.post(
        status_url(task), {**body, "note": "Hydrant frozen"}, HTTP_HX_REQUEST="true"
    )
    assert "Hydrant frozen" in blocked.content.decode()


def test_a_responder_may_not_move_another_agencys_task(
    signed_in, responder, duty, fire, joint_incident
):
    task = give(joint_incident, duty, "Ventilate the roof", assigned_agency=fire)

    response = signed_in(responder).post(status_url(task), {"to": "done", "version": 1})

    assert response.status_code == 403
    assert "You may update only tasks assigned to you or to your agency." in (
        response.content.decode()
    )
    task.refresh_from_db()
    assert task.status == "open"


def test_a_cancelled_task_cannot_be_reopened(signed_in, duty, fire, joint_incident):
    task = give(joint_incident, duty, assigned_agency=fire)
    verbs.change_task_status(task, "cancelled", actor=duty)

    page = signed_in(duty).get(detail_url(task)).content.decode()
    assert moves(page) == []
    response = signed_in(duty).post(status_url(task), {"to": "open", "version": 2})

    assert response.status_code == 409
    assert "A task that is cancelled can go to nothing (it is final), not open." in (
        response.content.decode()
    )


class TestAMoveOnAStaleRow(PageStaleCases):
    """Esterly's responder marks done a row opened before their duty officer started it."""

    editor = "fire_responder"

    @pytest.fixture
    def task(self, duty, fire_responder, joint_incident):
        return give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)

    @pytest.fixture
    def stale_post(self, task):
        return Call("post", status_url(task), {"to": "done", "version": 1}, HTTP_HX_REQUEST="true")

    @pytest.fixture
    def move_on(self, task, fire_duty):
        def start():
            verbs.change_task_status(task, "in_progress", actor=fire_duty)
            return 2

        return start

    @pytest.fixture
    def shown(self):
        return ["In progress"]

    @pytest.fixture
    def unchanged(self, task):
        return lambda: Task.objects.get(pk=task.pk).status


def test_a_double_submitted_move_moves_once(signed_in, duty, fire_responder, joint_incident):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    client = signed_in(fire_responder)
    body = {"to": "done", "version": 1, "back": "list", "form_key": "8d0e-move-once"}

    first = client.post(status_url(task), body, HTTP_HX_REQUEST="true")
    second = client.post(status_url(task), body, HTTP_HX_REQUEST="true")

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    task.refresh_from_db()
    assert (task.status, task.version) == ("done", 2)
    assert (
        joint_incident.timeline.filter(text__startswith="Task 'Hold the hydrant' moved").count()
        == 1
    )


# Editing


def test_the_duty_officer_edits_and_reassigns_a_task(
    signed_in, duty, fire_responder, fire, joint_incident
):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_agency=fire)
    client = signed_in(duty)
    page = client.get(detail_url(task)).content.decode()
    assert 'name="version" value="1"' in page
    assert '<option value="esterly-fire" selected>' in page

    response = client.post(
        update_url(task),
        edit_body(
            task,
            title="Hold hydrant 4",
            priority="urgent",
            assignee="esterly-fire/esterly-fire.responder",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(task)
    task.refresh_from_db()
    assert (task.title, task.priority, task.assigned_person, task.version) == (
        "Hold hydrant 4",
        "urgent",
        fire_responder,
        2,
    )
    assert joint_incident.timeline.filter(text__contains="reassigned from Esterly Fire").exists()


def test_an_edit_made_against_an_old_version_shows_the_current_one(
    signed_in, duty, fire_duty, fire, joint_incident
):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_agency=fire)
    verbs.update_task(task, actor=fire_duty, title="Hold hydrant 4", expected_version=1)

    response = signed_in(duty).post(update_url(task), edit_body(task, title="Hold hydrant 9"))

    assert response.status_code == 409
    page = response.content.decode()
    assert STALE in page
    assert 'value="Hold hydrant 4"' in page
    assert 'name="version" value="2"' in page
    task.refresh_from_db()
    assert (task.title, task.version) == ("Hold hydrant 4", 2)


def test_an_edit_with_a_blank_title_is_sent_back(signed_in, duty, fire, joint_incident):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_agency=fire)

    response = signed_in(duty).post(update_url(task), edit_body(task, title=""))

    assert response.status_code == 422
    assert field_errors(response.content.decode(), "id_title") == ["This field is required."]


def test_only_command_edits_a_task(signed_in, duty, fire_responder, joint_incident):
    task = give(joint_incident, duty, "Hold the hydrant", assigned_person=fire_responder)
    client = signed_in(fire_responder)

    assert update_url(task) not in client.get(detail_url(task)).content.decode()
    response = client.post(update_url(task), edit_body(task, title="Mine"))
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.title == "Hold the hydrant"


# Who gets in


class TestEveryTaskPage(PageCases):
    """Northgate EMS takes no part: it finds no task page; nobody signed out does."""

    intruders = ("northgate_duty",)

    @pytest.fixture
    def task(self, duty, fire, joint_incident):
        return give(joint_incident, duty, assigned_agency=fire)

    @pytest.fixture
    def addresses(self, joint_incident, task):
        done = {"to": "done", "version": 1}
        return [
            Call("get", list_url(joint_incident)),
            Call("get", create_url(joint_incident)),
            Call("post", create_url(joint_incident), {"title": "Spy", "assignee": "esterly-fire"}),
            Call("get", detail_url(task)),
            Call("post", update_url(task), edit_body(task, title="Spy")),
            Call("post", status_url(task), done),
            Call("post", status_url(task), done, HTTP_HX_REQUEST="true"),
        ]

    @pytest.fixture
    def unchanged(self, joint_incident):
        return lambda: list(joint_incident.tasks.values_list("title", "status"))


def test_a_task_is_found_only_under_its_own_incident(signed_in, duty, fire, joint_incident):
    task = give(joint_incident, duty, assigned_agency=fire)
    elsewhere = open_incident(duty, title="Flooded underpass")
    url = reverse("incident-task-detail", args=[elsewhere.public_id, task.public_id])

    assert signed_in(duty).get(url).status_code == 404


def test_a_form_posted_without_its_csrf_token_is_refused(signed_in, duty, joint_incident):
    client = signed_in(duty, enforce_csrf_checks=True)

    response = client.post(
        create_url(joint_incident), {"title": "Forged", "assignee": "esterly-fire"}
    )

    assert response.status_code == 403
    assert not joint_incident.tasks.exists()


def test_the_list_costs_the_same_for_few_or_many_tasks(
    signed_in, duty, fire_responder, fire, joint_incident, django_assert_max_num_queries
):
    give(joint_incident, duty, assigned_person=fire_responder)
    client = signed_in(fire_responder)
    with django_assert_max_num_queries(14):
        assert "1 task</caption>" in client.get(list_url(joint_incident)).content.decode()
    for number in range(30):
        give(
            joint_incident,
            duty,
            f"Task {number}",
            assigned_person=fire_responder if number % 2 else None,
            assigned_agency=fire,
            due_at=timezone.now() + timedelta(hours=number),
        )
    with django_assert_max_num_queries(14):
        assert "31 tasks</caption>" in client.get(list_url(joint_incident)).content.decode()
