"""Under what a shared object may reach another agency, or a person of one.

In order: inside the owning agency's organisation (one is above the other in the
hierarchy), which never depends on an agreement; under an agreement in force between the
two agencies that covers the object's category and marking; or, with no such agreement,
by breaking glass: an emergency that cannot wait for one, by someone who commands the
object, with a written justification (the verb flags it in the audit trail).

The verbs that share ask here and write what the answer says; the object is described
by a `Shared`, so this module knows no domain model.
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import Model

from agencies.models import Agency
from coordination.errors import Conflict, Forbidden, Invalid
from sharing import policy
from sharing.agreements import covering_agreement
from sharing.error_codes import SharingErrorCode as Code
from sharing.models import ShareKind, SharingAgreement

MIN_JUSTIFICATION = 20


@dataclass(frozen=True)
class Shared:
    """The object being shared, as an agreement sees it: who owns it, what kind of thing
    it is (an agreement covers some kinds), its marking, and how to name it to people
    (e.g. "a flood incident")."""

    obj: Model
    owner: Agency
    category: str
    marking: str
    described: str


class Basis(NamedTuple):
    """What a share rests on: its kind, and the agreement it lasts while (if any)."""

    kind: ShareKind
    agreement: SharingAgreement | None = None


def same_organisation(a: Agency, b: Agency) -> bool:
    return a.tree_path.startswith(b.tree_path) or b.tree_path.startswith(a.tree_path)


def without_glass(shared: Shared, recipient: Agency) -> Basis | None:
    """Inside the owner's organisation, or under an agreement that covers the object."""
    if same_organisation(shared.owner, recipient):
        return Basis(ShareKind.INTERNAL)
    agreement = covering_agreement(
        shared.owner, recipient, incident_type=shared.category, marking=shared.marking
    )
    if agreement is not None:
        return Basis(ShareKind.AGREEMENT, agreement)
    return None


def first_without_glass(shared: Shared, agencies: list[Agency]) -> tuple[Agency, Basis] | None:
    """The agency (of a person's) under which they may be named without breaking glass.
    Inside the owner's organisation comes first: a grant made there never depends on an
    agreement."""
    found = None
    for agency in agencies:
        basis = without_glass(shared, agency)
        if basis is not None and basis.kind == ShareKind.INTERNAL:
            return agency, basis
        if basis is not None and found is None:
            found = agency, basis
    return found


def basis_for(
    shared: Shared, recipient: Agency, *, actor, break_glass: bool, justification: str
) -> Basis:
    """The basis a share with `recipient` may be made on, or the refusal: a 409 naming
    the missing agreement, or, when breaking glass, a 400 for a short justification and
    a 403 for someone who does not command the object."""
    basis = without_glass(shared, recipient)
    if basis is not None:
        return basis
    owner = shared.owner
    if not break_glass:
        raise Conflict(
            Code.AGREEMENT_MISSING,
            f"No sharing agreement in force between {owner.name} and {recipient.name} covers "
            f"{shared.described} marked TLP:{shared.marking}. Agree one first, or break glass "
            "with a justification.",
            lead_agency=owner.slug,
            agency=recipient.slug,
        )
    if len(justification.strip()) < MIN_JUSTIFICATION:
        raise Invalid(
            Code.BREAK_GLASS_NEEDS_JUSTIFICATION,
            f"Breaking glass needs a written justification of at least {MIN_JUSTIFICATION} "
            "characters.",
            field="justification",
        )
    if not policy.can(actor, "command", shared.obj):
        noun = type(shared.obj)._meta.verbose_name
        raise Forbidden(Code.NOT_PERMITTED, f"Only those who command the {noun} may break glass.")
    return Basis(ShareKind.BREAK_GLASS)
