"""The incident's command tab: who takes part, the operational periods and their
objectives, and the ICS organization of one period, drawn as a chart.

Everything is read through the sharing policy (the incident by the page base, its
participants, periods and positions by `policy.visible`), and the number of queries
does not grow with the number of participants, periods or positions. The action views in
`command_actions` re-render this page (or, for htmx, its sections) with their bound
forms when a verb refuses, so errors appear beside the fields that caused them.
"""

from django.shortcuts import render
from django.utils import timezone

from agencies.models import Agency
from incidents import selectors
from incidents.forms.command import (
    Holder,
    ObjectiveAddForm,
    ObjectiveStatusForm,
    ParticipantAddForm,
    ParticipantPartForm,
    PeriodEditForm,
    PeriodOpenForm,
    PositionFillForm,
    PositionReassignForm,
    ProposalAcceptForm,
    VersionForm,
)
from incidents.ics.orgchart import CHART_ORDER, staffed_chart
from incidents.models import (
    OperationalPeriod,
    ParticipantPart,
    ParticipantStatus,
    Position,
)
from incidents.services.command import NAMED_KINDS, SUPERVISING_KINDS
from incidents.views.base import Page, incident_page
from sharing import policy
from sharing.access import Access


def holders_for(incident) -> list[Holder]:
    """The people who may fill a post: active members of the agencies taking part (API
    clients' service accounts are not people). One query."""
    return [Holder(str(m.pk), m.user, m.agency) for m in selectors.holders(incident)]


def holder_key(holders, position: Position) -> str:
    for holder in holders:
        if holder.person.pk == position.person_id and holder.agency.pk == position.agency_id:
            return holder.key
    return ""


def addable_agencies(incident, participants) -> list[Agency]:
    """Active agencies not already taking part or proposed (those are accepted instead)."""
    present = {participant.agency_id for participant in participants}
    present.add(incident.lead_agency_id)
    return [agency for agency in selectors.active_agencies() if agency.pk not in present]


def auto_id(key) -> str:
    """The id pattern of the form the tab keys as `key`, so a refused form comes back with
    the ids it left with: "period_open" -> "period-open-%s", ("part", slug) -> "part-<slug>-%s"."""
    name, *ids = key if isinstance(key, tuple) else (key,)
    return "-".join([name.replace("_", "-"), *map(str, ids)]) + "-%s"


def choose_period(periods: list[OperationalPeriod], number) -> OperationalPeriod | None:
    """The period asked for by number, else the current one, else the latest planned."""
    by_number = {period.number: period for period in periods}
    if number is not None and str(number).isdigit() and int(number) in by_number:
        return by_number[int(number)]
    current = next((period for period in periods if period.is_current), None)
    return current or (periods[-1] if periods else None)


def _participant_rows(page: Page, bound, commanding):
    participants = list(
        policy.visible(page.user, selectors.participant_rows(page.incident), "view")
    )
    rows = []
    for participant in participants:
        slug = participant.agency.slug
        row = {
            "participant": participant,
            "level": Access(participant.share.level).label if participant.share else "",
            "is_lead": participant.part == ParticipantPart.LEAD,
            "is_proposed": participant.status == ParticipantStatus.PROPOSED,
        }
        if commanding and not row["is_lead"]:
            if row["is_proposed"]:
                row["accept_form"] = bound.get(("accept", slug)) or ProposalAcceptForm(
                    auto_id=auto_id(("accept", slug))
                )
            else:
                row["part_form"] = bound.get(("part", slug)) or ParticipantPartForm(
                    initial={"part": participant.part, "version": participant.version},
                    auto_id=auto_id(("part", slug)),
                )
        rows.append(row)
    return participants, rows


def _period_rows(page: Page, bound, commanding):
    periods = list(
        policy.visible(page.user, selectors.periods(page.incident), "view").order_by("starts_at")
    )
    rows = []
    for period in periods:
        row = {"period": period}
        if commanding and not period.is_current:
            row["activate_form"] = bound.get(("activate", period.number)) or VersionForm(
                initial={"version": period.version}, auto_id=auto_id(("activate", period.number))
            )
        rows.append(row)
    return periods, rows


