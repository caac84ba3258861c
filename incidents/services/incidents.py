"""The verbs of an incident's life: open it, change it, mark it, move it along.

Each runs in the verb skeleton (`incidents.services.verbs`): access checked through
`sharing.policy`, the rows, the audit record and one outbox event in one transaction,
and a re-check afterwards that the actor may still see what they wrote (otherwise the
whole change is rolled back).
"""

from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from agencies.geo import parse_boundary, parse_point
from agencies.models import Agency
from coordination.concurrency import changed
from coordination.errors import Forbidden, Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import (
    EntryKind,
    Incident,
    IncidentStatus,
    IncidentType,
    IncidentWorkflow,
    Participant,
    ParticipantPart,
    ReferenceCounter,
    StatusChange,
)
from incidents.services.journal import log_change
from incidents.services.routing import route_incident
from incidents.services.sharing import keep_commander_named
from incidents.services.verbs import describe, ensure_still_visible, incident_verb
from ledger import audit
from ledger.models import AuditAction
from ledger.verbs import Change, verb
from sharing import grants, policy
from sharing.access import Access
from sharing.error_codes import SharingErrorCode
from sharing.markings import TLP, allows, is_stricter
from sharing.models import ShareKind

EDITABLE_FIELDS = (
    "title",
    "description",
    "incident_type",
    "severity",
    "location",
    "affected_area",
    "is_exercise",
)


