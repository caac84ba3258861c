"""Issuing situation reports (ICS 209): numbered, marked as the incident is, signed and
kept. What a report says, and its signature, are built in `incidents.ics.sitrep`."""

from django.db.models import Max
from django.utils import timezone

from agencies.capabilities import Capability
from agencies.models import Agency
from coordination.errors import Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.ics.sitrep import (
    FIGURE_COUNTS,
    FIGURE_NOTES,
    MAX_FIGURE,
    build_snapshot,
    compute_digest,
    current_period,
)
from incidents.models import Incident, SituationReport
from incidents.services.actors import acting_agency
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.audit import label_of


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
            isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_FIGURE
        ):
            raise Invalid(
                Code.INVALID_FIGURES,
                f"{name} must be a whole number from 0 to {MAX_FIGURE:,}.",
                field="figures",
            )
    if not isinstance(figures.get(FIGURE_NOTES, ""), str):
        raise Invalid(Code.INVALID_FIGURES, "notes must be text.", field="figures")
    return {name: value for name, value in figures.items() if value is not None}


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
        period = current_period(incident)
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