def _period_forms(period, bound) -> dict:
    """The forms of the selected period, for those who command."""
    objectives = [
        {
            "objective": objective,
            "form": bound.get(("objective", objective.order))
            or ObjectiveStatusForm(
                initial={"status": objective.status, "version": period.version},
                auto_id=auto_id(("objective", objective.order)),
            ),
        }
        for objective in period.objectives.all()
    ]
    return {
        "objective_rows": objectives,
        "edit_form": bound.get("period_edit")
        or PeriodEditForm(initial=PeriodEditForm.values_of(period), auto_id=auto_id("period_edit")),
        "objective_add_form": bound.get("objective_add")
        or ObjectiveAddForm(initial={"version": period.version}, auto_id=auto_id("objective_add")),
    }


def _position_rows(page: Page, period, bound, commanding, open_for_changes, holders):
    positions = sorted(
        policy.visible(page.user, selectors.chart_positions(period), "view"),
        key=lambda p: (CHART_ORDER[p.kind], p.agency.name, p.name.lower(), p.pk),
    )
    rows = []
    for position in positions:
        row = {"position": position}
        if commanding and open_for_changes:
            key = ("reassign", str(position.public_id))
            row["form"] = bound.get(key) or PositionReassignForm(
                initial={
                    "holder": holder_key(holders, position),
                    "name": position.name,
                    "version": position.version,
                },
                holders=holders,
                named=position.kind in NAMED_KINDS,
                auto_id=auto_id(("reassign", position.public_id)),
            )
        rows.append(row)
    supervisors = [p for p in positions if p.kind in SUPERVISING_KINDS]
    return rows, supervisors


def command_context(page: Page, *, number=None, bound=None) -> dict:
    """Everything the tab shows; `bound` holds forms a failed action hands back, keyed
    as the rows look them up ("participant_add", ("part", agency slug), ...)."""
    bound = bound or {}
    incident = page.incident
    context = page.context("command")
    commanding = page.may("command")
    participants, participant_rows = _participant_rows(page, bound, commanding)
    periods, period_rows = _period_rows(page, bound, commanding)
    period = choose_period(periods, number)
    context.update(
        {
            "commanding": commanding,
            "participant_rows": participant_rows,
            "period_rows": period_rows,
            "period": period,
            "remove_consequences": (
                "Their access to this incident is revoked at once, the positions their people "
                "hold in the current and later operational periods are vacated, and their open "
                "tasks are handed back to the incident."
            ),
        }
    )
    if commanding:
        context["participant_add_form"] = bound.get("participant_add") or ParticipantAddForm(
            agencies=addable_agencies(incident, participants), auto_id=auto_id("participant_add")
        )
        context["period_open_form"] = bound.get("period_open") or PeriodOpenForm(
            auto_id=auto_id("period_open")
        )
    if period is None:
        return context
    open_for_changes = period.ends_at > timezone.now()
    holders = holders_for(incident) if commanding and open_for_changes else []
    position_rows, supervisors = _position_rows(
        page, period, bound, commanding, open_for_changes, holders
    )
    context.update(
        {
            "chart": staffed_chart(period),
            "position_rows": position_rows,
            "open_for_changes": open_for_changes,
            "objective_rows": [{"objective": o} for o in period.objectives.all()],
        }
    )
    if commanding:
        context.update(_period_forms(period, bound))
        if open_for_changes:
            context["position_fill_form"] = bound.get("position_fill") or PositionFillForm(
                holders=holders, supervisors=supervisors, auto_id=auto_id("position_fill")
            )
    return context


def render_command(page: Page, *, number=None, bound=None, status=200):
    """The whole tab, or only its sections when htmx asks (the forms target them)."""
    context = command_context(page, number=number, bound=bound)
    htmx = page.request.htmx
    template = "incidents/command/_sections.html" if htmx else "incidents/command.html"
    return render(page.request, template, context, status=status)


@incident_page(GET="view")
def command_tab(page: Page):
    """The command tab; `?period=<number>` picks the period shown (default: current)."""
    return render_command(page, number=page.request.GET.get("period"))
