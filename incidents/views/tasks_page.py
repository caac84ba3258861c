"""The tasks tab of an incident (ICS 204): the work given out, who has it, how far it got.

Command gives out and edits work; the people it is given to move it along with the
status buttons, which the list shows only for the next statuses the reader may choose
(the verb checks again). A status change made with htmx swaps the task's row in place;
without JavaScript the form posts and the page comes back.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination.errors import Conflict, Invalid, PreconditionFailed
from coordination.forms import STALE_EDIT
from incidents.forms.tasks import TaskEditForm, TaskFilterForm, TaskForm, TaskStatusForm
from incidents.models import OPEN_TASK_STATUSES, Task, TaskStatus, TaskWorkflow
from incidents.services import tasks as verbs
from incidents.views.pages import incident_context, visible_incident_or_404
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
    def of(cls, request, permissions) -> "Reader":
        return cls(request.user, permissions, TaskWorkflow.for_reader(request.user))

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


def _tasks(incident):
    """The incident's tasks, with what a row shows."""
    return Task.objects.filter(incident=incident).select_related(
        "assigned_agency", "assigned_person", "period", "updated_by"
    )


def _task_or_404(request, incident, task_id) -> Task:
    return policy.visible_or_404(request.user, _tasks(incident), public_id=task_id)


def _list_url(incident) -> str:
    return reverse("incident-tasks", args=[incident.public_id])


def _detail_url(task) -> str:
    return reverse("incident-task-detail", args=[task.incident.public_id, task.public_id])


def _page(request, context: dict, *, status: int = 200):
    return render(request, "incidents/tasks.html", context, status=status)


@login_required
@require_safe
def task_list(request, incident_id):
    """The tasks table, filtered by status and by whom they are assigned to."""
    incident = visible_incident_or_404(request, incident_id)
    context = incident_context(request, incident, "tasks")
    filters = TaskFilterForm(request.GET)
    page = Paginator(
        filters.narrow(policy.visible(request.user, _tasks(incident)), request.user), PAGE_SIZE
    )
    page = page.get_page(request.GET.get("page"))
    reader = Reader.of(request, context["permissions"])
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        mode="list",
        filters=filters,
        filtered=any(request.GET.get(name) for name in filters.fields),
        page=page,
        rows=[reader.row(task) for task in page],
        query=query.urlencode(),
    )
    return _page(request, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def task_create(request, incident_id):
    """Give out work (command): to an agency taking part, or to one of its people."""
    incident = visible_incident_or_404(request, incident_id)
    context = incident_context(request, incident, "tasks")
    policy.require(request.user, "command", incident, context["permissions"])
    posted = request.POST if request.method == "POST" else None
    form = TaskForm(posted, incident=incident)
    if form.is_bound and form.is_valid():
        try:
            task = verbs.create_task(incident, actor=request.user, **form.arguments())
        except Invalid as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Task “{task.title}” given out.")
            return redirect(_list_url(incident))
    context.update(mode="create", form=form)
    return _page(request, context, status=422 if form.is_bound else 200)


def _detail(request, incident, task, *, edit_form=None, status_form=None, notice="", status=200):
    """One task: its details, the status buttons and, for command, the edit form."""
    context = incident_context(request, incident, "tasks")
    permissions = policy.permissions_on(request.user, task)
    if edit_form is None and "command" in permissions:
        edit_form = TaskEditForm(initial=TaskEditForm.values_of(task), incident=incident)
    context.update(
        mode="detail",
        row=Reader.of(request, permissions).row(task, form=status_form),
        edit_form=edit_form,
        notice=notice,
    )
    return _page(request, context, status=status)


@login_required
@require_safe
def task_detail(request, incident_id, task_id):
    incident = visible_incident_or_404(request, incident_id)
    return _detail(request, incident, _task_or_404(request, incident, task_id))


@login_required
@require_POST
def task_update(request, incident_id, task_id):
    """Edit or reassign a task (command), against the version the editor saw."""
    incident = visible_incident_or_404(request, incident_id)
    task = _task_or_404(request, incident, task_id)
    policy.require(request.user, "command", task)
    form = TaskEditForm(request.POST, initial=TaskEditForm.values_of(task), incident=incident)
    if form.is_valid():
        try:
            verbs.update_task(
                task,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except PreconditionFailed:
            current = _task_or_404(request, incident, task_id)
            fresh = TaskEditForm(TaskEditForm.values_of(current), incident=incident)
            return _detail(
                request, incident, current, edit_form=fresh, notice=STALE_EDIT, status=409
            )
        except Invalid as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"Task “{form.cleaned_data['title']}” saved.")
            return redirect(_detail_url(task))
    return _detail(request, incident, task, edit_form=form, status=422)


@login_required
@require_POST
def task_status(request, incident_id, task_id):
    """Move a task along. An htmx request gets the task's row back; a plain one is sent
    back to where it came from, or shown the task with what went wrong."""
    incident = visible_incident_or_404(request, incident_id)
    task = _task_or_404(request, incident, task_id)
    form = TaskStatusForm(request.POST, auto_id=f"task-{task.public_id}-%s")
    error, status = "", 422
    if form.is_valid():
        try:
            verbs.change_task_status(
                task,
                form.cleaned_data["to"],
                actor=request.user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except PreconditionFailed:
            task = _task_or_404(request, incident, task_id)
            form, error, status = None, STALE_EDIT, 409
        except Invalid as exc:
            form.add_service_error(exc)
        except Conflict as exc:
            task = _task_or_404(request, incident, task_id)
            form, error, status = None, exc.message, 409
        else:
            task = _task_or_404(request, incident, task_id)  # with what its row shows
            if request.htmx:
                return _row(request, incident, task)
            messages.success(request, f"Task “{task.title}” is now {task.get_status_display()}.")
            back = form.cleaned_data["back"] == "detail"
            return redirect(_detail_url(task) if back else _list_url(incident))
    if request.htmx:
        return _row(request, incident, task, form=form, error=error, status=status)
    return _detail(request, incident, task, status_form=form, notice=error, status=status)


def _row(request, incident, task, *, form=None, error="", status=200):
    reader = Reader.of(request, policy.permissions_on(request.user, task))
    context = {"incident": incident, "row": reader.row(task, form=form, error=error)}
    return render(request, "incidents/work/_task_row.html", context, status=status)
