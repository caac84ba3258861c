"""The verbs of unified command: operational periods (ICS 202) and who fills which ICS
position in them (ICS 203/207).

Periods of one incident never overlap and exactly one is current once any exists; every
verb that creates or moves a period locks the incident's row first, so two commanders
planning at once cannot both slip a period into the same gap. Positions are filled only
by people (never API clients) holding a role in an agency that takes part, in a period
that has not ended; filling locks the period's row, so two fills of one post queue up.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from agencies.access import member_agencies
from agencies.models import Agency, ApiClient
from coordination.concurrency import changed
from coordination.errors import Conflict, Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import (
    Incident,
    Objective,
    ObjectiveStatus,
    OperationalPeriod,
    Participant,
    Position,
    PositionKind,
)
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.verbs import Change, verb
from sharing import policy

PERIOD_TEXTS = ("command_emphasis", "situational_awareness", "weather", "safety_message")

# Objectives still to be achieved when a period closes; carried into the next one.
UNFINISHED_OBJECTIVES = (ObjectiveStatus.OPEN, ObjectiveStatus.IN_PROGRESS, ObjectiveStatus.NOT_MET)

# Branches, divisions and groups are named ("Division A") and report to another
# position; every other kind is one fixed post whose place the chart knows.
NAMED_KINDS = frozenset(
    {PositionKind.BRANCH_DIRECTOR, PositionKind.DIVISION_SUPERVISOR, PositionKind.GROUP_SUPERVISOR}
)
# Who a branch, division or group may report to: the operations section or another of them.
SUPERVISING_KINDS = NAMED_KINDS | {PositionKind.OPERATIONS_SECTION_CHIEF}


@dataclass(frozen=True)
class ObjectiveInput:
    """One objective as a period lists it; its order is its place in the list."""

    text: str
    status: str = ObjectiveStatus.OPEN


def _check_span(incident: Incident, starts_at: datetime, ends_at: datetime, *, moving=None):
    if ends_at <= starts_at:
        raise Invalid(
            Code.PERIOD_ENDS_BEFORE_START,
            "An operational period must end after it starts.",
            field="ends_at",
        )
    others = incident.periods.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    clash = others.order_by("starts_at").first()
    if clash is not None:
        raise Conflict(
            Code.PERIOD_OVERLAPS,
            f"The period would overlap operational period {clash.number} "
            f"({clash.starts_at.isoformat()} to {clash.ends_at.isoformat()}).",
            field="starts_at",
            period=clash.number,
        )


def _clean_objectives(objectives) -> list[ObjectiveInput]:
    cleaned = []
    for index, objective in enumerate(objectives):
        if not objective.text.strip():
            raise Invalid(
                Code.INVALID_OBJECTIVES,
                f"Objective {index + 1} has no text.",
                field="objectives",
            )
        if objective.status not in ObjectiveStatus.values:
            raise Invalid(
                Code.INVALID_OBJECTIVES,
                f"Objective {index + 1} has an unknown status {objective.status!r}.",
                field="objectives",
            )
        cleaned.append(objective)
    return cleaned


def _write_objectives(period: OperationalPeriod, objectives: list[ObjectiveInput]) -> None:
    Objective.objects.bulk_create(
        Objective(period=period, order=order, text=objective.text, status=objective.status)
        for order, objective in enumerate(objectives, start=1)
    )


def open_period(
    incident: Incident,
    *,
    actor,
    starts_at: datetime,
    ends_at: datetime,
    objectives=(),
    carry_over: bool = False,
    **texts: str,
) -> OperationalPeriod:
    """Plan the next operational period (command). The first becomes current at once;
    `carry_over` copies the positions and the unfinished objectives of the period that
    comes before it, so the next IAP starts from where the last one left off."""
    with incident_verb(incident, actor=actor, permission="command") as change:
        incident = change.row
        unknown = set(texts) - set(PERIOD_TEXTS)
        if unknown:
            raise Invalid(Code.INVALID, f"Not a period field: {', '.join(sorted(unknown))}.")
        _check_span(incident, starts_at, ends_at)
        objectives = _clean_objectives(objectives)
        previous = None
        if carry_over:
            previous = (
                incident.periods.filter(starts_at__lt=starts_at).order_by("-starts_at").first()
            )
            if previous is None:
                raise Invalid(
                    Code.NO_PREVIOUS_PERIOD,
                    "There is no earlier period to carry positions and objectives over from.",
                    field="carry_over",
                )
            carried = [
                ObjectiveInput(text=objective.text)
                for objective in previous.objectives.filter(status__in=UNFINISHED_OBJECTIVES)
            ]
            objectives = carried + objectives
        existing = incident.periods.aggregate(last=Max("number"))["last"]
        period = OperationalPeriod.objects.create(
            incident=incident,
            number=(existing or 0) + 1,
            starts_at=starts_at,
            ends_at=ends_at,
            is_current=existing is None,
            created_by=actor,
            **texts,
        )
        _write_objectives(period, objectives)
        carried_positions = 0
        if previous is not None:
            carried_positions = _carry_positions(previous, period, actor=actor)
        log_change(
            incident,
            f"Operational period {period.number} planned from {starts_at.isoformat()} "
            f"to {ends_at.isoformat()}"
            + (f", carrying over {carried_positions} positions." if carry_over else "."),
            actor=actor,
        )
        describe(
            change,
            "incident.period_opened",
            incident,
            period=period.number,
            current=period.is_current,
        )
        return period


def _carry_positions(previous: OperationalPeriod, period: OperationalPeriod, *, actor) -> int:
    """Copy the previous period's organisation, keeping who reports to whom. Posts held
    for agencies that no longer take part stay vacant."""
    taking_part = Participant.objects.taking_part(period.incident_id).values("agency_id")
    copies: dict[int, Position] = {}
    # A position only ever reports to one filled before it, so copying in id order
    # copies each supervisor before those who report to it.
    for position in previous.positions.filter(agency_id__in=taking_part).order_by("id"):
        copies[position.pk] = Position.objects.create(
            period=period,
            kind=position.kind,
            name=position.name,
            agency_id=position.agency_id,
            person_id=position.person_id,
            reports_to=copies.get(position.reports_to_id),
            assigned_by=actor,
        )
    return len(copies)


def update_period(
    period: OperationalPeriod,
    *,
    actor,
    expected_version: int | None = None,
    objectives=None,
    **changes,
) -> OperationalPeriod:
    """Edit a period's times and texts, or replace its ordered objectives (command)."""
    with incident_verb(period.incident, actor=actor, permission="command") as change:
        incident = change.row
        period = change.lock(period, expected_version)
        unknown = set(changes) - {"starts_at", "ends_at", *PERIOD_TEXTS}
        if unknown:
            raise Invalid(Code.INVALID, f"Not a period field: {', '.join(sorted(unknown))}.")
        changes = changed(period, changes)
        if "starts_at" in changes or "ends_at" in changes:
            _check_span(
                incident,
                changes.get("starts_at", period.starts_at),
                changes.get("ends_at", period.ends_at),
                moving=period,
            )
        if objectives is not None:
            objectives = _clean_objectives(objectives)
            current = list(period.objectives.order_by("order").values_list("text", "status"))
            if [(objective.text, objective.status) for objective in objectives] == current:
                objectives = None
        if not changes and objectives is None:
            return period
        for name, value in changes.items():
            setattr(period, name, value)
        if objectives is not None:
            period.objectives.all().delete()
            _write_objectives(period, objectives)
        change.bump(period)
        period.save()
        if "starts_at" in changes or "ends_at" in changes:
            log_change(
                incident,
                f"Operational period {period.number} now runs from {period.starts_at.isoformat()} "
                f"to {period.ends_at.isoformat()}.",
                actor=actor,
            )
        describe(
            change,
            "incident.period_updated",
            incident,
            period=period.number,
            changed=[*changes, *(["objectives"] if objectives is not None else [])],
        )
        return period


