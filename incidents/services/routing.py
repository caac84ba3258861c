"""Jurisdiction routing: the agencies that answer for the ground an incident lies on.

When an incident is opened or its location moves, the jurisdictions that contain the
point name the agencies responsible there (primary or supporting). Each that does not
take part yet is proposed as a participant, or joins at once as an assisting agency when
an agreement in force with the lead covers the incident and says so (`auto_join`). The
routing's outbox event (the opening's or the move's, when it runs inside one) is
addressed to the agencies routed, which alerts deliver later: it names the agencies and
the jurisdictions but nothing of the incident's content, since a proposed agency may not
see the incident at all.
"""

from agencies.geo import covering
from agencies.models import Agency, Jurisdiction, Responsibility
from incidents.models import Incident, Participant, ParticipantPart, ParticipantStatus
from incidents.services.journal import log_change
from incidents.services.participants import join
from incidents.services.verbs import describe
from ledger.verbs import verb
from sharing.markings import TLP, allows
from sharing.models import AgreementParty, SharingAgreement

ROUTED_EVENT = "incident.routed"
# What a routed agency does once it joins: it works the incident on its own ground, but
# command stays with those the lead brings into unified command.
ROUTED_PART = ParticipantPart.ASSISTING


def route_incident(incident: Incident, *, actor) -> list[Participant]:
    """Propose (or auto-join) the agencies responsible where the incident now lies, and
    drop proposals whose jurisdiction no longer contains it; existing participants stay.

    Runs inside the opening or moving verb, which has locked the incident and checked the
    actor, so a creator who may not command still gets the routing of their incident.
    The number of queries does not grow with the number of jurisdictions or proposals;
    only an auto-join costs its share.
    """
    with verb(actor=actor) as change:
        routed, stale = _route(incident, actor=actor)
        if routed or stale:
            _record(incident, routed, stale, actor=actor)
            describe(
                change,
                ROUTED_EVENT,
                incident,
                agencies=[participant.agency for participant in routed],
                routed=[_told(participant) for participant in routed],
                dropped=[participant.agency.slug for participant in stale],
            )
    return routed


def _route(incident: Incident, *, actor) -> tuple[list[Participant], list[Participant]]:
    """The participants routed here now, and the stale proposals dropped."""
    responsible, containing = _responsible_here(incident)
    taking_part = {
        p.agency_id: p for p in incident.participants.select_related("agency", "routed_from")
    }
    # A proposal stands while the jurisdiction that made it still contains the incident.
    stale = [
        participant
        for participant in taking_part.values()
        if participant.status == ParticipantStatus.PROPOSED
        and participant.routed_from_id not in containing
    ]
    for participant in stale:
        del taking_part[participant.agency_id]
    fresh = {
        agency_id: found
        for agency_id, found in responsible.items()
        if agency_id not in taking_part and agency_id != incident.lead_agency_id
    }
    if not stale and not fresh:
        return [], []
    if stale:
        Participant.objects.filter(pk__in=[participant.pk for participant in stale]).delete()
    joining = _auto_joining(incident, fresh)
    routed = [
        join(incident, actor=actor, agency=agency, part=ROUTED_PART, routed_from=jurisdiction)
        for agency_id, (agency, jurisdiction) in fresh.items()
        if agency_id in joining
    ]
    routed += Participant.objects.bulk_create(
        Participant(
            incident=incident,
            agency=agency,
            part=ROUTED_PART,
            status=ParticipantStatus.PROPOSED,
            routed_from=jurisdiction,
            added_by=actor if actor is not None and actor.pk else None,
        )
        for agency_id, (agency, jurisdiction) in fresh.items()
        if agency_id not in joining
    )
    return routed, stale


def _responsible_here(incident: Incident) -> tuple[dict[int, tuple[Agency, Jurisdiction]], set]:
    """Agency id -> (agency, the jurisdiction that brings it in), primary duty first; and
    the ids of the jurisdictions that contain the incident."""
    lon, lat = incident.longitude, incident.latitude
    responsibilities = list(
        Responsibility.objects.filter(
            jurisdiction__in=Jurisdiction.objects.bbox_contains(lon, lat),
            agency__is_active=True,
        )
        .select_related("agency", "jurisdiction")
        .order_by("kind", "jurisdiction__name", "pk")
    )
    candidates = {r.jurisdiction_id: r.jurisdiction for r in responsibilities}
    containing = {jurisdiction.pk for jurisdiction in covering(candidates.values(), lon, lat)}
    found: dict[int, tuple[Agency, Jurisdiction]] = {}
    for responsibility in responsibilities:
        if responsibility.jurisdiction_id in containing:
            found.setdefault(
                responsibility.agency_id, (responsibility.agency, responsibility.jurisdiction)
            )
    return found, containing


def _auto_joining(incident: Incident, fresh: dict) -> set[int]:
    """The fresh agencies an auto-join agreement in force with the lead covers here.

    The same test as `sharing.agreements.covering_agreement`, asked for all agencies in
    one query. RED is shared with named people only, so nobody joins a RED incident.
    """
    if not fresh or incident.tlp == TLP.RED:
        return set()
    with_lead = SharingAgreement.objects.in_force().filter(
        auto_join=True, party_links__agency_id=incident.lead_agency_id
    )
    sides = AgreementParty.objects.filter(
        agency_id__in=list(fresh), agreement__in=with_lead
    ).select_related("agreement")
    return {
        side.agency_id
        for side in sides
        if side.agreement.covers_type(incident.incident_type)
        and allows(side.agreement.max_tlp, incident.tlp)
    }


def _told(participant: Participant) -> dict:
    """What the routed agency is told: itself, the ground that brings it in, whether it
    joined; nothing of the incident."""
    return {
        "agency": participant.agency.slug,
        "jurisdiction": {
            "slug": participant.routed_from.slug,
            "name": participant.routed_from.name,
        },
        "auto_joined": participant.status == ParticipantStatus.ACTIVE,
    }


def _record(incident: Incident, routed: list[Participant], stale: list[Participant], *, actor):
    """One system line on the timeline for the whole routing."""
    joined = [p for p in routed if p.status == ParticipantStatus.ACTIVE]
    proposed = [p for p in routed if p.status == ParticipantStatus.PROPOSED]
    sentences = []
    if proposed:
        sentences.append(f"Proposed to take part: {_names(proposed)}.")
    if joined:
        sentences.append(f"Joined under an auto-join agreement: {_names(joined)}.")
    if stale:
        sentences.append(
            f"Proposals dropped, their jurisdiction no longer containing the incident: "
            f"{_names(stale)}."
        )
    log_change(incident, "Jurisdiction routing. " + " ".join(sentences), actor=actor)


def _names(participants: list[Participant]) -> str:
    # A proposal outlives a jurisdiction deleted since (its link is then empty).
    return ", ".join(
        f"{p.agency.name} ({p.routed_from.name if p.routed_from else 'a former jurisdiction'})"
        for p in participants
    )
