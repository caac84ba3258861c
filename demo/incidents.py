"""The demo's incidents, each run by a person of its lead agency, known by title.

Signing in as different demo people shows different boards: the lead agency's own
incidents, what other agencies shared under an agreement (or by breaking glass), AMBER
reaching down an organisation, RED seen only by the people named on it, and shares that
stopped counting when their agreement lapsed. Each incident of `incidents.json` is opened
at a place of `places.json` by `<lead>.<actor>` (the duty officer unless it says), then
revised, shared, re-marked, given named people, and moved through its steps, in that order.
"""

from collections import Counter

from demo.scenario import read
from incidents.models import Incident
from incidents.services import incidents as incident_services
from incidents.services import sharing as sharing_services
from sharing.access import Access


def seed_incidents(agencies, people, counts: Counter, say) -> None:
    specs = read("incidents.json")
    places = read("places.json")
    present = set(
        Incident.objects.filter(title__in=[spec["title"] for spec in specs]).values_list(
            "title", flat=True
        )
    )
    counts["incidents_present"] = len(present)
    for spec in specs:
        if spec["title"] not in present:
            incident = run_incident(spec, places[spec["at"]]["at"], agencies, people)
            counts["incidents_created"] += 1
            say(f"Opened {incident}")


def run_incident(spec: dict, at: list[float], agencies, people) -> Incident:
    actor = people[f"{spec['lead']}.{spec.get('actor', 'duty_officer')}"]
    incident = incident_services.open_incident(
        actor=actor,
        title=spec["title"],
        incident_type=spec["incident_type"],
        severity=spec["severity"],
        location={"type": "Point", "coordinates": at},
        tlp=spec["tlp"],
        lead_agency=agencies[spec["lead"]],
        description=spec["description"],
        is_exercise=spec.get("is_exercise", False),
    )
    if "revised" in spec:
        incident = incident_services.update_incident(incident, actor=actor, **spec["revised"])
    for share in spec.get("shares", ()):
        sharing_services.share_incident(
            incident,
            actor=actor,
            agency=agencies[share["agency"]],
            level=Access.named(share["level"]),
            roles=share.get("roles"),
            break_glass="break_glass_because" in share,
            justification=share.get("break_glass_because", ""),
        )
    if "remarked" in spec:
        incident = incident_services.change_marking(incident, spec["remarked"], actor=actor)
    name_people(incident, spec.get("named", {}), actor, people)
    for step in spec.get("steps", ()):
        incident = incident_services.change_status(
            incident, step["to"], actor=actor, reason=step["reason"]
        )
    return incident


def name_people(incident: Incident, named: dict[str, str], actor, people) -> None:
    """Grant each named person (username -> access level) the incident, one by one."""
    for username, level in named.items():
        sharing_services.grant_person(
            incident, actor=actor, person=people[username], level=Access.named(level)
        )
