"""The tasks tab's forms: give out work, edit it, move it along, narrow the list.

They only parse what a person typed; incidents/services/tasks.py decides whether it may
be done, and its refusals are put beside the field they name.
"""

from collections import defaultdict

from django import forms

from agencies.access import member_agencies
from agencies.models import Membership
from coordination.forms import PortalForm
from incidents.models import (
    OPEN_TASK_STATUSES,
    Priority,
    TaskStatus,
    agencies_taking_part,
)

# What datetime-local inputs send, and what they are shown with.
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
UNFINISHED = "unfinished"


def local_datetime_field(label: str) -> forms.DateTimeField:
    """An optional moment typed in a datetime-local input, read as UTC."""
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text="UTC",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
    )


def assignees(incident) -> tuple[list, dict]:
    """Whom a task may go to, as grouped choices and a map from choice to (agency, person).

    Each agency taking part is offered whole, then each of its active members, so one
    choice names both the person and the agency they work for here.
    """
    agencies = list(agencies_taking_part(incident).order_by("name"))
    members = defaultdict(list)
    for membership in (
        Membership.objects.filter(is_active=True, user__is_active=True, agency__in=agencies)
        .select_related("user")
        .order_by("user__username")
    ):
        members[membership.agency_id].append(membership.user)
    choices, chosen = [("", "Choose an agency or a person")], {}
    for agency in agencies:
        options = [(agency.slug, f"{agency.name} (the whole agency)")]
        chosen[agency.slug] = (agency, None)
        for person in members[agency.pk]:
            key = f"{agency.slug}/{person.get_username()}"
            name = person.get_full_name() or person.get_username()
            options.append((key, f"{name} ({person.get_username()}), {agency.name}"))
            chosen[key] = (agency, person)
        choices.append((agency.name, options))
    return choices, chosen


def assignee_key(task) -> str:
    """The choice that names a task's current assignment."""
    if task.assigned_agency is None:
        return ""
    if task.assigned_person is None:
        return task.assigned_agency.slug
    return f"{task.assigned_agency.slug}/{task.assigned_person.get_username()}"


class TaskForm(PortalForm):
    """A new task (ICS 204 assignment): command gives it to an agency or a person."""

    title = forms.CharField(max_length=200)
    details = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    assignee = forms.ChoiceField(label="Assigned to")
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    due_at = local_datetime_field("Due")
    period = forms.TypedChoiceField(
        label="Operational period", coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices, self._assignees = assignees(incident)
        self.fields["period"].choices = [
            ("", "No particular period"),
            *(
                (
                    period.number,
                    f"Period {period.number}: {period.starts_at:%Y-%m-%d %H:%M}"
                    f" to {period.ends_at:%Y-%m-%d %H:%M} UTC",
                )
                for period in incident.periods.order_by("number")
            ),
        ]

    def clean_assignee(self):
        return self._assignees[self.cleaned_data["assignee"]]

    def arguments(self) -> dict:
        """The create_task verb's keyword arguments."""
        data = self.cleaned_data
        agency, person = data["assignee"]
        return {
            "title": data["title"],
            "details": data["details"],
            "assigned_agency": agency,
            "assigned_person": person,
            "priority": data["priority"],
            "due_at": data["due_at"],
            "period": data["period"],
        }


class TaskEditForm(TaskForm):
    """An edit of a task (command), made against the version the editor saw."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    @staticmethod
    def values_of(task) -> dict:
        """The task as the form shows it, as initial values or as the data a stale editor
        is handed back (to the minute, as the input shows it, so "changed" stays exact)."""
        return {
            "title": task.title,
            "details": task.details,
            "assignee": assignee_key(task),
            "priority": task.priority,
            "due_at": task.due_at.replace(second=0, microsecond=0) if task.due_at else "",
            "period": task.period.number if task.period else "",
            "version": task.version,
        }

    def changes(self) -> dict:
        """Only what the editor changed, so an untouched assignment is not re-checked."""
        arguments = self.arguments()
        changes = {}
        for name in self.changed_data:
            if name == "assignee":
                changes["assigned_agency"] = arguments["assigned_agency"]
                changes["assigned_person"] = arguments["assigned_person"]
            elif name != "version":
                changes[name] = arguments[name]
        return changes


class TaskStatusForm(PortalForm):
    """Move a task along; the pressed button names the status. A block says why."""

    to = forms.ChoiceField(choices=TaskStatus.choices)
    note = forms.CharField(
        label="Note", required=False, max_length=2000, help_text="Needed to mark it blocked."
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    back = forms.ChoiceField(
        choices=[("list", "list"), ("detail", "detail")],
        required=False,
        widget=forms.HiddenInput,
    )


class TaskFilterForm(forms.Form):
    """Filters kept in the URL; they narrow the tasks the reader may already see."""

    status = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any status"),
            (UNFINISHED, "Not finished (open, in progress, blocked)"),
            *TaskStatus.choices,
        ],
    )
    assigned = forms.ChoiceField(
        label="Assigned to",
        required=False,
        choices=[("", "Anyone"), ("me", "Me"), ("my_agency", "My agency")],
    )

    def narrow(self, tasks, user):
        if not self.is_valid():
            return tasks
        status = self.cleaned_data["status"]
        if status == UNFINISHED:
            tasks = tasks.filter(status__in=OPEN_TASK_STATUSES)
        elif status:
            tasks = tasks.filter(status=status)
        if self.cleaned_data["assigned"] == "me":
            tasks = tasks.filter(assigned_person=user)
        elif self.cleaned_data["assigned"] == "my_agency":
            tasks = tasks.filter(assigned_agency__in=member_agencies(user))
        return tasks
