"""The lifecycles of an incident, a task and a resource request, each in one place.

Each workflow answers one question, "which moves may this reader make now", to both
sides that need it: the page or API that offers buttons (`moves`) and the verb that
enforces (`check`, which raises the refusal the verb returns). A verb asks `check` after
it has locked the row and required its permission; what it writes stays in the verb.
"""

from django.db import models

from agencies.access import agency_ids_with
from agencies.capabilities import Capability
from coordination.errors import Conflict, Forbidden, Invalid, ServiceError
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models.incident import Incident, IncidentStatus
from incidents.models.work import ResourceRequest, ResourceStatus, Task, TaskStatus

# An incident moves forward one step at a time; a contained incident may flare up
# again, and a closed one may be reopened.
TRANSITIONS: dict[str, frozenset[str]] = {
    IncidentStatus.REPORTED: frozenset({IncidentStatus.ACTIVE}),
    IncidentStatus.ACTIVE: frozenset({IncidentStatus.CONTAINED}),
    IncidentStatus.CONTAINED: frozenset({IncidentStatus.CLOSED, IncidentStatus.ACTIVE}),
    IncidentStatus.CLOSED: frozenset({IncidentStatus.ACTIVE}),
}


class IncidentWorkflow:
    """reported -> active -> contained -> closed, moved by those who command it."""

    @staticmethod
    def moves(incident: Incident, permissions: frozenset[str]) -> list[str]:
        """The statuses a reader with `permissions` on the incident may move it to now."""
        return sorted(TRANSITIONS[incident.status]) if "command" in permissions else []

    @staticmethod
    def check(incident: Incident, to: str) -> None:
        """Refuse a move the lifecycle does not allow from where the incident stands."""
        if to not in IncidentStatus.values:
            raise Invalid(Code.INVALID_TRANSITION, f"Unknown status {to!r}.", field="status")
        if to not in TRANSITIONS[incident.status]:
            allowed = ", ".join(sorted(TRANSITIONS[incident.status]))
            raise Conflict(
                Code.INVALID_TRANSITION,
                f"An incident that is {incident.status} can go to {allowed}, not {to}.",
                field="status",
            )


