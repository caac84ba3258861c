"""Writing, verifying and reading the hash-chained audit trail.

Each record's hash is SHA-256 over the previous record's hash and the record's own
canonical content. Writers take a transaction-scoped lock before reading the chain's
head, so concurrent writers still form one unbroken chain; the lock is released when
the writer's transaction ends, so a record is written if and only if its action is.
"""

import copy
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from sharing import policy
from sharing.models import AuditAction, AuditRecord

GENESIS = "0" * 64
# An arbitrary constant naming the advisory lock that serialises audit writers.
AUDIT_LOCK_KEY = 0x434F4E43


def canonical_content(record: AuditRecord) -> str:
    """The record's content as canonical JSON: what the hash covers."""
    content = {
        "at": record.at.astimezone(UTC).isoformat(),
        "action": record.action,
        "actor": record.actor_id,
        "actor_label": record.actor_label,
        "agency": record.agency_id,
        "other_agency": record.other_agency_id,
        "target_type": record.target_type,
        "target_id": record.target_id,
        "target_label": record.target_label,
        "flagged": record.flagged,
        "detail": record.detail,
        "ip_address": record.ip_address,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)


def chain_hash(prev_hash: str, record: AuditRecord) -> str:
    return hashlib.sha256((prev_hash + canonical_content(record)).encode()).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])


def label_of(user) -> str:
    """How a person or API client is named in records that must outlive them."""
    if user is None:
        return ""
    client = getattr(user, "api_client", None)
    if client is not None:
        return f"API client {client.name} ({client.agency.slug})"
    return user.get_username()


def _as_stored(ip_address: str | None) -> str | None:
    """The address as the database keeps it (IPv6 compressed, empty as NULL), so the hash
    covers what verification reads back."""
    return AuditRecord._meta.get_field("ip_address").get_prep_value(ip_address) or None


@transaction.atomic
def record(
    action: AuditAction,
    *,
    actor=None,
    agency=None,
    other_agency=None,
    target=None,
    target_label: str = "",
    flagged: bool = False,
    detail: dict[str, Any] | None = None,
    ip_address: str | None = None,
    actor_label: str | None = None,
) -> AuditRecord:
    """Append one record to the chain, inside the caller's transaction."""
    _lock_chain()
    head = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
    entry = AuditRecord(
        at=timezone.now(),
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        actor_label=actor_label if actor_label is not None else label_of(actor),
        agency=agency,
        other_agency=other_agency,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(getattr(target, "public_id", None) or getattr(target, "pk", "") or ""),
        target_label=target_label or (str(target) if target is not None else ""),
        flagged=flagged,
        detail=detail or {},
        ip_address=_as_stored(ip_address),
        prev_hash=head or GENESIS,
    )
    entry.hash = chain_hash(entry.prev_hash, entry)
    entry.save()
    return entry


@dataclass(frozen=True)
class ChainReport:
    """The outcome of walking the chain: how far it went and where (if anywhere) it broke."""

    checked: int
    broken_record: int | None = None
    reason: str | None = None

    @property
    def intact(self) -> bool:
        return self.broken_record is None


def verify_chain(records: Iterator[AuditRecord] | None = None) -> ChainReport:
    """Walk the chain in order, stopping at the first record that does not verify."""
    records = records or AuditRecord.objects.order_by("id").iterator(chunk_size=2000)
    expected_prev = GENESIS
    checked = 0
    for entry in records:
        checked += 1
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.pk, "its link to the previous record is broken")
        if chain_hash(entry.prev_hash, entry) != entry.hash:
            return ChainReport(checked, entry.pk, "its content does not match its hash")
        expected_prev = entry.hash
    return ChainReport(checked)


# Reading the trail. A record is shown to the administrators of every agency it names,
# but it may concern an object that some of them may not see (a RED incident, a share
# limited to certain roles, a share since revoked). It then tells them only what they may
# see now: the stored row, which the hash covers, is never changed; what is withheld is
# withheld on the way out.

WITHHELD = "withheld"
# Detail that speaks of the grant, not of the object: which level, which roles, which
# person, which agreement. Everything else (a marking, a status, a reason, a break-glass
# justification that may quote the title) describes the object and is withheld.
GRANT_DETAIL = frozenset({"level", "roles", "person", "kind", "agreement"})


def unseen_label(model: type[Model]) -> str:
    """What a record says in place of an object the reader may not see."""
    noun = str(model._meta.verbose_name)
    article = "an" if noun[:1].lower() in "aeiou" else "a"
    return f"{article} {noun} you cannot see"


def _guarded() -> dict[str, type[Model]]:
    """The shareable models by the `target_type` records name them with."""
    return {spec.model._meta.label_lower: spec.model for spec in policy.registered()}


def _key_field(model: type[Model]) -> str:
    """The field `record` names a target by: its id on the wire where it has one."""
    names = {field.name for field in model._meta.concrete_fields}
    return "public_id" if "public_id" in names else "pk"


def _keys(model: type[Model], target_ids: Iterable[str]) -> dict[Any, str]:
    """The stored ids that are well-formed keys of `model`, by key: a malformed one names
    nothing the reader could be shown."""
    key = _key_field(model)
    field = model._meta.pk if key == "pk" else model._meta.get_field(key)
    keys = {}
    for target_id in target_ids:
        try:
            keys[field.to_python(target_id)] = target_id
        except ValidationError:
            continue
    return keys


def _seen(user, model: type[Model], target_ids: Iterable[str]) -> set[str]:
    """Which of these stored ids name an object of `model` the user may view now."""
    keys = _keys(model, target_ids)
    if not keys:
        return set()
    key = _key_field(model)
    visible = policy.visible(user, model._default_manager.filter(**{f"{key}__in": list(keys)}))
    return {keys[value] for value in visible.values_list(key, flat=True)}


def as_read_by(user, records: Iterable[AuditRecord]) -> list[AuditRecord]:
    """The records as `user` may read them now, each with `withheld` set.

    One question to the policy per shareable type on the page, whatever its length. A
    record about an object the user may not view comes back as an unsaved copy: no
    target id, the label "an incident you cannot see" (from the model's name, as
    `sharing` knows no incidents), and only the detail that speaks of the grant. Its
    hash still covers the stored row, which `verify_chain` reads.
    """
    records = list(records)
    guarded = _guarded()
    wanted: dict[str, set[str]] = {}
    for entry in records:
        if entry.target_type in guarded:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    seen = {
        (target_type, target_id)
        for target_type, target_ids in wanted.items()
        for target_id in _seen(user, guarded[target_type], target_ids)
    }
    shown = []
    for entry in records:
        hidden = entry.target_type in guarded and (entry.target_type, entry.target_id) not in seen
        if hidden:
            entry = copy.copy(entry)
            entry.target_id = ""
            entry.target_label = unseen_label(guarded[entry.target_type])
            detail = entry.detail if isinstance(entry.detail, dict) else {}
            entry.detail = {
                name: value if name in GRANT_DETAIL else WITHHELD for name, value in detail.items()
            }
        entry.withheld = hidden
        shown.append(entry)
    return shown


def about_target(user, target_id: str) -> Q:
    """Records about the object `target_id` names, where the user may view it now: asking
    for an object one may not see finds nothing, as asking for one that does not exist."""
    condition = Q(target_id=target_id)
    for target_type, model in _guarded().items():
        if not _seen(user, model, [target_id]):
            condition &= ~Q(target_type=target_type)
    return condition