def activate_period(
    period: OperationalPeriod, *, actor, expected_version: int | None = None
) -> OperationalPeriod:
    """Make this the current period (command); the one that was current stops being so."""
    with incident_verb(period.incident, actor=actor, permission="command") as change:
        incident = change.row
        period = change.lock(period, expected_version)
        if period.is_current:
            return period
        before = incident.periods.select_for_update().filter(is_current=True).first()
        if before is not None:
            before.is_current = False
            change.bump(before)
            before.save(update_fields=["is_current", "version", "updated_at"])
        period.is_current = True
        change.bump(period)
        period.save(update_fields=["is_current", "version", "updated_at"])
        log_change(
            incident,
            f"Operational period {period.number} is now current"
            + (f" (was {before.number})." if before is not None else "."),
            actor=actor,
        )
        describe(
            change,
            "incident.period_activated",
            incident,
            period=period.number,
            previous=before.number if before else None,
        )
        return period


def _check_name(kind: str, name: str) -> str:
    name = name.strip()
    if kind in NAMED_KINDS and not name:
        raise Invalid(
            Code.NAME_REQUIRED, 'Name the branch, division or group ("Division A").', field="name"
        )
    if kind not in NAMED_KINDS and name:
        raise Invalid(
            Code.NAME_FORBIDDEN,
            "Only branches, divisions and groups carry a name.",
            field="name",
        )
    return name