# A task moves freely between the working states; done may be reopened, cancelled is final.
TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset(
        {TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.DONE, TaskStatus.CANCELLED}
    ),
    TaskStatus.IN_PROGRESS: frozenset(
        {TaskStatus.OPEN, TaskStatus.BLOCKED, TaskStatus.DONE, TaskStatus.CANCELLED}
    ),
    TaskStatus.BLOCKED: frozenset({TaskStatus.OPEN, TaskStatus.IN_PROGRESS, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset({TaskStatus.OPEN}),
    TaskStatus.CANCELLED: frozenset(),
}


class TaskWorkflow:
    """Who may move a task, and where to. Command may move any task; someone who may only
    contribute moves the tasks given to them or to an agency where they contribute, so
    one agency's field teams cannot close another's work.

    Made once per reader (`for_reader`, one query), it answers for a whole list of tasks
    without more; `permissions` are the reader's on the task (or on its incident).
    """

    def __init__(self, actor, agency_ids: frozenset):
        self.actor = actor
        self.agency_ids = agency_ids

    @classmethod
    def for_reader(cls, actor) -> "TaskWorkflow":
        return cls(actor, agency_ids_with(actor, Capability.CONTRIBUTE))

    def may_move(self, task: Task, permissions: frozenset[str]) -> bool:
        if "command" in permissions:
            return True
        if "contribute" not in permissions:
            return False
        given_to_them = task.assigned_person_id == self.actor.pk
        return given_to_them or task.assigned_agency_id in self.agency_ids

    def moves(self, task: Task, permissions: frozenset[str]) -> list[str]:
        """The statuses the reader may move the task to now, in lifecycle order."""
        if not self.may_move(task, permissions):
            return []
        return [status for status in TaskStatus.values if status in TASK_TRANSITIONS[task.status]]

    def check(self, task: Task, to: str, permissions: frozenset[str]) -> None:
        """Refuse a move that is not the reader's, or that the lifecycle does not allow."""
        if not self.may_move(task, permissions):
            raise Forbidden(
                Code.NOT_ASSIGNED,
                "You may update only tasks assigned to you or to your agency.",
            )
        if to not in TaskStatus.values:
            raise Invalid(Code.INVALID_TRANSITION, f"Unknown status {to!r}.", field="status")
        allowed = TASK_TRANSITIONS[task.status]
        if to not in allowed:
            onward = ", ".join(sorted(allowed)) or "nothing (it is final)"
            raise Conflict(
                Code.INVALID_TRANSITION,
                f"A task that is {task.status} can go to {onward}, not {to}.",
                field="status",
                allowed=sorted(allowed),
            )


class RequestSide(models.TextChoices):
    REQUESTER = "requester", "Requesting agency"
    SUPPLIER = "supplier", "Supplying agency"


# Each step of an ICS 213RR and the side that may take it: the supplier approves (or
# denies), assigns and dispatches; the requester cancels before dispatch and confirms
# delivery.
RESOURCE_STEPS: dict[tuple[str, str], str] = {
    (ResourceStatus.REQUESTED, ResourceStatus.APPROVED): RequestSide.SUPPLIER,
    (ResourceStatus.REQUESTED, ResourceStatus.DENIED): RequestSide.SUPPLIER,
    (ResourceStatus.APPROVED, ResourceStatus.ASSIGNED): RequestSide.SUPPLIER,
    (ResourceStatus.ASSIGNED, ResourceStatus.EN_ROUTE): RequestSide.SUPPLIER,
    (ResourceStatus.EN_ROUTE, ResourceStatus.DELIVERED): RequestSide.REQUESTER,
    (ResourceStatus.REQUESTED, ResourceStatus.CANCELLED): RequestSide.REQUESTER,
    (ResourceStatus.APPROVED, ResourceStatus.CANCELLED): RequestSide.REQUESTER,
    (ResourceStatus.ASSIGNED, ResourceStatus.CANCELLED): RequestSide.REQUESTER,
}
# The supplier's steps commit its people and equipment, so they need a role there that
# may command; the requester's need a role there that may contribute.
SIDE_CAPABILITY = {
    RequestSide.SUPPLIER: Capability.COMMAND,
    RequestSide.REQUESTER: Capability.CONTRIBUTE,
}
# Steps that turn a request down must say why.
NOTE_REQUIRED = frozenset({ResourceStatus.DENIED, ResourceStatus.CANCELLED})


def _side_agency(request: ResourceRequest, side: str):
    """The agency whose step it is on that side of the request."""
    return request.supplying_agency if side == RequestSide.SUPPLIER else request.requesting_agency


class ResourceRequestWorkflow:
    """Which steps of a resource request a reader may take: each step belongs to one side,
    taken by a role of that side's agency carrying the side's capability, by a reader
    who may contribute to the request.

    Made once per reader (`for_reader`, one query per side), it answers for a whole list
    of requests without more; `permissions` are the reader's on the request (or on its
    incident).
    """

    def __init__(self, agency_ids: dict[str, frozenset]):
        self.agency_ids = agency_ids

    @classmethod
    def for_reader(cls, actor) -> "ResourceRequestWorkflow":
        return cls(
            {
                side: agency_ids_with(actor, capability)
                for side, capability in SIDE_CAPABILITY.items()
            }
        )

    def _takes_side(self, request: ResourceRequest, side: str) -> bool:
        return _side_agency(request, side).pk in self.agency_ids[side]

    def moves(self, request: ResourceRequest, permissions: frozenset[str]) -> list[str]:
        """The statuses the reader may move the request to now."""
        if "contribute" not in permissions:
            return []
        return sorted(
            to
            for (start, to), side in RESOURCE_STEPS.items()
            if start == request.status and self._takes_side(request, side)
        )

    def may_edit(self, request: ResourceRequest, permissions: frozenset[str]) -> bool:
        """Whether the reader may correct what is asked for: the requester, while nobody
        has acted on it yet."""
        return "contribute" in permissions and self._edit_refusal(request) is None

    def check_edit(self, request: ResourceRequest) -> None:
        """Refuse a correction by the supplier's side, or of a request already acted on."""
        refusal = self._edit_refusal(request)
        if refusal is not None:
            raise refusal

    def _edit_refusal(self, request: ResourceRequest) -> ServiceError | None:
        if request.requesting_agency_id not in self.agency_ids[RequestSide.REQUESTER]:
            requester = request.requesting_agency.name
            return Forbidden(Code.WRONG_SIDE, f"Only {requester} may change what it asked for.")
        if request.status != ResourceStatus.REQUESTED:
            return Conflict(
                Code.REQUEST_NOT_EDITABLE,
                f"RR-{request.number} is {request.status}; only a request not yet acted on can "
                "change. Cancel it and request again.",
            )
        return None

    def check(self, request: ResourceRequest, to: str):
        """Refuse a step the lifecycle does not allow or that is the other side's; return
        the agency the step is taken for."""
        if to not in ResourceStatus.values:
            raise Invalid(Code.INVALID_TRANSITION, f"Unknown status {to!r}.", field="status")
        side = RESOURCE_STEPS.get((request.status, to))
        if side is None:
            onward = sorted(target for start, target in RESOURCE_STEPS if start == request.status)
            raise Conflict(
                Code.INVALID_TRANSITION,
                f"A request that is {request.status} can go to "
                f"{', '.join(onward) or 'nothing (it is final)'}, not {to}.",
                field="status",
                allowed=onward,
            )
        if not self._takes_side(request, side):
            agency = _side_agency(request, side)
            raise Forbidden(
                Code.WRONG_SIDE,
                f"Moving this request to {to} is for {agency.name}, by a role there that may "
                f"{SIDE_CAPABILITY[side].value}.",
                field="status",
            )
        return _side_agency(request, side)
