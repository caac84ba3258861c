"""The tasks tab of an incident (ICS 204): the work given out, who has it, how far it got.

Command gives out and edits work; the people it is given to move it along with the
status buttons, which the list shows only for the next statuses the reader may choose
(the verb checks again). A status change made with htmx swaps the task's row in place;
without JavaScript the form posts and the page comes back.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from coordination.errors import Conflict, Invalid
from incidents import selectors
from incidents.forms.tasks import TaskEditForm, TaskFilterForm, TaskForm, TaskStatusForm
from incidents.models import OPEN_TASK_STATUSES, Task, TaskStatus, TaskWorkflow
from incidents.services import tasks as verbs
from incidents.views.base import Page, incident_page
from incidents.views.runner import finish, run
from sharing import policy

PAGE_SIZE = 50
# What each status button says: the status a task moves to, as an action.
MOVE_LABELS = {
    TaskStatus.OPEN: "Mark open",
    TaskStatus.IN_PROGRESS: "Start",
    TaskStatus.BLOCKED: "Mark blocked",
    TaskStatus.DONE: "Mark done",
    TaskStatus.CANCELLED: "Cancel task",
}


@dataclass(frozen=True)
class TaskRow:
    """One task as the reader sees it: whether it is theirs, and what they may do."""

    task: Task
    mine: str  # "Assigned to you", "Assigned to your agency" or ""
    overdue: bool
    moves: tuple[tuple[str, str], ...]  # (status, button label), in lifecycle order
    form: TaskStatusForm | None
    error: str = ""


@dataclass(frozen=True)
class Reader:
    """What the reader may do to this incident's tasks, read once for the whole list."""

    user: object
    permissions: frozenset
    workflow: TaskWorkflow

    @classmethod
    def of(cls, page: Page) -> "Reader":
        # A task has no marking of its own: what the reader may do to the incident, they
        # may do to its tasks.
        return cls(page.user, page.permissions, TaskWorkflow.for_reader(page.user))

    def row(self, task: Task, *, form: TaskStatusForm | None = None, error: str = "") -> TaskRow:
        moves = tuple((s, MOVE_LABELS[s]) for s in self.workflow.moves(task, self.permissions))
        if form is None and moves:
            form = TaskStatusForm(
                initial={"version": task.version}, auto_id=f"task-{task.public_id}-%s"
            )
        if task.assigned_person_id == self.user.pk:
            mine = "Assigned to you"
        elif (
            task.assigned_person_id is None and task.assigned_agency_id in self.workflow.agency_ids
        ):
            mine = "Assigned to your agency"
        else:
            mine = ""
        overdue = (
            task.due_at is not None
            and task.status in OPEN_TASK_STATUSES
            and task.due_at < timezone.now()
        )
        return TaskRow(task, mine, overdue, moves, form if moves else None, error)


def _task_or_404(page: Page, task_id) -> Task:
    return page.child(selectors.tasks(page.incident), public_id=task_id)


def _list_url(incident) -> str:
    return reverse("incident-tasks", args=[incident.public_id])


def _detail_url(task) -> str:
    return reverse("incident-task-detail", args=[task.incident.public_id, task.public_id])


def _page(page: Page, context: dict, *, status: int = 200):
    return render(page.request, "incidents/tasks.html", context, status=status)


@incident_page(GET="view")
def task_list(page: Page):
    """The tasks table, filtered by status and by whom they are assigned to."""
    request = page.request
    context = page.context("tasks")
    filters = TaskFilterForm(request.GET)
    visible = policy.visible(page.user, selectors.tasks(page.incident))
    paged = Paginator(filters.narrow(visible, page.user), PAGE_SIZE)
    paged = paged.get_page(request.GET.get("page"))
    reader = Reader.of(page)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        mode="list",
        filters=filters,
        filtered=any(request.GET.get(name) for name in filters.fields),
        page=paged,
        rows=[reader.row(task) for task in paged],
        query=query.urlencode(),
    )
    return _page(page, context)


