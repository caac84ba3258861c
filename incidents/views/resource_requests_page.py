"""The resource requests tab of an incident (ICS 213RR): what agencies asked each other
for, where each request stands, and the workflow buttons.

Each step belongs to one side: the supplier approves or denies, assigns and dispatches;
the requester cancels and confirms delivery. A reader is offered exactly the steps
`ResourceRequestWorkflow` says their roles allow now (the verb checks again),
so a requester never sees the supplier's buttons and the other way round.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from coordination.errors import Conflict, Invalid, PreconditionFailed
from coordination.forms import STALE_EDIT
from incidents.forms.resource_requests import (
    KINDS_LIST_ID,
    RequestCreateForm,
    RequestEditForm,
    RequestFilterForm,
    StepForm,
)
from incidents.models import (
    COMMON_RESOURCE_KINDS,
    NOTE_REQUIRED,
    RESOURCE_STEPS,
    ResourceRequest,
    ResourceRequestStep,
    ResourceRequestWorkflow,
    ResourceStatus,
)
from incidents.services import resource_requests as verbs
from incidents.views.pages import incident_context, visible_incident_or_404
from sharing import policy

PAGE_SIZE = 50


@dataclass(frozen=True)
class StepAction:
    """How a step is offered: the button's words and, for a step that turns the request
    down for good, the question asked first."""

    label: str
    confirm: str = ""


STEP_ACTIONS = {
    ResourceStatus.APPROVED: StepAction("Approve"),
    ResourceStatus.DENIED: StepAction(
        "Deny",
        "Deny this request? The requesting agency is told you will not supply it; "
        "a denied request is final.",
    ),
    ResourceStatus.ASSIGNED: StepAction("Assign resources"),
    ResourceStatus.EN_ROUTE: StepAction("Dispatch (en route)"),
    ResourceStatus.DELIVERED: StepAction("Confirm delivery"),
    ResourceStatus.CANCELLED: StepAction(
        "Cancel request",
        "Cancel this request? The supplying agency stops working on it; "
        "a cancelled request is final.",
    ),
}


@dataclass(frozen=True)
class Step:
    """A step the reader may take now, with its own form (ids prefixed per step)."""

    to: str
    action: StepAction
    side: str
    form: StepForm


@dataclass(frozen=True)
class RequestRow:
    """One request in the list: its latest step, and the steps the reader may take."""

    rr: ResourceRequest
    last: ResourceRequestStep | None
    moves: list[str]


@dataclass(frozen=True)
class Reader:
    """What the reader may do to this incident's requests, read once for a whole list."""

    permissions: frozenset
    workflow: ResourceRequestWorkflow

    @classmethod
    def of(cls, request, permissions) -> "Reader":
        return cls(permissions, ResourceRequestWorkflow.for_reader(request.user))

    def steps(self, found: ResourceRequest) -> list[str]:
        return self.workflow.moves(found, self.permissions)

    def row(self, found: ResourceRequest) -> "RequestRow":
        steps = list(found.steps.all())
        moves = [STEP_ACTIONS[to].label for to in self.steps(found)]
        return RequestRow(found, steps[-1] if steps else None, moves)

    def may_edit(self, found: ResourceRequest) -> bool:
        return self.workflow.may_edit(found, self.permissions)


def _requests(incident):
    """The incident's requests, with their steps in one more query."""
    steps = ResourceRequestStep.objects.select_related("agency", "taken_by")
    return (
        ResourceRequest.objects.filter(incident=incident)
        .select_related("requesting_agency", "supplying_agency", "created_by")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("-number")
    )


def _request_or_404(request, incident, request_id) -> ResourceRequest:
    return policy.visible_or_404(request.user, _requests(incident), public_id=request_id)


def _detail_url(found) -> str:
    return reverse(
        "incident-resource-request-detail", args=[found.incident.public_id, found.public_id]
    )


def _page(request, context: dict, *, status: int = 200):
    return render(request, "incidents/resource_requests.html", context, status=status)


