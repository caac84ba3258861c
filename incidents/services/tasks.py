"""Tasks of an incident (ICS 204): who does what, by when, and how far they have got.

Command writes and reassigns tasks; the people doing the work move them along, as
`TaskWorkflow` allows. Every task is assigned within the incident: to an agency taking
part, or to an active member of one.
"""

from agencies.models import Agency, Membership
from coordination.concurrency import changed
from coordination.errors import Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import (
    Incident,
    OperationalPeriod,
    Priority,
    Task,
    TaskStatus,
    TaskWorkflow,
    agencies_taking_part,
)
from incidents.services.journal import log_change
from incidents.services.verbs import describe
from ledger.verbs import Change, verb
from sharing import policy

EDITABLE_FIELDS = ("title", "details", "due_at", "priority", "period")
# The assignment is edited as a whole: naming either part replaces both.
ASSIGNMENT_FIELDS = ("assigned_agency", "assigned_person")


def _assignment(incident: Incident, agency: Agency | None, person) -> tuple[Agency, object]:
    """The (agency, person) a task goes to, checked against who takes part now.

    A person named without an agency works for the one participating agency they belong
    to; if they belong to several, the caller must say which.
    """
    if agency is None and person is None:
        raise Invalid(Code.ASSIGNEE_REQUIRED, "Assign the task to an agency, a person, or both.")
    participating = agencies_taking_part(incident)
    if agency is not None and not participating.filter(pk=agency.pk).exists():
        raise Invalid(
            Code.NOT_A_PARTICIPANT,
            f"{agency.name} does not take part in this incident.",
            field="assigned_agency",
        )
    if person is None:
        return agency, None
    memberships = Membership.objects.filter(
        user=person, user__is_active=True, is_active=True, agency__in=participating
    )
    if agency is not None:
        if not memberships.filter(agency=agency).exists():
            raise Invalid(
                Code.ASSIGNEE_NOT_IN_AGENCY,
                f"{person.get_username()} is not an active member of {agency.name}.",
                field="assigned_person",
            )
        return agency, person
    theirs = list(participating.filter(memberships__in=memberships).order_by("name")[:2])
    if not theirs:
        raise Invalid(
            Code.NOT_A_PARTICIPANT,
            f"{person.get_username()} is not an active member of an agency taking part.",
            field="assigned_person",
        )
    if len(theirs) > 1:
        raise Invalid(
            Code.AGENCY_REQUIRED,
            f"{person.get_username()} belongs to several agencies taking part: name one.",
            field="assigned_agency",
        )
    return theirs[0], person


def _period(incident: Incident, number: int | None) -> OperationalPeriod | None:
    if number is None:
        return None
    period = incident.periods.filter(number=number).first()
    if period is None:
        raise Invalid(
            Code.UNKNOWN_PERIOD,
            f"This incident has no operational period {number}.",
            field="period",
        )
    return period


def _check_priority(priority: str) -> None:
    if priority not in Priority.values:
        raise Invalid(Code.INVALID, f"Unknown priority {priority!r}.", field="priority")


def _assignee_label(task: Task) -> str:
    parts = []
    if task.assigned_person is not None:
        parts.append(task.assigned_person.get_username())
    if task.assigned_agency is not None:
        parts.append(task.assigned_agency.name)
    return " of ".join(parts) if parts else "nobody"


def _assignment_payload(task: Task) -> dict:
    return {
        "task": str(task.public_id),
        "agency": task.assigned_agency.slug if task.assigned_agency else None,
        "person": task.assigned_person.get_username() if task.assigned_person else None,
    }


