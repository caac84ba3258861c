"""One shape for every write of every app: the verb skeleton.

A verb is a function per business action (`change_status(incident, to, *, actor, ...)`).
Its body runs inside `verb(...)`, which owns what every write must do in the same order:

    with verb(actor=actor, lock=incident, expected_version=version, require=..., recheck=...)
            as change:
        incident = change.row             # re-read and locked, at the version edited
        ...                               # the write itself
        change.bump(incident)             # the new version (its ETag)
        change.audit(AuditAction.STATUS_CHANGED, agency=..., target=incident, detail=...)
        change.describe("incident.status_changed", target=incident, tlp=incident.tlp, ...)

One transaction holds it all; the permission check (`require`, given the locked row) runs
before the body, the visibility re-check (`recheck`, given what the event is about) after
it, and a refusal from either rolls everything back. On the way out exactly one outbox
event describes what the call did. A verb that changes nothing describes nothing and
emits nothing.

Verbs call verbs (opening an incident routes it; bringing in a participant shares the
incident with it). The outermost call is the one a caller made, so it alone emits: an
inner verb's description is folded into the outer's event (`payload["folded"]`, each
inner kind with its payload), and the agencies it was addressed to are added to the
outer's. An outer verb that only guards an inner one (locks, checks, then calls it)
describes nothing itself: the inner's description becomes its event.

`ledger` knows no app: the permission and the visibility rules are the caller's
(`sharing.policy` for shared objects, `agencies.access` for an agency's own records).
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Model, QuerySet

from coordination.concurrency import check_version
from ledger import audit, outbox
from ledger.models import AuditAction, AuditRecord

_running: ContextVar["Change | None"] = ContextVar("ledger_running_verb", default=None)


@dataclass
class Description:
    """What a verb call did, as its outbox event will say it."""

    kind: str
    target: Model
    reference: tuple[str, str]
    tlp: str
    payload: dict[str, Any]
    agencies: list = field(default_factory=list)

    def as_folded(self) -> dict[str, Any]:
        return {"kind": self.kind, "payload": self.payload}


@dataclass
class Change:
    """One verb call under way: the row it locked, and what it will be said to have done."""

    actor: Any
    row: Model | None = None
    described: Description | None = None
    folded: list[Description] = field(default_factory=list)

    def lock(self, row: Model | QuerySet, expected_version: int | None = None) -> Model:
        """`row` re-read and locked until commit (its own row only: `of=("self",)`, so
        joined rows loaded with it stay free), refused with 412 unless it is at the
        version the caller edited. A queryset says what to load with it."""
        queryset = (
            row if isinstance(row, QuerySet) else type(row)._default_manager.filter(pk=row.pk)
        )
        locked = queryset.select_for_update(of=("self",)).get()
        if expected_version is not None:
            check_version(locked.version, expected_version)
        return locked

    def bump(self, row: Model) -> None:
        """The row's next version, so every earlier ETag of it goes stale."""
        row.version += 1

    def audit(self, action: AuditAction, **record) -> AuditRecord:
        """Append the audit record of this change, by this verb's actor."""
        return audit.record(action, actor=self.actor, **record)

    def describe(
        self,
        kind: str,
        /,
        *,
        target: Model,
        tlp: str = "",
        changed=(),
        agencies=(),
        **payload: Any,
    ) -> None:
        """Say what the call did: its event's kind, what it concerns, the marking that
        decides who may receive it, the fields it changed, and anything a reader of the
        event needs. Names (ids, slugs, field names, statuses), never content: an event
        may be addressed to `agencies` that may not see `target` itself."""
        if self.described is not None:
            raise RuntimeError(f"A verb emits one event; it already said {self.described.kind}.")
        if changed:
            payload["changed"] = sorted(changed)
        self.described = Description(
            kind, target, outbox.reference(target), tlp, payload, list(agencies)
        )

    def _event(self) -> Description | None:
        """The one event the call emits, inner verbs' descriptions folded into it."""
        own, folded = self.described, list(self.folded)
        if own is None and folded:
            own = folded.pop(0)
        if own is None:
            return None
        if folded:
            own.payload["folded"] = [inner.as_folded() for inner in folded]
        for inner in folded:
            own.agencies += [agency for agency in inner.agencies if agency not in own.agencies]
        return own


@contextmanager
def verb(
    *,
    actor,
    lock: Model | QuerySet | None = None,
    expected_version: int | None = None,
    require: Callable[[Model | None], None] | None = None,
    recheck: Callable[[Model], None] | None = None,
) -> Iterator[Change]:
    """Run a verb's body as one transaction that emits one event (see the module's doc).

    `lock` is the row the verb edits (locked and version-checked first); `require`
    refuses an actor who may not make the change, given that row; `recheck` refuses a
    change that leaves the actor unable to see what the event is about.
    """
    with transaction.atomic():
        change = Change(actor=actor)
        if lock is not None:
            change.row = change.lock(lock, expected_version)
        if require is not None:
            require(change.row)
        outer = _running.get()
        token = _running.set(change)
        try:
            yield change
        finally:
            _running.reset(token)
        event = change._event()
        if event is None:
            return
        if recheck is not None:
            recheck(event.target)
        if outer is not None:
            outer.folded.append(event)
            return
        outbox.emit(
            event.kind,
            target=event.reference,
            tlp=event.tlp,
            actor=actor,
            agencies=event.agencies,
            payload=event.payload,
        )
