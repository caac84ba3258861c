"""Reading the audit trail as a person may read it now, through the sharing policy.

The trail itself (writing, chaining, verifying) is `ledger.audit`'s.
"""

import copy
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q

from ledger.models import AuditRecord
from sharing import policy

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
