"""Agencies taking part in an incident under unified command.

Taking part is also a share: adding a participant shares the incident with it (under an
agreement, within one organisation, or by breaking glass, as any share), and removing it
takes that share back at once, vacates the positions its people held in the current and
later periods and hands its open tasks back to the incident.
"""

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from coordination.concurrency import check_version
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
from incidents.services.locks import locked_incident
from sharing import grants, policy
from sharing.access import Access

# The level a part needs unless the caller asks for another: unified command members
# command, assisting agencies contribute, cooperating agencies see.
DEFAULT_LEVEL = {
    ParticipantPart.UNIFIED_COMMAND: Access.COMMAND,
    ParticipantPart.ASSISTING: Access.CONTRIBUTE,
    ParticipantPart.COOPERATING: Access.VIEW,
}


@transaction.atomic
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
    incident = locked_incident(incident)
    policy.require(actor, "command", incident)
    return join(
        incident,
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
        participant.version += 1
    participant.part = part
    participant.status = ParticipantStatus.ACTIVE
    participant.share = share
    participant.routed_from = routed_from or participant.routed_from
    participant.added_by = actor
    participant.added_at = timezone.now()
    participant.save()
    log_change(
        incident,
        "participant_added",
        f"{agency.name} takes part as {participant.get_part_display().lower()}.",
        actor=actor,
        payload={"agency": agency.slug, "part": part, "level": level.label},
    )
    return participant


@transaction.atomic
def change_part(
    participant: Participant, *, actor, part: str, expected_version: int | None = None
) -> Participant:
    """Change an agency's part (command); its share rises to what the new part needs."""
    incident = locked_incident(participant.incident)
    policy.require(actor, "command", incident)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    check_version(participant.version, expected_version)
    if participant.part == ParticipantPart.LEAD or part not in DEFAULT_LEVEL:
        raise Invalid(
            Code.INVALID_PART,
            f"The lead's part is fixed; others take part as {', '.join(DEFAULT_LEVEL)}.",
            field="part",
        )
    if participant.status != ParticipantStatus.ACTIVE:
        raise Conflict(Code.NOT_PARTICIPATING, "Add the proposed agency before changing its part.")
    if part == participant.part:
        return participant
    before = participant.part
    if participant.share is not None and participant.share.level < DEFAULT_LEVEL[part]:
        grants.change_level(participant.share, DEFAULT_LEVEL[part])
    participant.part = part
    participant.version += 1
    participant.save(update_fields=["part", "version"])
    log_change(
        incident,
        "participant_changed",
        f"{participant.agency.name} now takes part as {participant.get_part_display().lower()}"
        f" (was {before}).",
        actor=actor,
        payload={"agency": participant.agency.slug, "from": before, "to": part},
    )
    return participant


@transaction.atomic
def remove_participant(
    participant: Participant, *, actor, expected_version: int | None = None
) -> None:
    """Take an agency out (command): its share, its positions from now on and its open
    tasks go at once. The lead cannot be removed; a proposal is dismissed."""
    incident = locked_incident(participant.incident)
    policy.require(actor, "command", incident)
    participant = (
        Participant.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=participant.pk)
    )
    check_version(participant.version, expected_version)
    if participant.part == ParticipantPart.LEAD:
        raise Conflict(Code.LEAD_PARTICIPANT, "The lead agency cannot be removed.")
    if participant.status == ParticipantStatus.PROPOSED:
        _dismiss(incident, participant, actor=actor)
        return
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
        "participant_removed",
        f"{agency.name} no longer takes part ({vacated_count} positions vacated, "
        f"{handed_back} open tasks handed back).",
        actor=actor,
        payload={"agency": agency.slug},
    )


def _dismiss(incident: Incident, participant: Participant, *, actor) -> None:
    """A proposal held no share and no work: dismissing it only forgets it, on the record."""
    agency = participant.agency
    participant.delete()
    log_change(
        incident,
        "participant_dismissed",
        f"The proposal that {agency.name} take part was dismissed.",
        actor=actor,
        payload={"agency": agency.slug},
    )