def _check_open(period: OperationalPeriod) -> None:
    if period.ends_at <= timezone.now():
        raise Conflict(
            Code.PERIOD_ENDED,
            f"Operational period {period.number} has ended; its organisation is a record now.",
        )


def _agency_for(period: OperationalPeriod, person, agency: Agency | None) -> Agency:
    """The participating agency the person fills the post for: the one named, or the only
    one they belong to; a person of no active participant may not fill any post."""
    if not person.is_active or ApiClient.objects.filter(account=person).exists():
        raise Invalid(
            Code.NOT_A_PERSON,
            f"{person.get_username()} is not a person who can fill an ICS position.",
            field="person",
        )
    taking_part = Participant.objects.taking_part(period.incident_id).values("agency_id")
    candidates = member_agencies(person).filter(pk__in=taking_part)
    if agency is not None:
        if not candidates.filter(pk=agency.pk).exists():
            raise Invalid(
                Code.NOT_A_PARTICIPANT,
                f"{person.get_username()} holds no role in {agency.name} taking part in "
                "this incident.",
                field="agency",
            )
        return agency
    found = list(candidates.order_by("name")[:2])
    if not found:
        raise Invalid(
            Code.NOT_A_PARTICIPANT,
            f"{person.get_username()} belongs to no agency taking part in this incident.",
            field="person",
        )
    if len(found) > 1:
        raise Invalid(
            Code.AGENCY_REQUIRED,
            f"{person.get_username()} belongs to several participating agencies: name one.",
            field="agency",
        )
    return found[0]


def _check_vacant(
    period: OperationalPeriod, kind: str, name: str, agency: Agency, *, moving=None
) -> None:
    if kind == PositionKind.INCIDENT_COMMANDER:
        holders = period.positions.filter(kind=kind, agency=agency)
        taken = f"{agency.name} already has an Incident Commander in this period."
    else:
        holders = period.positions.filter(kind=kind, name=name)
        taken = f"{PositionKind(kind).label} {name}".strip() + " is already filled."
    if moving is not None:
        holders = holders.exclude(pk=moving.pk)
    if holders.exists():
        raise Conflict(Code.POSITION_TAKEN, taken, field="kind")


def _supervisor(period: OperationalPeriod, kind: str, reports_to: Position | None):
    if kind not in NAMED_KINDS:
        if reports_to is not None:
            raise Invalid(
                Code.INVALID_REPORTS_TO,
                "Only branches, divisions and groups report to a position of choice.",
                field="reports_to",
            )
        return None
    if reports_to is None:
        return period.positions.filter(kind=PositionKind.OPERATIONS_SECTION_CHIEF).first()
    if reports_to.period_id != period.pk or reports_to.kind not in SUPERVISING_KINDS:
        raise Invalid(
            Code.INVALID_REPORTS_TO,
            "A branch, division or group reports to the operations section chief or to "
            "another branch, division or group of the same period.",
            field="reports_to",
        )
    return reports_to


def _describe(position: Position) -> str:
    return f"{position} ({position.agency.name})"