def create_task(
    incident: Incident,
    *,
    actor,
    title: str,
    details: str = "",
    assigned_agency: Agency | None = None,
    assigned_person=None,
    due_at=None,
    priority: str = Priority.NORMAL,
    period: int | None = None,
) -> Task:
    """Give work to an agency or a person taking part (command)."""
    with verb(actor=actor, require=lambda _: policy.require(actor, "command", incident)) as change:
        _check_priority(priority)
        agency, person = _assignment(incident, assigned_agency, assigned_person)
        task = Task.objects.create(
            incident=incident,
            period=_period(incident, period),
            title=title,
            details=details,
            assigned_agency=agency,
            assigned_person=person,
            due_at=due_at,
            priority=priority,
            created_by=actor,
            updated_by=actor,
        )
        log_change(incident, f"Task {title!r} assigned to {_assignee_label(task)}.", actor=actor)
        describe(change, "incident.task_created", incident, **_assignment_payload(task))
        return task


def _task_verb(task: Task, *, actor, expected_version: int | None, permission: str | None):
    """The verb skeleton on a task's row, its incident and assignees loaded."""
    return verb(
        actor=actor,
        lock=Task.objects.select_related("incident", "assigned_agency", "assigned_person").filter(
            pk=task.pk
        ),
        expected_version=expected_version,
        require=None if permission is None else lambda row: policy.require(actor, permission, row),
    )


def update_task(task: Task, *, actor, expected_version: int | None = None, **changes) -> Task:
    """Edit a task or reassign it (command). Naming `assigned_agency` or
    `assigned_person` replaces the whole assignment with what is named."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - set(ASSIGNMENT_FIELDS)
    if unknown:
        raise Invalid(Code.INVALID, f"Not an editable field: {', '.join(sorted(unknown))}.")
    with _task_verb(
        task, actor=actor, expected_version=expected_version, permission="command"
    ) as change:
        _update_task(change, change.row, changes)
    return change.row


def _update_task(change: Change, task: Task, changes: dict) -> None:
    actor = change.actor
    incident = task.incident
    if "priority" in changes:
        _check_priority(changes["priority"])
    if "period" in changes:
        changes["period"] = _period(incident, changes["period"])
    reassigned = False
    if set(changes) & set(ASSIGNMENT_FIELDS):
        agency, person = _assignment(
            incident, changes.pop("assigned_agency", None), changes.pop("assigned_person", None)
        )
        reassigned = (agency, person) != (task.assigned_agency, task.assigned_person)
        before = _assignee_label(task)
        task.assigned_agency, task.assigned_person = agency, person
    changes = changed(task, changes)
    if not changes and not reassigned:
        return
    for name, value in changes.items():
        setattr(task, name, value)
    task.updated_by = actor
    change.bump(task)
    task.save()
    if reassigned:
        log_change(
            incident,
            f"Task {task.title!r} reassigned from {before} to {_assignee_label(task)}.",
            actor=actor,
        )
    describe(
        change,
        "incident.task_updated",
        incident,
        changed=[*changes, *(ASSIGNMENT_FIELDS if reassigned else ())],
        **_assignment_payload(task),
    )


def change_task_status(
    task: Task, to: str, *, actor, note: str = "", expected_version: int | None = None
) -> Task:
    """Move a task along; a blocked task says what blocks it."""
    with _task_verb(
        task, actor=actor, expected_version=expected_version, permission=None
    ) as change:
        _change_task_status(change, change.row, to, note=note)
    return change.row


def _change_task_status(change: Change, task: Task, to: str, *, note: str) -> None:
    actor = change.actor
    permissions = policy.permissions_on(actor, task)
    policy.require(actor, "contribute", task, permissions)
    TaskWorkflow.for_reader(actor).check(task, to, permissions)
    note = note.strip()
    if to == TaskStatus.BLOCKED and not note:
        raise Invalid(Code.NOTE_REQUIRED, "Say what blocks the task.", field="note")
    before = task.status
    task.status = to
    task.status_note = note
    task.updated_by = actor
    change.bump(task)
    task.save(update_fields=["status", "status_note", "updated_by", "updated_at", "version"])
    text = f"Task {task.title!r} moved from {before} to {to}"
    log_change(task.incident, f"{text}: {note}" if note else f"{text}.", actor=actor)
    describe(
        change,
        "incident.task_status_changed",
        task.incident,
        changed=["status"],
        task=str(task.public_id),
        **{"from": before, "to": to},
    )
