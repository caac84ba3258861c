"""The sharing agreements the demo's incidents travel under, known by name.

Terms are in days from the day of seeding. Each party's administrator accepts. An
agreement the demo shows lapsed (suspended, or run out) lapses only after the incidents
are shared under it, since sharing under a lapsed agreement is refused.
"""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from demo.scenario import read
from sharing.agreements import accept_agreement, propose_agreement, suspend_agreement
from sharing.models import SharingAgreement


def seed_agreements(agencies, people, counts: Counter, say) -> dict[str, SharingAgreement]:
    """Propose and accept each missing agreement; those created in this run, by name."""
    specs = read("agreements.json")
    present = set(
        SharingAgreement.objects.filter(name__in=[spec["name"] for spec in specs]).values_list(
            "name", flat=True
        )
    )
    counts["agreements_present"] = len(present)
    now = timezone.now()
    created = {}
    for spec in specs:
        if spec["name"] in present:
            continue
        runs_for = spec.get("runs_for_days")
        agreement = propose_agreement(
            proposer=agencies[spec["proposer"]],
            parties=[agencies[slug] for slug in spec["parties"]],
            name=spec["name"],
            description=spec["description"],
            max_tlp=spec["max_tlp"],
            incident_types=spec["incident_types"],
            valid_from=now - timedelta(days=spec["began_days_ago"]),
            valid_until=now + timedelta(days=runs_for) if runs_for else None,
            review_due=(now + timedelta(days=spec["review_in_days"])).date(),
            actor=people[f"{spec['proposer']}.admin"],
        )
        for slug in spec["parties"]:
            accept_agreement(agreement, agency=agencies[slug], actor=people[f"{slug}.admin"])
        created[spec["name"]] = agreement
        counts["agreements_created"] += 1
        say(f"Agreed {spec['name']}")
    return created


def lapse_agreements(created: dict[str, SharingAgreement], agencies, people, say) -> None:
    """Suspend, or let run out, the agreements created in this run that the demo shows so."""
    now = timezone.now()
    for spec in read("agreements.json"):
        agreement = created.get(spec["name"])
        if agreement is None:
            continue
        if "suspended_by" in spec:
            suspend_agreement(
                agreement,
                agency=agencies[spec["suspended_by"]],
                actor=people[f"{spec['suspended_by']}.admin"],
                reason=spec["suspension_reason"],
            )
            say(f"Suspended {spec['name']}")
        if "ended_days_ago" in spec:
            # The one place the demo fast-forwards time: no verb can end an agreement in
            # the past, and a demo cannot wait for one to run out.
            SharingAgreement.objects.filter(pk=agreement.pk).update(
                valid_until=now - timedelta(days=spec["ended_days_ago"])
            )
            say(f"Let {spec['name']} run out")
