"""Sharing an incident: with an agency under an agreement (or by breaking glass), with a
named person (the only way into RED), and taking it back."""

from django.contrib.auth import get_user_model

from agencies.access import is_api_client
from agencies.models import Agency, Role
from coordination.errors import Conflict, Invalid, NotFound
from incidents.models import Incident, IncidentShare
from incidents.services.journal import log_change
from incidents.services.verbs import describe, incident_verb
from ledger.models import AuditAction
from ledger.verbs import verb
from sharing import grants
from sharing.access import Access
from sharing.basis import Shared, basis_for, first_without_glass
from sharing.error_codes import SharingErrorCode as Code
from sharing.markings import TLP
from sharing.models import ShareKind

User = get_user_model()


def _shared(incident: Incident) -> Shared:
    """The incident as `sharing.basis` weighs it: the lead agency's, of its type, marked."""
    described = f"a {incident.get_incident_type_display().lower()} incident"
    return Shared(incident, incident.lead_agency, incident.incident_type, incident.tlp, described)


def _roles(recipient: Agency, role_slugs: list[str] | None) -> list[Role] | None:
    if not role_slugs:
        return None
    roles = list(recipient.roles.filter(slug__in=role_slugs))
    missing = sorted(set(role_slugs) - {role.slug for role in roles})
    if missing:
        raise Invalid(
            Code.ROLE_NOT_IN_AGENCY,
            f"{recipient.name} has no role {', '.join(missing)}.",
            field="roles",
        )
    return roles


def share_incident(
    incident: Incident,
    *,
    actor,
    agency: Agency,
    level: Access = Access.VIEW,
    roles: list[str] | None = None,
    break_glass: bool = False,
    justification: str = "",
) -> IncidentShare:
    """Share with an agency (all its roles, or some), at a level, under an agreement."""
    with incident_verb(incident, actor=actor, permission="share") as change:
        return share_with_agency(
            change.row,
            actor=actor,
            agency=agency,
            level=level,
            roles=roles,
            break_glass=break_glass,
            justification=justification,
        )


def share_with_agency(
    incident: Incident,
    *,
    actor,
    agency: Agency,
    level: Access = Access.VIEW,
    roles: list[str] | None = None,
    break_glass: bool = False,
    justification: str = "",
) -> IncidentShare:
    """The share itself, for verbs that have locked the incident and checked the actor's
    right (sharing needs `share`; bringing in a participant needs `command`)."""
    with verb(actor=actor) as change:
        if incident.tlp == TLP.RED:
            raise Invalid(
                Code.RED_NEEDS_NAMED_PEOPLE,
                "A RED incident is shared with named people only, one by one.",
                field="agency",
            )
        if agency.pk == incident.lead_agency_id:
            raise Conflict(Code.LEAD_SHARE, f"{agency.name} leads this incident already.")
        if incident.shares.filter(agency=agency).exists():
            raise Conflict(
                Code.ALREADY_SHARED,
                f"The incident is already shared with {agency.name}; change or revoke that share.",
            )
        chosen_roles = _roles(agency, roles)
        kind, agreement = basis_for(
            _shared(incident),
            agency,
            actor=actor,
            break_glass=break_glass,
            justification=justification,
        )
        share = grants.grant_agency(
            incident,
            agency,
            level,
            kind=kind,
            roles=chosen_roles,
            agreement=agreement,
            justification=justification if kind == ShareKind.BREAK_GLASS else "",
            granted_by=actor,
        )
        detail = {
            "level": Access(level).label,
            "roles": share.role_slugs,
            "agreement": agreement.pk if agreement else None,
            "tlp": incident.tlp,
        }
        if kind == ShareKind.BREAK_GLASS:
            detail["justification"] = justification
        change.audit(
            AuditAction.BREAK_GLASS if kind == ShareKind.BREAK_GLASS else AuditAction.SHARE_GRANTED,
            agency=incident.lead_agency,
            other_agency=agency,
            target=incident,
            flagged=kind == ShareKind.BREAK_GLASS,
            detail=detail,
        )
        how = "by breaking glass" if kind == ShareKind.BREAK_GLASS else f"({kind})"
        log_change(
            incident,
            f"Shared with {agency.name} at {Access(level).label} level {how}.",
            actor=actor,
        )
        describe(
            change,
            "incident.share_granted",
            incident,
            agency=agency.slug,
            level=Access(level).label,
            kind=kind,
        )
        return share


def revoke_share(share: IncidentShare, *, actor) -> None:
    """Take a share back; everyone it reached loses access at once."""
    with incident_verb(share.incident, actor=actor, permission="share"):
        if hasattr(share, "participant"):
            raise Conflict(
                Code.SHARE_OF_PARTICIPANT,
                f"{share.agency.name} takes part in the incident; remove it as a participant.",
            )
        withdraw_share(share, actor=actor)


