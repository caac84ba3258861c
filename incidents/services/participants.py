"""Agencies taking part in an incident under unified command.

Taking part is also a share: adding a participant shares the incident with it (under an
agreement, within one organisation, or by breaking glass, as any share), and removing it
takes that share back at once, vacates the positions its people held in the current and
later periods and hands its open tasks back to the incident.
"""

from django.utils import timezone

from agencies.models import Agency
from coordination.errors import Conflict, Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import (
    OPEN_TASK_STATUSES,
    Incident,
    Participant,
    ParticipantPart,
    ParticipantStatus,
    Position,
    Task,
)
from incidents.services import sharing as sharing_verbs
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.verbs import Change, verb
from sharing import grants
from sharing.access import Access

# The level a part needs unless the caller asks for another: unified command members
# command, assisting agencies contribute, cooperating agencies see.
DEFAULT_LEVEL = {
    ParticipantPart.UNIFIED_COMMAND: Access.COMMAND,
    ParticipantPart.ASSISTING: Access.CONTRIBUTE,
    ParticipantPart.COOPERATING: Access.VIEW,
}


def add_participant(
    incident: Incident,
    *,
    actor,
    agency: Agency,
    part: str,
    level: Access | None = None,
    break_glass: bool = False,
    justification: str = "",
    routed_from=None,
) -> Participant:
    """Bring an agency into the incident (command), sharing it at the part's level.

    An agency proposed by jurisdiction routing becomes active the same way, keeping the
    jurisdiction that brought it in.
    """
    with incident_verb(incident, actor=actor, permission="command") as change:
        return join(
            change.row,
            actor=actor,
            agency=agency,
            part=part,
            level=level,
            break_glass=break_glass,
            justification=justification,
            routed_from=routed_from,
        )


def join(
    incident: Incident,
    *,
    actor,
    agency: Agency,
    part: str,
    level: Access | None = None,
    break_glass: bool = False,
    justification: str = "",
    routed_from=None,
) -> Participant:
    """The joining itself, for verbs that have locked the incident and checked the actor's
    right: `add_participant` (command) and jurisdiction routing, which joins agencies an
    agreement auto-joins on behalf of whoever opened or moved the incident."""
    with verb(actor=actor) as change:
        return _join(
            change,
            incident,
            agency=agency,
            part=part,
            level=level,
            break_glass=break_glass,
            justification=justification,
            routed_from=routed_from,
        )


def _join(
    change: Change,
    incident: Incident,
    *,
    agency: Agency,
    part: str,
    level: Access | None,
    break_glass: bool,
    justification: str,
    routed_from,
) -> Participant:
    actor = change.actor
    if part not in DEFAULT_LEVEL:
        raise Invalid(
            Code.INVALID_PART,
            f"An agency takes part as {', '.join(DEFAULT_LEVEL)}; the lead is set by the incident.",
            field="part",
        )
    level = Access(level or DEFAULT_LEVEL[part])
    participant = incident.participants.filter(agency=agency).first()
    if participant is not None and participant.status == ParticipantStatus.ACTIVE:
        raise Conflict(Code.ALREADY_PARTICIPATING, f"{agency.name} already takes part.")
    share = incident.shares.filter(agency=agency).first()
    if share is None:
        share = sharing_verbs.share_with_agency(
            incident,
            actor=actor,
            agency=agency,
            level=level,
            break_glass=break_glass,
            justification=justification,
        )
    elif share.level < level:
        grants.change_level(share, level)
    if participant is None:
        participant = Participant(incident=incident, agency=agency)
    else:
        change.bump(participant)
    participant.part = part
    participant.status = ParticipantStatus.ACTIVE
    participant.share = share
    participant.routed_from = routed_from or participant.routed_from
    participant.added_by = actor
    participant.added_at = timezone.now()
    participant.save()
    log_change(
        incident,
        f"{agency.name} takes part as {participant.get_part_display().lower()}.",
        actor=actor,
    )
    describe(
        change,
        "incident.participant_added",
        incident,
        agency=agency.slug,
        part=part,
        level=level.label,
    )
    return participant