@incident_page(GET="command", POST="command")
def task_create(page: Page):
    """Give out work (command): to an agency taking part, or to one of its people."""
    incident = page.incident

    def again(form, status):
        return _page(page, {**page.context("tasks"), "mode": "create", "form": form}, status=status)

    if page.request.method != "POST":
        return again(TaskForm(incident=incident), 200)

    def given_out(task):
        return finish(page.request, f"Task “{task.title}” given out.", _list_url(incident))

    return run(
        lambda data: TaskForm(data, incident=incident),
        lambda form: verbs.create_task(incident, actor=page.user, **form.arguments()),
        data=page.request.POST,
        done=given_out,
        again=again,
        refusals={Invalid: 422},
    )


def _detail(page: Page, task, *, edit_form=None, status_form=None, notice="", status=200):
    """One task: its details, the status buttons and, for command, the edit form."""
    context = page.context("tasks")
    if edit_form is None and page.may("command"):
        edit_form = TaskEditForm(initial=TaskEditForm.values_of(task), incident=page.incident)
    context.update(
        mode="detail",
        row=Reader.of(page).row(task, form=status_form),
        edit_form=edit_form,
        notice=notice,
    )
    return _page(page, context, status=status)


@incident_page(GET="view")
def task_detail(page: Page, task_id):
    return _detail(page, _task_or_404(page, task_id))


@incident_page(POST="command")
def task_update(page: Page, task_id):
    """Edit or reassign a task (command), against the version the editor saw."""
    incident = page.incident
    task = _task_or_404(page, task_id)

    def bind(data):
        return TaskEditForm(data, initial=TaskEditForm.values_of(task), incident=incident)

    def update(form):
        version = form.cleaned_data["version"]
        verbs.update_task(task, actor=page.user, expected_version=version, **form.changes())
        return form.cleaned_data["title"]

    def stale(message):
        current = _task_or_404(page, task_id)
        fresh = TaskEditForm(TaskEditForm.values_of(current), incident=incident)
        return _detail(page, current, edit_form=fresh, notice=message, status=409)

    return run(
        bind,
        update,
        data=page.request.POST,
        done=lambda title: finish(page.request, f"Task “{title}” saved.", _detail_url(task)),
        again=lambda form, status: _detail(page, task, edit_form=form, status=status),
        current=stale,
        refusals={Invalid: 422},
    )


@incident_page(POST="contribute")
def task_status(page: Page, task_id):
    """Move a task along. An htmx request gets the task's row back; a plain one is sent
    back to where it came from, or shown the task with what went wrong."""
    request = page.request
    task = _task_or_404(page, task_id)

    def move(form):
        data = form.cleaned_data
        verbs.change_task_status(
            task,
            data["to"],
            actor=page.user,
            note=data["note"],
            expected_version=data["version"],
        )
        return data["back"] == "detail"

    def moved(back):
        moved_task = _task_or_404(page, task_id)  # with what its row shows
        if request.htmx:
            return _row(page, moved_task)
        message = f"Task “{moved_task.title}” is now {moved_task.get_status_display()}."
        url = _detail_url(moved_task) if back else _list_url(page.incident)
        return finish(page.request, message, url)

    def refused(shown, form=None, notice="", status=422):
        if request.htmx:
            return _row(page, shown, form=form, error=notice, status=status)
        return _detail(page, shown, status_form=form, notice=notice, status=status)

    def again(form, status):
        if status == 409:
            # A conflict: the task moved meanwhile; show it as it is now, saying why.
            notice = " ".join(message for errors in form.errors.values() for message in errors)
            return refused(_task_or_404(page, task_id), notice=notice, status=409)
        return refused(task, form=form, status=status)

    return run(
        lambda data: TaskStatusForm(data, auto_id=f"task-{task.public_id}-%s"),
        move,
        data=request.POST,
        done=moved,
        again=again,
        current=lambda message: refused(_task_or_404(page, task_id), notice=message, status=409),
        refusals={Invalid: 422, Conflict: 409},
    )


def _row(page: Page, task, *, form=None, error="", status=200):
    context = {"incident": page.incident, "row": Reader.of(page).row(task, form=form, error=error)}
    return render(page.request, "incidents/work/_task_row.html", context, status=status)
