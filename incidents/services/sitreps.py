"""Situation reports (ICS 209): the incident's state at a moment, signed and kept.

A report freezes what the incident looked like when issued (header, command, objectives,
open work, significant events) together with the author's casualty and damage figures.
Its digest is SHA-256 over a canonical JSON of everything it says and who said it when,
so a report changed behind the database's back no longer verifies.
"""

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone

from agencies.capabilities import Capability
from agencies.models import Agency
from coordination.errors import Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import (
    OPEN_REQUEST_STATUSES,
    OPEN_TASK_STATUSES,
    EntryKind,
    Incident,
    Objective,
    OperationalPeriod,
    Participant,
    Position,
    ResourceRequest,
    SituationReport,
    Task,
    TimelineEntry,
)
from incidents.services.actors import acting_agency
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.audit import label_of
from sharing import policy
from sharing.markings import no_looser_than

FIGURE_COUNTS = (
    "fatalities",
    "injured",
    "missing",
    "evacuated",
    "sheltered",
    "structures_destroyed",
    "structures_damaged",
)
FIGURE_NOTES = "notes"

SIGNIFICANT_KINDS = (EntryKind.DECISION, EntryKind.OBSERVATION, EntryKind.STATUS_CHANGE)
SIGNIFICANT_EVENTS = 20


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


def clean_figures(figures: dict) -> dict:
    """The author's figures: known counts as non-negative whole numbers, optional notes."""
    if not isinstance(figures, dict):
        raise Invalid(Code.INVALID_FIGURES, "Figures are an object of counts.", field="figures")
    unknown = sorted(set(figures) - {*FIGURE_COUNTS, FIGURE_NOTES})
    if unknown:
        raise Invalid(
            Code.INVALID_FIGURES, f"Unknown figures: {', '.join(unknown)}.", field="figures"
        )
    for name in FIGURE_COUNTS:
        value = figures.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or value < 0
        ):
            raise Invalid(
                Code.INVALID_FIGURES, f"{name} must be a whole number, 0 or more.", field="figures"
            )
    if not isinstance(figures.get(FIGURE_NOTES, ""), str):
        raise Invalid(Code.INVALID_FIGURES, "notes must be text.", field="figures")
    return {name: value for name, value in figures.items() if value is not None}


def _header(incident: Incident) -> dict:
    return {
        "id": str(incident.public_id),
        "reference": incident.reference,
        "title": incident.title,
        "type": incident.incident_type,
        "severity": incident.severity,
        "status": incident.status,
        "tlp": incident.tlp,
        "lead_agency": {"slug": incident.lead_agency.slug, "name": incident.lead_agency.name},
        "location": incident.location,
        "is_exercise": incident.is_exercise,
    }


def _participants(incident: Incident) -> list[dict]:
    active = (
        Participant.objects.taking_part(incident)
        .select_related("agency")
        .order_by("added_at", "id")
    )
    return [{"agency": p.agency.slug, "agency_name": p.agency.name, "part": p.part} for p in active]


def _period(period: OperationalPeriod | None) -> dict | None:
    if period is None:
        return None
    positions = (
        Position.objects.filter(period=period)
        .select_related("agency", "person")
        .order_by("kind", "name", "id")
    )
    objectives = Objective.objects.filter(period=period).order_by("order")
    return {
        "number": period.number,
        "starts_at": _iso(period.starts_at),
        "ends_at": _iso(period.ends_at),
        "positions": [
            {
                "kind": position.kind,
                "name": position.name,
                "person": _username(position.person),
                "agency": position.agency.slug,
            }
            for position in positions
        ],
        "objectives": [
            {"order": objective.order, "text": objective.text, "status": objective.status}
            for objective in objectives
        ],
    }


def _open_tasks(incident: Incident) -> list[dict]:
    tasks = (
        Task.objects.filter(incident=incident, status__in=OPEN_TASK_STATUSES)
        .select_related("assigned_agency", "assigned_person")
        .order_by("due_at", "id")
    )
    return [
        {
            "title": task.title,
            "assigned_agency": task.assigned_agency.slug if task.assigned_agency else None,
            "assigned_person": _username(task.assigned_person),
            "due_at": _iso(task.due_at),
            "priority": task.priority,
            "status": task.status,
        }
        for task in tasks
    ]


