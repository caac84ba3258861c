"""Resource requests between the agencies of an incident (ICS 213RR).

A request runs between two agencies taking part; which side may take which step, and
who may correct a request, is `ResourceRequestWorkflow`'s to say. Every step is kept as
a row and as a line in the incident's log.
"""

from django.core.exceptions import ValidationError
from django.db.models import Max

from agencies.capabilities import Capability
from agencies.geo import parse_point
from agencies.models import Agency
from coordination.concurrency import changed
from coordination.errors import Conflict, Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import (
    MAX_QUANTITY,
    NOTE_REQUIRED,
    Incident,
    Priority,
    ResourceRequest,
    ResourceRequestStep,
    ResourceRequestWorkflow,
    ResourceStatus,
    agencies_taking_part,
)
from incidents.services.actors import acting_agency
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.verbs import Change, verb
from sharing import policy

EDITABLE_FIELDS = (
    "resource_kind",
    "resource_type",
    "quantity",
    "details",
    "needed_by",
    "delivery_location",
    "delivery_point",
    "priority",
)


def _is_participating(incident: Incident, agency: Agency) -> bool:
    return agencies_taking_part(incident).filter(pk=agency.pk).exists()


def _check_fields(fields: dict) -> None:
    if "quantity" in fields and (
        isinstance(fields["quantity"], bool)
        or not isinstance(fields["quantity"], int)
        or not 1 <= fields["quantity"] <= MAX_QUANTITY
    ):
        raise Invalid(
            Code.INVALID_QUANTITY,
            f"Ask for at least one and at most {MAX_QUANTITY:,}.",
            field="quantity",
        )
    if "resource_kind" in fields and not str(fields["resource_kind"]).strip():
        raise Invalid(Code.INVALID, "Name the kind of resource.", field="resource_kind")
    if "priority" in fields and fields["priority"] not in Priority.values:
        raise Invalid(Code.INVALID, f"Unknown priority {fields['priority']!r}.", field="priority")
    if fields.get("delivery_point") is not None:
        try:
            parse_point(fields["delivery_point"])
        except ValidationError as exc:
            raise Invalid(Code.INVALID_LOCATION, exc.messages[0], field="delivery_point") from exc


def request_resources(
    incident: Incident,
    *,
    actor,
    supplying_agency: Agency,
    resource_kind: str,
    quantity: int,
    requesting_agency: Agency | None = None,
    resource_type: str = "",
    details: str = "",
    needed_by=None,
    delivery_location: str = "",
    delivery_point: dict | None = None,
    priority: str = Priority.NORMAL,
) -> ResourceRequest:
    """Ask another agency taking part for resources, on behalf of one's own.

    The incident's row is locked while the request takes the next number, so two
    requests made at once never share one.
    """
    with incident_verb(incident, actor=actor, permission="contribute") as change:
        incident = change.row
        requester = acting_agency(actor, incident, Capability.CONTRIBUTE, named=requesting_agency)
        if not _is_participating(incident, requester):
            raise Conflict(
                Code.NOT_PARTICIPATING,
                f"{requester.name} does not take part in this incident.",
                field="requesting_agency",
            )
        if supplying_agency.pk == requester.pk:
            raise Invalid(
                Code.SAME_AGENCY,
                f"{requester.name} cannot request resources from itself.",
                field="supplying_agency",
            )
        if not _is_participating(incident, supplying_agency):
            raise Conflict(
                Code.SUPPLIER_NOT_PARTICIPATING,
                f"{supplying_agency.name} does not take part in this incident; add it first.",
                field="supplying_agency",
            )
        fields = {
            "resource_kind": resource_kind.strip(),
            "resource_type": resource_type.strip(),
            "quantity": quantity,
            "details": details,
            "needed_by": needed_by,
            "delivery_location": delivery_location,
            "delivery_point": delivery_point,
            "priority": priority,
        }
        _check_fields(fields)
        last = incident.resource_requests.aggregate(last=Max("number"))["last"] or 0
        request = ResourceRequest.objects.create(
            incident=incident,
            number=last + 1,
            requesting_agency=requester,
            supplying_agency=supplying_agency,
            created_by=actor,
            **fields,
        )
        ResourceRequestStep.objects.create(
            request=request, to_status=ResourceStatus.REQUESTED, agency=requester, taken_by=actor
        )
        log_change(
            incident,
            f"RR-{request.number}: {requester.name} requests {quantity} x {request.resource_kind}"
            f" from {supplying_agency.name}.",
            actor=actor,
            agency=requester,
        )
        describe(
            change,
            "incident.resource_requested",
            incident,
            request=str(request.public_id),
            number=request.number,
        )
        return request


def _request_verb(request: ResourceRequest, *, actor, expected_version: int | None):
    """The verb skeleton on a request's row (its incident and both agencies loaded), for
    those who may contribute to it; which side may take a step is the verb's to ask."""
    return verb(
        actor=actor,
        lock=ResourceRequest.objects.select_related(
            "incident", "requesting_agency", "supplying_agency"
        ).filter(pk=request.pk),
        expected_version=expected_version,
        require=lambda row: policy.require(actor, "contribute", row),
    )


def take_step(
    request: ResourceRequest,
    to: str,
    *,
    actor,
    note: str = "",
    expected_version: int | None = None,
) -> ResourceRequest:
    """Move a request one step along its lifecycle, for the side that step belongs to."""
    with _request_verb(request, actor=actor, expected_version=expected_version) as change:
        _take_step(change, change.row, to, note=note)
    return change.row


def _take_step(change: Change, request: ResourceRequest, to: str, *, note: str) -> None:
    actor = change.actor
    agency = ResourceRequestWorkflow.for_reader(actor).check(request, to)
    note = note.strip()
    if to in NOTE_REQUIRED and not note:
        raise Invalid(Code.NOTE_REQUIRED, f"Say why the request is {to}.", field="note")
    before = request.status
    request.status = to
    change.bump(request)
    request.save(update_fields=["status", "updated_at", "version"])
    ResourceRequestStep.objects.create(
        request=request, from_status=before, to_status=to, agency=agency, note=note, taken_by=actor
    )
    text = f"RR-{request.number} {request.resource_kind}: {before} -> {to} by {agency.name}"
    log_change(
        request.incident, f"{text}: {note}" if note else f"{text}.", actor=actor, agency=agency
    )
    describe(
        change,
        "incident.resource_request_step",
        request.incident,
        changed=["status"],
        request=str(request.public_id),
        **{"from": before, "to": to},
    )


def update_request(
    request: ResourceRequest, *, actor, expected_version: int | None = None, **changes
) -> ResourceRequest:
    """Correct what is asked for, while nobody has acted on it yet (requester side)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise Invalid(Code.INVALID, f"Not an editable field: {', '.join(sorted(unknown))}.")
    with _request_verb(request, actor=actor, expected_version=expected_version) as change:
        request = change.row
        ResourceRequestWorkflow.for_reader(actor).check_edit(request)
        if "resource_kind" in changes:
            changes["resource_kind"] = changes["resource_kind"].strip()
        _check_fields(changes)
        changes = changed(request, changes)
        if not changes:
            return request
        for name, value in changes.items():
            setattr(request, name, value)
        change.bump(request)
        request.save()
        describe(
            change,
            "incident.resource_request_updated",
            request.incident,
            changed=changes,
            request=str(request.public_id),
        )
        return request
