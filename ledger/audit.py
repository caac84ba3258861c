"""Writing and verifying the hash-chained audit trail.

Each record's hash is SHA-256 over the previous record's hash and the record's own
canonical content. Writers take a transaction-scoped lock before reading the chain's
head, so concurrent writers still form one unbroken chain; the lock is released when
the writer's transaction ends, so a record is written if and only if its action is.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from ledger.models import AuditAction, AuditRecord

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
    """How a person or API client is named in records that must outlive them (an API
    client's account carries `api_client`, from `agencies`, which this app does not import)."""
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
