"""Writing to an incident's timeline (ICS 214): what people log as the incident unfolds.

Entries are append-only; a mistake is put right by a new entry that names the one it
corrects. An entry's marking may narrow the incident's, never widen it, and a correction
is marked at least as strictly as what it corrects, so that correcting a RED line never
repeats its substance to a wider audience.
"""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from agencies.access import agency_ids_with
from agencies.capabilities import Capability
from agencies.geo import parse_point
from agencies.models import Agency
from coordination.errors import Forbidden, Invalid
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import AUTHORED_KINDS, Incident, TimelineEntry
from incidents.models.timeline import correctable_by
from incidents.services.actors import acting_agency
from incidents.services.verbs import describe
from ledger.audit import label_of
from ledger.verbs import verb
from sharing import policy
from sharing.error_codes import SharingErrorCode
from sharing.markings import TLP, is_stricter

# Clocks of field devices and partner systems drift; an entry a little "in the future"
# is a skewed clock, one far ahead is a mistake.
CLOCK_SKEW = timedelta(minutes=5)


def _clean_marking(incident: Incident, tlp: str | None) -> str:
    if tlp is None:
        return incident.tlp
    if tlp not in TLP.values:
        raise Invalid(SharingErrorCode.INVALID_MARKING, f"Unknown marking {tlp!r}.", field="tlp")
    if is_stricter(incident.tlp, tlp):
        raise Invalid(
            Code.MARKING_LOOSER_THAN_INCIDENT,
            f"An entry may be marked more strictly than its incident ({incident.tlp}), "
            f"never more loosely ({tlp}).",
            field="tlp",
        )
    return tlp


def _clean_occurred_at(occurred_at: datetime | None) -> datetime:
    now = timezone.now()
    if occurred_at is None:
        return now
    if occurred_at > now + CLOCK_SKEW:
        raise Invalid(
            Code.OCCURRED_IN_FUTURE,
            "An entry records what has happened; its time may not lie in the future.",
            field="occurred_at",
        )
    return occurred_at


def _clean_location(location: dict | None) -> None:
    if location is None:
        return
    try:
        parse_point(location)
    except ValidationError as exc:
        raise Invalid(Code.INVALID_LOCATION, exc.messages[0], field="location") from exc


def check_correctable(actor, incident: Incident, entry: TimelineEntry) -> None:
    """Refuse a correction of a system line, or of another agency's entry by someone who
    does not command the incident."""
    if entry.kind not in AUTHORED_KINDS:
        raise Invalid(
            Code.ENTRY_NOT_CORRECTABLE,
            "Concord's own lines record what it did; they are not corrected.",
            field="corrects",
        )
    commanding = policy.can(actor, "command", incident)
    if not correctable_by(
        entry, commanding=commanding, agency_ids=agency_ids_with(actor, Capability.CONTRIBUTE)
    ):
        author = entry.agency.name if entry.agency_id else "its author's agency"
        raise Forbidden(
            Code.NOT_THE_ENTRYS_AGENCY,
            f"Only {author} or the incident's command may correct this entry.",
            field="corrects",
        )


def _corrected_entry(actor, incident: Incident, corrects, tlp: str) -> TimelineEntry | None:
    """The entry being corrected: one of this incident's that the actor can see."""
    if corrects is None:
        return None
    entries = TimelineEntry.objects.filter(incident=incident, public_id=corrects)
    target = policy.visible(actor, entries, "view").first()
    if target is None:
        raise Invalid(
            Code.UNKNOWN_ENTRY,
            "There is no entry with this id on this incident that you can see.",
            field="corrects",
        )
    check_correctable(actor, incident, target)
    if is_stricter(target.tlp, tlp):
        raise Invalid(
            Code.MARKING_LOOSER_THAN_CORRECTED,
            f"A correction must be marked at least as strictly as the entry it corrects "
            f"({target.tlp}).",
            field="tlp",
        )
    return target


def post_entry(
    incident: Incident,
    *,
    actor,
    kind: str,
    text: str,
    tlp: str | None = None,
    occurred_at: datetime | None = None,
    location: dict | None = None,
    agency: Agency | None = None,
    corrects=None,
) -> TimelineEntry:
    """Log an entry (contribute). System and status lines are the verbs' own, not people's.

    The author must be able to read what they wrote: a RED entry from someone without a
    named grant on the incident would vanish from their own view, so it is refused and
    nothing is kept.
    """
    with verb(
        actor=actor, require=lambda _: policy.require(actor, "contribute", incident)
    ) as change:
        if kind not in AUTHORED_KINDS:
            authored = ", ".join(AUTHORED_KINDS)
            raise Invalid(
                Code.KIND_NOT_AUTHORED,
                f"People write entries of kind {authored}; {kind!r} entries are written by "
                "Concord.",
                field="kind",
            )
        tlp = _clean_marking(incident, tlp)
        occurred_at = _clean_occurred_at(occurred_at)
        _clean_location(location)
        corrected = _corrected_entry(actor, incident, corrects, tlp)
        agency = acting_agency(actor, incident, Capability.CONTRIBUTE, named=agency)
        entry = TimelineEntry.objects.create(
            incident=incident,
            kind=kind,
            text=text,
            tlp=tlp,
            author=actor,
            author_label=label_of(actor),
            agency=agency,
            location=location,
            corrects=corrected,
            occurred_at=occurred_at,
        )
        if not policy.can(actor, "view", entry):
            raise Forbidden(
                SharingErrorCode.NOT_PERMITTED,
                f"You could not read an entry marked {tlp} on this incident; it was not written.",
            )
        payload = {"entry": str(entry.public_id), "kind": kind}
        if corrected is not None:
            payload["corrects"] = str(corrected.public_id)
        describe(change, "incident.entry_posted", incident, tlp=tlp, **payload)
        return entry
