"""The resource requests tab of an incident (ICS 213RR): what agencies asked each other
for, where each request stands, and the workflow buttons.

Each step belongs to one side: the supplier approves or denies, assigns and dispatches;
the requester cancels and confirms delivery. A reader is offered exactly the steps
`ResourceRequestWorkflow` says their roles allow now (the verb checks again),
so a requester never sees the supplier's buttons and the other way round.
"""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from coordination.errors import Conflict, Invalid
from incidents import selectors
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
from incidents.views.base import Page, incident_page
from incidents.views.runner import finish, run
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


def _request_or_404(page: Page, request_id) -> ResourceRequest:
    return page.child(selectors.resource_requests(page.incident), public_id=request_id)


def _detail_url(found) -> str:
    return reverse(
        "incident-resource-request-detail", args=[found.incident.public_id, found.public_id]
    )


def _page(page: Page, context: dict, *, status: int = 200):
    return render(page.request, "incidents/resource_requests.html", context, status=status)


@incident_page(GET="view")
def request_list(page: Page):
    """The requests table: who asked whom for what, where it stands, and whose move it is."""
    request = page.request
    context = page.context("resources")
    filters = RequestFilterForm(request.GET)
    visible = policy.visible(page.user, selectors.resource_requests(page.incident))
    paged = Paginator(filters.narrow(visible), PAGE_SIZE).get_page(request.GET.get("page"))
    reader = Reader.of(request, page.permissions)
    query = request.GET.copy()
    query.pop("page", None)
    context.update(
        mode="list",
        filters=filters,
        filtered=bool(request.GET.get("status")),
        page=paged,
        rows=[reader.row(found) for found in paged],
        query=query.urlencode(),
    )
    return _page(page, context)


@incident_page(GET="contribute", POST="contribute")
def request_create(page: Page):
    """Ask another agency taking part for resources, on behalf of one's own."""
    incident = page.incident

    def bind(data):
        return RequestCreateForm(data, incident=incident, user=page.user)

    def again(form, status):
        context = page.context("resources")
        context.update(
            mode="create", form=form, kinds=COMMON_RESOURCE_KINDS, kinds_list_id=KINDS_LIST_ID
        )
        return _page(page, context, status=status)

    if page.request.method != "POST":
        return again(bind(None), 200)

    def sent(created):
        message = f"RR-{created.number} sent to {created.supplying_agency.name}."
        return finish(page.request, message, _detail_url(created))

    return run(
        bind,
        lambda form: verbs.request_resources(incident, actor=page.user, **form.arguments()),
        data=page.request.POST,
        done=sent,
        again=again,
        refusals={Invalid: 422, Conflict: 422},
    )


def _all_errors(form) -> str:
    return " ".join(message for errors in form.errors.values() for message in errors)


def _detail(page: Page, found, *, edit_form=None, failed=None, notice="", status=200):
    """One request: its facts, its steps so far, the reader's buttons and the edit form.

    `failed` is the step form that was refused, shown again with its errors.
    """
    context = page.context("resources")
    # A request has no marking of its own: the reader's permissions on the incident hold.
    reader = Reader.of(page.request, page.permissions)
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
    return _page(page, context, status=status)


@incident_page(GET="view")
def request_detail(page: Page, request_id):
    return _detail(page, _request_or_404(page, request_id))


def _answer_refusals(page: Page, request_id, found, shown: str):
    """How a refused change to a request comes back: its form beside the field (422), or,
    when the request moved meanwhile (409), the request as it is now, saying why."""

    def again(form, status):
        if status == 409:
            current = _request_or_404(page, request_id)
            return _detail(page, current, notice=_all_errors(form), status=409)
        return _detail(page, found, status=status, **{shown: form})

    def current(message):
        return _detail(page, _request_or_404(page, request_id), notice=message, status=409)

    return {"again": again, "current": current, "refusals": {Invalid: 422, Conflict: 409}}


@incident_page(POST="contribute")
def request_update(page: Page, request_id):
    """Correct what was asked for, while nobody has acted on it (requester side)."""
    found = _request_or_404(page, request_id)

    def correct(form):
        version = form.cleaned_data["version"]
        verbs.update_request(found, actor=page.user, expected_version=version, **form.changes())

    def current(message):
        fresh_request = _request_or_404(page, request_id)
        fresh = RequestEditForm(RequestEditForm.values_of(fresh_request))
        return _detail(page, fresh_request, edit_form=fresh, notice=message, status=409)

    answers = _answer_refusals(page, request_id, found, "edit_form")
    answers["current"] = current
    return run(
        lambda data: RequestEditForm(data, initial=RequestEditForm.values_of(found)),
        correct,
        data=page.request.POST,
        done=lambda _: finish(page.request, f"RR-{found.number} corrected.", _detail_url(found)),
        **answers,
    )


@incident_page(POST="contribute")
def request_step(page: Page, request_id):
    """Take one step of the workflow for the side it belongs to."""
    found = _request_or_404(page, request_id)
    to = page.request.POST.get("to", "")

    def step(form):
        data = form.cleaned_data
        verbs.take_step(
            found,
            data["to"],
            actor=page.user,
            note=data["note"],
            expected_version=data["version"],
        )
        return data["to"]

    def stepped(to):
        message = f"RR-{found.number} is now {ResourceStatus(to).label.lower()}."
        return finish(page.request, message, _detail_url(found))

    return run(
        lambda data: StepForm(data, auto_id=f"step-{to}-%s", note_required=to in NOTE_REQUIRED),
        step,
        data=page.request.POST,
        done=stepped,
        **_answer_refusals(page, request_id, found, "failed"),
    )