def _resource_requests(incident: Incident) -> dict:
    requests = ResourceRequest.objects.filter(incident=incident)
    counts = dict(
        requests.order_by()
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    still_open = (
        requests.filter(status__in=OPEN_REQUEST_STATUSES)
        .select_related("requesting_agency", "supplying_agency")
        .order_by("number")
    )
    return {
        "counts": {status: counts[status] for status in sorted(counts)},
        "open": [
            {
                "number": request.number,
                "resource_kind": request.resource_kind,
                "resource_type": request.resource_type,
                "quantity": request.quantity,
                "requesting_agency": request.requesting_agency.slug,
                "supplying_agency": request.supplying_agency.slug,
                "needed_by": _iso(request.needed_by),
                "priority": request.priority,
                "status": request.status,
            }
            for request in still_open
        ],
    }


def _significant_events(incident: Incident) -> list[dict]:
    """The latest decisions, observations and status changes marked no more strictly than
    the incident: the report carries the incident's marking, so a stricter line, and
    anything it says, stays out of it."""
    within = no_looser_than(incident.tlp)
    entries = (
        TimelineEntry.objects.filter(incident=incident, kind__in=SIGNIFICANT_KINDS, tlp__in=within)
        .select_related("agency")
        .order_by("-occurred_at", "-id")[:SIGNIFICANT_EVENTS]
    )
    return [
        {
            "id": str(entry.public_id),
            "kind": entry.kind,
            "text": entry.text,
            "tlp": entry.tlp,
            "author": entry.author_label,
            "agency": entry.agency.slug if entry.agency else None,
            "occurred_at": _iso(entry.occurred_at),
        }
        for entry in entries
    ]


def _current_period(incident: Incident) -> OperationalPeriod | None:
    return OperationalPeriod.objects.filter(incident=incident, is_current=True).first()


def build_snapshot(incident: Incident, period: OperationalPeriod | None = None) -> dict:
    """The incident (with its lead agency loaded) as it stands now, in a fixed number of
    queries whatever its size."""
    return {
        "incident": _header(incident),
        "participants": _participants(incident),
        "period": _period(period),
        "open_tasks": _open_tasks(incident),
        "resource_requests": _resource_requests(incident),
        "significant_events": _significant_events(incident),
    }


def preview(incident: Incident, *, actor) -> dict:
    """What a report issued now would say (contribute); nothing is kept."""
    policy.require(actor, "contribute", incident)
    incident = Incident.objects.select_related("lead_agency").get(pk=incident.pk)
    return {
        "tlp": incident.tlp,
        "snapshot": build_snapshot(incident, _current_period(incident)),
    }


def signed_content(report: SituationReport) -> dict[str, Any]:
    """Everything the digest vouches for."""
    return {
        "incident": str(report.incident.public_id),
        "number": report.number,
        "tlp": report.tlp,
        "summary": report.summary,
        "figures": report.figures,
        "snapshot": report.snapshot,
        "author": report.author_label,
        "agency": report.agency.slug,
        "issued_at": report.issued_at.astimezone(UTC).isoformat(),
    }


def compute_digest(report: SituationReport) -> str:
    canonical = json.dumps(
        signed_content(report), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def verify(report: SituationReport) -> bool:
    """Whether the report still says exactly what was signed when it was issued."""
    return compute_digest(report) == report.digest


def issue_sitrep(
    incident: Incident,
    *,
    actor,
    summary: str = "",
    figures: dict | None = None,
    agency: Agency | None = None,
) -> SituationReport:
    """Issue the next situation report (contribute), marked as the incident is now.

    The incident's row is locked while the report is numbered and its snapshot taken, so
    two reports issued at once get consecutive numbers and each sees a settled incident.
    """
    with incident_verb(incident, actor=actor, permission="contribute") as change:
        incident = change.row
        figures = clean_figures(figures or {})
        agency = acting_agency(actor, incident, Capability.CONTRIBUTE, named=agency)
        period = _current_period(incident)
        last = SituationReport.objects.filter(incident=incident).aggregate(last=Max("number"))[
            "last"
        ]
        report = SituationReport(
            incident=incident,
            number=(last or 0) + 1,
            period=period,
            tlp=incident.tlp,
            summary=summary,
            figures=figures,
            snapshot=build_snapshot(incident, period),
            author=actor,
            author_label=label_of(actor),
            agency=agency,
            issued_at=timezone.now(),
        )
        report.digest = compute_digest(report)
        report.save()
        log_change(
            incident,
            f"Situation report {report.number} issued by {report.author_label} ({agency.name}).",
            actor=actor,
            agency=agency,
        )
        describe(
            change,
            "incident.sitrep_issued",
            incident,
            sitrep=str(report.public_id),
            number=report.number,
        )
        return report