def allocate_reference(year: int) -> str:
    """The next INC-<year>-<6 digits>, gapless and unique under concurrent creation.

    The year's counter row is locked until the creating transaction ends, so a rolled
    back creation gives its number back and two creations never get the same one.
    """
    ReferenceCounter.objects.bulk_create([ReferenceCounter(year=year)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"INC-{year}-{counter.last_number:06d}"


def _clean_location(location) -> tuple[float, float]:
    try:
        return parse_point(location)
    except ValidationError as exc:
        raise Invalid(Code.INVALID_LOCATION, exc.messages[0], field="location") from exc


def _clean_area(area) -> None:
    if area is None:
        return
    try:
        parse_boundary(area)
    except ValidationError as exc:
        raise Invalid(Code.INVALID_AREA, exc.messages[0], field="affected_area") from exc


def _check_choices(*, incident_type=None, severity=None, tlp=None) -> None:
    if incident_type is not None and incident_type not in IncidentType.values:
        raise Invalid(Code.INVALID_TYPE, f"Unknown incident type {incident_type!r}.", field="type")
    if severity is not None and (isinstance(severity, bool) or severity not in range(1, 6)):
        raise Invalid(Code.INVALID_SEVERITY, "Severity runs from 1 to 5.", field="severity")
    if tlp is not None and tlp not in TLP.values:
        raise Invalid(SharingErrorCode.INVALID_MARKING, f"Unknown marking {tlp!r}.", field="tlp")


def _lead_for(actor, lead_agency: Agency | None) -> Agency:
    """The creator's agency leads, unless they name another agency they may act for."""
    contributing = list(
        policy.capable_roles(actor, Access.CONTRIBUTE).values_list("agency_id", flat=True)
    )
    if lead_agency is None:
        if len(set(contributing)) == 1:
            return Agency.objects.get(pk=contributing[0])
        if not contributing:
            raise Forbidden(Code.NOT_A_MEMBER, "You hold no role that may open incidents.")
        raise Invalid(
            Code.LEAD_AGENCY_REQUIRED,
            "You act for several agencies: name the lead agency.",
            field="lead_agency",
        )
    if lead_agency.pk not in contributing:
        raise Forbidden(
            Code.NOT_A_MEMBER,
            f"To open an incident led by {lead_agency.name} you need a role there that "
            "contributes (e.g. duty officer).",
        )
    return lead_agency


def open_incident(
    *,
    actor,
    title: str,
    incident_type: str,
    severity: int,
    location: dict,
    tlp: str = TLP.AMBER,
    lead_agency: Agency | None = None,
    description: str = "",
    affected_area: dict | None = None,
    is_exercise: bool = False,
) -> Incident:
    """Open an incident; the lead agency's role groups get their grants at once."""
    _check_choices(incident_type=incident_type, severity=severity, tlp=tlp)
    longitude, latitude = _clean_location(location)
    _clean_area(affected_area)
    with verb(actor=actor, recheck=lambda target: ensure_still_visible(actor, target)) as change:
        lead = _lead_for(actor, lead_agency)
        incident = _create(
            actor=actor,
            lead=lead,
            title=title,
            description=description,
            incident_type=incident_type,
            severity=severity,
            location=location,
            longitude=longitude,
            latitude=latitude,
            affected_area=affected_area,
            tlp=tlp,
            is_exercise=is_exercise,
        )
        change.audit(
            AuditAction.OBJECT_CREATED,
            agency=lead,
            target=incident,
            detail={"tlp": tlp, "type": incident_type, "severity": severity},
        )
        route_incident(incident, actor=actor)
        describe(change, "incident.opened", incident, reference=incident.reference)
    return incident


def _create(*, actor, lead: Agency, tlp: str, **fields) -> Incident:
    """The incident's rows: itself, its first status, the lead's share and part, and the
    opener named on it when it is RED (the only way into a RED incident)."""
    incident = Incident.objects.create(
        reference=allocate_reference(datetime.now(UTC).year),
        tlp=tlp,
        lead_agency=lead,
        created_by=actor,
        updated_by=actor,
        **fields,
    )
    StatusChange.objects.create(
        incident=incident, to_status=IncidentStatus.REPORTED, changed_by=actor, reason="Opened"
    )
    lead_share = grants.grant_agency(
        incident, lead, Access.SHARE, kind=ShareKind.LEAD, granted_by=actor
    )
    Participant.objects.create(
        incident=incident,
        agency=lead,
        part=ParticipantPart.LEAD,
        share=lead_share,
        added_by=actor,
    )
    if tlp == TLP.RED:
        grants.grant_person(incident, actor, Access.SHARE)
    return incident


def update_incident(
    incident: Incident, *, actor, expected_version: int | None = None, **changes
) -> Incident:
    """Edit an incident (command, whatever the body); lowering its marking also needs
    share. Naming only current values changes nothing."""
    unknown = set(changes) - set(EDITABLE_FIELDS) - {"tlp"}
    if unknown:
        raise Invalid(Code.INVALID, f"Not an editable field: {', '.join(sorted(unknown))}.")
    with incident_verb(
        incident, actor=actor, permission=None, expected_version=expected_version, recheck=True
    ) as change:
        incident = change.row
        permissions = policy.permissions_on(actor, incident)
        policy.require(actor, "command", incident, permissions)
        _check_choices(incident_type=changes.get("incident_type"), severity=changes.get("severity"))
        marking = changes.pop("tlp", None)
        changes = changed(incident, changes)
        if "location" in changes:
            incident.longitude, incident.latitude = _clean_location(changes["location"])
        if "affected_area" in changes:
            _clean_area(changes["affected_area"])
        if not changes and marking in (None, incident.tlp):
            return incident
        for name, value in changes.items():
            setattr(incident, name, value)
        if changes:
            incident.updated_by = actor
            change.bump(incident)
            incident.save()
        if "incident_type" in changes:
            _withdraw_uncovered_shares(change, incident)
        remarked = marking is not None and marking != incident.tlp
        if remarked:
            _change_marking(change, incident, marking, permissions=permissions)
        if "location" in changes:
            route_incident(incident, actor=actor)
        describe(
            change, "incident.updated", incident, changed=[*changes, *(["tlp"] if remarked else [])]
        )
    return incident


def change_marking(
    incident: Incident, tlp: str, *, actor, expected_version: int | None = None
) -> Incident:
    """Re-mark an incident. Raising it needs command; lowering it needs share."""
    with incident_verb(
        incident, actor=actor, permission=None, expected_version=expected_version, recheck=True
    ) as change:
        incident = change.row
        before = _change_marking(
            change, incident, tlp, permissions=policy.permissions_on(actor, incident)
        )
        describe(
            change,
            "incident.marking_changed",
            incident,
            changed=["tlp"],
            **{"from": before, "to": tlp},
        )
    return incident


def _change_marking(change: Change, incident: Incident, tlp: str, *, permissions) -> str:
    """Re-mark the locked incident; the marking it had."""
    actor = change.actor
    _check_choices(tlp=tlp)
    raising = is_stricter(tlp, incident.tlp)
    policy.require(actor, "command" if raising else "share", incident, permissions)
    before = incident.tlp
    incident.tlp = tlp
    if tlp == TLP.RED:
        keep_commander_named(incident, actor=actor)
    incident.updated_by = actor
    change.bump(incident)
    incident.save(update_fields=["tlp", "updated_by", "updated_at", "version"])
    change.audit(
        AuditAction.MARKING_CHANGED,
        agency=incident.lead_agency,
        target=incident,
        detail={"from": before, "to": tlp},
    )
    if raising:
        _withdraw_uncovered_shares(change, incident)
    return before


def _covers(agreement, incident: Incident) -> bool:
    return agreement.covers_type(incident.incident_type) and allows(agreement.max_tlp, incident.tlp)


def _withdraw_uncovered_shares(change: Change, incident: Incident) -> None:
    """Shares, and people named, under an agreement that no longer covers the incident's
    type or marking end now."""
    for share in incident.shares.filter(kind=ShareKind.AGREEMENT).select_related(
        "agreement", "agency"
    ):
        agreement = share.agreement
        if _covers(agreement, incident):
            continue
        change.audit(
            AuditAction.SHARE_REVOKED,
            agency=incident.lead_agency,
            other_agency=share.agency,
            target=incident,
            detail={
                "reason": "the agreement no longer covers the incident",
                "agreement": agreement.pk,
            },
        )
        grants.revoke_agency(share)
    uncovered = {
        grant.user_id: grant.agreement
        for grant in grants.named_grants(incident)
        if grant.agreement is not None and not _covers(grant.agreement, incident)
    }
    for person in get_user_model().objects.filter(pk__in=uncovered).order_by("pk"):
        change.audit(
            AuditAction.PERSON_REVOKED,
            agency=incident.lead_agency,
            target=incident,
            detail={
                "person": person.get_username(),
                "reason": "the agreement no longer covers the incident",
                "agreement": uncovered[person.pk].pk,
            },
        )
        grants.revoke_person(incident, person)


def change_status(
    incident: Incident, to: str, *, actor, reason: str, expected_version: int | None = None
) -> Incident:
    """Move an incident along its lifecycle (command); every step says why."""
    with incident_verb(
        incident, actor=actor, permission="command", expected_version=expected_version
    ) as change:
        _change_status(change, change.row, to, reason=reason)
    return change.row


def _change_status(change: Change, incident: Incident, to: str, *, reason: str) -> None:
    actor = change.actor
    IncidentWorkflow.check(incident, to)
    if not reason.strip():
        raise Invalid(Code.REASON_REQUIRED, "Say why the status changes.", field="reason")
    StatusChange.objects.create(
        incident=incident,
        from_status=incident.status,
        to_status=to,
        reason=reason,
        changed_by=actor,
    )
    before = incident.status
    incident.status = to
    incident.updated_by = actor
    change.bump(incident)
    incident.save(update_fields=["status", "updated_by", "updated_at", "version"])
    change.audit(
        AuditAction.STATUS_CHANGED,
        agency=incident.lead_agency,
        target=incident,
        detail={"from": before, "to": to, "reason": reason},
    )
    log_change(
        incident,
        f"Status changed from {before} to {to}: {reason}",
        actor=actor,
        kind=EntryKind.STATUS_CHANGE,
    )
    describe(
        change,
        "incident.status_changed",
        incident,
        changed=["status"],
        **{"from": before, "to": to},
    )


def record_view(incident: Incident, *, actor, ip_address: str | None = None) -> None:
    """Every detail view of an AMBER or stricter incident is audited."""
    if incident.tlp in (TLP.CLEAR, TLP.GREEN):
        return
    audit.record(
        AuditAction.VIEWED,
        actor=actor,
        agency=incident.lead_agency,
        target=incident,
        detail={"tlp": incident.tlp},
        ip_address=ip_address,
    )