@login_required
@require_safe
def request_list(request, incident_id):
    """The requests table: who asked whom for what, where it stands, and whose move it is."""
    incident = visible_incident_or_404(request, incident_id)
    context = incident_context(request, incident, "resources")
    filters = RequestFilterForm(request.GET)
    page = Paginator(filters.narrow(policy.visible(request.user, _requests(incident))), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    reader = Reader.of(request, context["permissions"])
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        mode="list",
        filters=filters,
        filtered=bool(request.GET.get("status")),
        page=page,
        rows=[reader.row(found) for found in page],
        query=query.urlencode(),
    )
    return _page(request, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_create(request, incident_id):
    """Ask another agency taking part for resources, on behalf of one's own."""
    incident = visible_incident_or_404(request, incident_id)
    context = incident_context(request, incident, "resources")
    policy.require(request.user, "contribute", incident, context["permissions"])
    posted = request.POST if request.method == "POST" else None
    form = RequestCreateForm(posted, incident=incident, user=request.user)
    if form.is_bound and form.is_valid():
        try:
            created = verbs.request_resources(incident, actor=request.user, **form.arguments())
        except (Invalid, Conflict) as exc:
            form.add_service_error(exc)
        else:
            messages.success(
                request,
                f"RR-{created.number} sent to {created.supplying_agency.name}.",
            )
            return redirect(_detail_url(created))
    context.update(
        mode="create", form=form, kinds=COMMON_RESOURCE_KINDS, kinds_list_id=KINDS_LIST_ID
    )
    return _page(request, context, status=422 if form.is_bound else 200)


def _all_errors(form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


def _detail(request, incident, found, *, edit_form=None, failed=None, notice="", status=200):
    """One request: its facts, its steps so far, the reader's buttons and the edit form.

    `failed` is the step form that was refused, shown again with its errors.
    """
    context = incident_context(request, incident, "resources")
    reader = Reader.of(request, policy.permissions_on(request.user, found))
    steps = []
    for to in reader.steps(found):
        if failed is not None and failed.data.get("to") == to:
            form = failed
        else:
            form = StepForm(
                initial={"to": to, "version": found.version},
                auto_id=f"step-{to}-%s",
                note_required=to in NOTE_REQUIRED,
            )
        steps.append(Step(to, STEP_ACTIONS[to], RESOURCE_STEPS[(found.status, to)], form))
    may_edit = reader.may_edit(found)
    # A refused form that has no place on the page says what was wrong above it.
    if failed is not None and all(step.form is not failed for step in steps):
        notice = notice or _all_errors(failed)
    if edit_form is not None and not may_edit:
        notice = notice or _all_errors(edit_form)
    if may_edit and edit_form is None:
        edit_form = RequestEditForm(initial=RequestEditForm.values_of(found))
    context.update(
        mode="detail",
        rr=found,
        steps=steps,
        edit_form=edit_form if may_edit else None,
        kinds=COMMON_RESOURCE_KINDS,
        kinds_list_id=KINDS_LIST_ID,
        notice=notice,
    )
    return _page(request, context, status=status)


@login_required
@require_safe
def request_detail(request, incident_id, request_id):
    incident = visible_incident_or_404(request, incident_id)
    return _detail(request, incident, _request_or_404(request, incident, request_id))


@login_required
@require_POST
def request_update(request, incident_id, request_id):
    """Correct what was asked for, while nobody has acted on it (requester side)."""
    incident = visible_incident_or_404(request, incident_id)
    found = _request_or_404(request, incident, request_id)
    form = RequestEditForm(request.POST, initial=RequestEditForm.values_of(found))
    if form.is_valid():
        try:
            verbs.update_request(
                found,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            )
        except PreconditionFailed:
            current = _request_or_404(request, incident, request_id)
            fresh = RequestEditForm(RequestEditForm.values_of(current))
            return _detail(
                request, incident, current, edit_form=fresh, notice=STALE_EDIT, status=409
            )
        except Invalid as exc:
            form.add_service_error(exc)
        except Conflict as exc:
            current = _request_or_404(request, incident, request_id)
            return _detail(request, incident, current, notice=exc.message, status=409)
        else:
            messages.success(request, f"RR-{found.number} corrected.")
            return redirect(_detail_url(found))
    return _detail(request, incident, found, edit_form=form, status=422)


@login_required
@require_POST
def request_step(request, incident_id, request_id):
    """Take one step of the workflow for the side it belongs to."""
    incident = visible_incident_or_404(request, incident_id)
    found = _request_or_404(request, incident, request_id)
    to = request.POST.get("to", "")
    form = StepForm(request.POST, auto_id=f"step-{to}-%s", note_required=to in NOTE_REQUIRED)
    if form.is_valid():
        to = form.cleaned_data["to"]
        try:
            verbs.take_step(
                found,
                to,
                actor=request.user,
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            )
        except PreconditionFailed:
            current = _request_or_404(request, incident, request_id)
            return _detail(request, incident, current, notice=STALE_EDIT, status=409)
        except Invalid as exc:
            form.add_service_error(exc)
        except Conflict as exc:
            current = _request_or_404(request, incident, request_id)
            return _detail(request, incident, current, notice=exc.message, status=409)
        else:
            messages.success(
                request, f"RR-{found.number} is now {ResourceStatus(to).label.lower()}."
            )
            return redirect(_detail_url(found))
    return _detail(request, incident, found, failed=form, status=422)