def withdraw_share(share: IncidentShare, *, actor) -> None:
    """The revocation itself, for verbs that have locked the incident and checked the
    actor's right."""
    incident = share.incident
    with verb(actor=actor) as change:
        if share.kind == ShareKind.LEAD:
            raise Conflict(Code.LEAD_SHARE, "The lead agency's access cannot be revoked.")
        change.audit(
            AuditAction.SHARE_REVOKED,
            agency=incident.lead_agency,
            other_agency=share.agency,
            target=incident,
            detail={"level": Access(share.level).label, "kind": share.kind},
        )
        log_change(incident, f"Share with {share.agency.name} revoked.", actor=actor)
        grants.revoke_agency(share)
        describe(change, "incident.share_revoked", incident, agency=share.agency.slug)


def _agencies_of(person) -> list[Agency]:
    return list(Agency.objects.filter(roles__group__user=person, is_active=True).distinct())


def _person_may_be_named(incident: Incident, person, *, actor, break_glass, justification):
    """(agency, basis) the person is named under: inside the lead's organisation,
    else under an agreement in force that covers the incident, else by breaking glass."""
    if is_api_client(person):
        raise Invalid(Code.NOT_A_PERSON, "Named grants are for people, not API clients.")
    agencies = _agencies_of(person)
    if not agencies:
        raise Invalid(Code.NOT_A_PERSON, f"{person.get_username()} holds no role in any agency.")
    shared = _shared(incident)
    found = first_without_glass(shared, agencies)
    if found is not None:
        return found
    return agencies[0], basis_for(
        shared, agencies[0], actor=actor, break_glass=break_glass, justification=justification
    )


def keep_commander_named(incident: Incident, *, actor) -> None:
    """Name whoever marks the incident RED on it, at share level, so the marking does not
    hide it from them, on the basis anyone would be named on: inside the lead's
    organisation, or under an agreement that covers it now (and counts while that one is
    in force). Someone of another agency with no such agreement is not named here; the
    verb then refuses the change as one that would hide the incident from them."""
    found = first_without_glass(_shared(incident), _agencies_of(actor))
    if found is not None:
        _agency, (_kind, agreement) = found
        grants.grant_person(incident, actor, Access.SHARE, agreement=agreement)


def grant_person(
    incident: Incident,
    *,
    actor,
    person,
    level: Access = Access.VIEW,
    break_glass: bool = False,
    justification: str = "",
) -> None:
    """Name one person on an incident (at any marking; the only way in under RED).

    A person of another agency is named under the agreement that lets the lead agency
    share the incident with theirs, and keeps the grant only while it is in force.
    """
    with incident_verb(incident, actor=actor, permission="share") as change:
        incident = change.row
        agency, (kind, agreement) = _person_may_be_named(
            incident, person, actor=actor, break_glass=break_glass, justification=justification
        )
        grants.grant_person(incident, person, level, agreement=agreement)
        detail = {
            "person": person.get_username(),
            "level": Access(level).label,
            "agreement": agreement.pk if agreement else None,
        }
        if kind == ShareKind.BREAK_GLASS:
            detail["justification"] = justification
        change.audit(
            AuditAction.BREAK_GLASS
            if kind == ShareKind.BREAK_GLASS
            else AuditAction.PERSON_GRANTED,
            agency=incident.lead_agency,
            other_agency=agency if agency.pk != incident.lead_agency_id else None,
            target=incident,
            flagged=kind == ShareKind.BREAK_GLASS,
            detail=detail,
        )
        log_change(
            incident,
            f"{person.get_username()} named on the incident at {Access(level).label} level.",
            actor=actor,
        )
        describe(
            change,
            "incident.person_granted",
            incident,
            person=person.get_username(),
            level=Access(level).label,
        )


def revoke_person(incident: Incident, *, actor, person) -> None:
    """Withdraw a person's named grant; a grant that does not exist is a 404."""
    with incident_verb(incident, actor=actor, permission="share") as change:
        incident = change.row
        if not grants.revoke_person(incident, person):
            raise NotFound(
                Code.GRANT_NOT_FOUND, f"{person.get_username()} has no named grant here."
            )
        change.audit(
            AuditAction.PERSON_REVOKED,
            agency=incident.lead_agency,
            target=incident,
            detail={"person": person.get_username()},
        )
        log_change(incident, f"{person.get_username()}'s named grant withdrawn.", actor=actor)
        describe(change, "incident.person_revoked", incident, person=person.get_username())
