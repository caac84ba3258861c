"""The situation report (ICS 209): the incident's state at a moment, as issued and kept.

A report freezes what the incident looked like when issued (header, command, objectives,
open work, significant events) together with the author's casualty and damage figures;
`build_snapshot` reads that state for the verb that issues it and for the preview. Its
digest is SHA-256 over a canonical JSON of everything it says and who said it when, so
a report changed behind the database's back no longer verifies.
"""

import hashlib
import json
from datetime import UTC
from typing import Any

from django.db.models import Count, QuerySet

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
# The largest count a report may give: more than any region's population, so a real
# figure always fits and a slip of the keyboard is refused.
MAX_FIGURE = 100_000_000
FIGURE_LABELS = (
    ("fatalities", "Fatalities"),
    ("injured", "Injured"),
    ("missing", "Missing"),
    ("evacuated", "Evacuated"),
    ("sheltered", "Sheltered"),
    ("structures_destroyed", "Structures destroyed"),
    ("structures_damaged", "Structures damaged"),
)

SIGNIFICANT_KINDS = (EntryKind.DECISION, EntryKind.OBSERVATION, EntryKind.STATUS_CHANGE)
SIGNIFICANT_EVENTS = 20


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


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


def current_period(incident: Incident) -> OperationalPeriod | None:
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
        "snapshot": build_snapshot(incident, current_period(incident)),
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


def issued_reports() -> QuerySet:
    """Situation reports with what the printable form shows."""
    return SituationReport.objects.select_related("incident__lead_agency", "agency", "period")


def figure_rows(figures: dict) -> list[tuple[str, int | None]]:
    """The figures as the form lists them: (label, count or None), in the form's order."""
    return [(label, figures.get(name)) for name, label in FIGURE_LABELS]


def ics209(report: SituationReport) -> dict:
    """The printable ICS 209: the report as issued, and whether it still matches its
    signature."""
    return {
        "report": report,
        "snapshot": report.snapshot,
        "figures": figure_rows(report.figures),
        "notes": report.figures.get(FIGURE_NOTES, ""),
        "verified": verify(report),
    }