def change_part(
    participant: Participant, *, actor, part: str, expected_version: int | None = None
) -> Participant:
    """Change an agency's part (command); its share rises to what the new part needs."""
    with incident_verb(participant.incident, actor=actor, permission="command") as change:
        participant = change.lock(participant, expected_version)
        _change_part(change, change.row, participant, part)
    return participant


def _change_part(change: Change, incident: Incident, participant: Participant, part: str) -> None:
    if participant.part == ParticipantPart.LEAD or part not in DEFAULT_LEVEL:
        raise Invalid(
            Code.INVALID_PART,
            f"The lead's part is fixed; others take part as {', '.join(DEFAULT_LEVEL)}.",
            field="part",
        )
    if participant.status != ParticipantStatus.ACTIVE:
        raise Conflict(Code.NOT_PARTICIPATING, "Add the proposed agency before changing its part.")
    if part == participant.part:
        return
    before = participant.part
    if participant.share is not None and participant.share.level < DEFAULT_LEVEL[part]:
        grants.change_level(participant.share, DEFAULT_LEVEL[part])
    participant.part = part
    change.bump(participant)
    participant.save(update_fields=["part", "version"])
    log_change(
        incident,
        f"{participant.agency.name} now takes part as {participant.get_part_display().lower()}"
        f" (was {before}).",
        actor=change.actor,
    )
    describe(
        change,
        "incident.participant_changed",
        incident,
        changed=["part"],
        agency=participant.agency.slug,
        **{"from": before, "to": part},
    )


def remove_participant(
    participant: Participant, *, actor, expected_version: int | None = None
) -> None:
    """Take an agency out (command): its share, its positions from now on and its open
    tasks go at once. The lead cannot be removed; a proposal is dismissed."""
    with incident_verb(participant.incident, actor=actor, permission="command") as change:
        participant = change.lock(
            Participant.objects.select_related("agency").filter(pk=participant.pk),
            expected_version,
        )
        if participant.part == ParticipantPart.LEAD:
            raise Conflict(Code.LEAD_PARTICIPANT, "The lead agency cannot be removed.")
        if participant.status == ParticipantStatus.PROPOSED:
            _dismiss(change, change.row, participant)
        else:
            _remove(change, change.row, participant)


def _remove(change: Change, incident: Incident, participant: Participant) -> None:
    actor = change.actor
    agency = participant.agency
    vacated = Position.objects.filter(
        period__incident=incident, agency=agency, period__ends_at__gt=timezone.now()
    )
    vacated_count = vacated.count()
    Position.objects.filter(reports_to__in=vacated).update(reports_to=None)
    vacated.delete()
    handed_back = Task.objects.filter(
        incident=incident, assigned_agency=agency, status__in=OPEN_TASK_STATUSES
    ).update(assigned_agency=None, assigned_person=None)
    handed_back += Task.objects.filter(
        incident=incident,
        assigned_person__groups__role__agency=agency,
        status__in=OPEN_TASK_STATUSES,
    ).update(assigned_person=None)
    share = participant.share
    participant.delete()
    if share is not None:
        sharing_verbs.withdraw_share(share, actor=actor)
    log_change(
        incident,
        f"{agency.name} no longer takes part ({vacated_count} positions vacated, "
        f"{handed_back} open tasks handed back).",
        actor=actor,
    )
    describe(
        change,
        "incident.participant_removed",
        incident,
        agency=agency.slug,
        positions_vacated=vacated_count,
        tasks_handed_back=handed_back,
    )


def _dismiss(change: Change, incident: Incident, participant: Participant) -> None:
    """A proposal held no share and no work: dismissing it only forgets it, on the record."""
    agency = participant.agency
    participant.delete()
    log_change(
        incident,
        f"The proposal that {agency.name} take part was dismissed.",
        actor=change.actor,
    )
    describe(change, "incident.participant_dismissed", incident, agency=agency.slug)