def fill_position(
    period: OperationalPeriod,
    *,
    actor,
    kind: str,
    person,
    agency: Agency | None = None,
    name: str = "",
    reports_to: Position | None = None,
) -> Position:
    """Put a person of a participating agency in an ICS post of the period (command).
    Each agency in unified command has its own Incident Commander; every other post is
    held once per period."""
    with _period_verb(period.pk, actor=actor) as change:
        period = change.row
        if kind not in PositionKind.values:
            raise Invalid(Code.INVALID_POSITION, f"Unknown ICS position {kind!r}.", field="kind")
        name = _check_name(kind, name)
        _check_open(period)
        agency = _agency_for(period, person, agency)
        _check_vacant(period, kind, name, agency)
        position = Position.objects.create(
            period=period,
            kind=kind,
            name=name,
            agency=agency,
            person=person,
            reports_to=_supervisor(period, kind, reports_to),
            assigned_by=actor,
        )
        log_change(
            period.incident,
            f"{person.get_full_name() or person.get_username()} is {_describe(position)} in "
            f"operational period {period.number}.",
            actor=actor,
        )
        describe(change, "incident.position_filled", period.incident, **_payload(position))
        return position


def _payload(position: Position) -> dict:
    return {
        "position": str(position.public_id),
        "period": position.period.number,
        "kind": position.kind,
        "name": position.name,
        "agency": position.agency.slug,
        "person": position.person.get_username(),
    }


def _period_verb(period_id: int, *, actor):
    """The verb skeleton on a period's row (its incident loaded), for those who command
    the incident: filling a post locks the period, so two fills of one post queue up."""
    return verb(
        actor=actor,
        lock=OperationalPeriod.objects.select_related("incident").filter(pk=period_id),
        require=lambda period: policy.require(actor, "command", period.incident),
    )


def _locked_position(change: Change, position: Position, expected_version: int | None):
    """The position's row, locked in its locked period, at the version the caller edited."""
    locked = change.lock(
        Position.objects.select_related("agency", "person").filter(pk=position.pk),
        expected_version,
    )
    locked.period = change.row
    return locked


def reassign_position(
    position: Position,
    *,
    actor,
    expected_version: int | None = None,
    person=None,
    agency: Agency | None = None,
    name: str | None = None,
) -> Position:
    """Hand a post to someone else, or rename a branch, division or group (command)."""
    with _period_verb(position.period_id, actor=actor) as change:
        position = _locked_position(change, position, expected_version)
        period = position.period
        _check_open(period)
        before = _describe(position)
        before_person = position.person
        held = (position.name, position.person_id, position.agency_id)
        if name is not None:
            position.name = _check_name(position.kind, name)
        if person is not None or agency is not None:
            position.person = person or position.person
            position.agency = _agency_for(period, position.person, agency)
        if (position.name, position.person_id, position.agency_id) == held:
            return position
        _check_vacant(period, position.kind, position.name, position.agency, moving=position)
        change.bump(position)
        position.save()
        holder = position.person.get_full_name() or position.person.get_username()
        was = before_person.get_full_name() or before_person.get_username()
        log_change(
            period.incident,
            f"{before}, held by {was}, is now {_describe(position)} held by {holder} "
            f"in operational period {period.number}.",
            actor=actor,
        )
        describe(change, "incident.position_reassigned", period.incident, **_payload(position))
        return position


def vacate_position(position: Position, *, actor, expected_version: int | None = None) -> None:
    """Leave a post empty (command). Whoever reported to it reports to operations again."""
    with _period_verb(position.period_id, actor=actor) as change:
        position = _locked_position(change, position, expected_version)
        period = position.period
        _check_open(period)
        payload = _payload(position)
        described = _describe(position)
        operations = None
        if position.kind != PositionKind.OPERATIONS_SECTION_CHIEF:
            operations = period.positions.filter(kind=PositionKind.OPERATIONS_SECTION_CHIEF).first()
        Position.objects.filter(reports_to=position).update(reports_to=operations)
        position.delete()
        log_change(
            period.incident,
            f"{described} is vacant in operational period {period.number}.",
            actor=actor,
        )
        describe(change, "incident.position_vacated", period.incident, **payload)
