"""Unified command and the work of a few demo incidents (`command.json`).

Most demo incidents are only opened and shared; these are also run the way a working
incident is: agencies brought into unified command, two operational periods (the last
twelve hours and the one just starting) with positions held by people of three agencies,
a timeline with lines at several markings (a RED line only the named people read, and
corrections), tasks and resource requests at every stage, and one situation report. Every
line is written by a demo person, so the sides and permissions are those of real data.
An incident that already has operational periods is left alone.
"""

from collections import Counter
from datetime import timedelta

from django.utils import timezone

from demo.incidents import name_people
from demo.scenario import read
from incidents.models import Incident
from incidents.services import command as command_services
from incidents.services import participants as participant_services
from incidents.services import resource_requests as request_services
from incidents.services import sitreps as sitrep_services
from incidents.services import tasks as task_services
from incidents.services import timeline as timeline_services
from incidents.services.command import ObjectiveInput

# The previous period ends, and the current one starts, this long after seeding: a
# position can be filled only in a period that has not ended yet.
HANDOVER_DELAY = timedelta(minutes=1)
PERIOD_LENGTH = timedelta(hours=12)


def seed_command(agencies, people, counts: Counter, say) -> None:
    specs = read("command.json")
    incidents = {
        incident.title: incident
        for incident in Incident.objects.filter(title__in=[spec["title"] for spec in specs])
    }
    for spec in specs:
        incident = incidents.get(spec["title"])
        if incident is None:
            continue
        if incident.periods.exists():
            counts["command_structures_present"] += 1
            continue
        run_command(spec, incident, agencies, people)
        counts["command_structures_created"] += 1
        say(f"Set up unified command for {incident}")


def run_command(spec: dict, incident: Incident, agencies, people) -> None:
    commander = people[spec["commander"]]
    for slug, part in spec["participants"].items():
        participant_services.add_participant(
            incident, actor=commander, agency=agencies[slug], part=part
        )
    name_people(incident, spec["named"], commander, people)
    open_periods(spec, incident, commander, people)
    post_timeline(spec["timeline"], incident, people)
    create_tasks(spec["tasks"], incident, commander, agencies, people)
    request_resources(spec["resource_requests"], incident, agencies, people)
    sitrep_services.issue_sitrep(
        incident,
        actor=commander,
        summary=spec["sitrep"]["summary"],
        figures=spec["sitrep"]["figures"],
    )


def open_periods(spec: dict, incident: Incident, commander, people) -> None:
    """The previous period runs up to the handover, its positions carried into the current
    one, which starts at the handover and is made current straight away."""
    handover = timezone.now() + HANDOVER_DELAY
    previous, current = spec["previous_period"], spec["current_period"]
    period = command_services.open_period(
        incident,
        actor=commander,
        starts_at=handover - PERIOD_LENGTH,
        ends_at=handover,
        objectives=[ObjectiveInput(text=text) for text in previous["objectives"]],
    )
    fill_positions(period, previous["positions"], commander, people)
    period = command_services.open_period(
        incident,
        actor=commander,
        starts_at=handover,
        ends_at=handover + PERIOD_LENGTH,
        objectives=[ObjectiveInput(text=text) for text in current["objectives"]],
        carry_over=True,
    )
    period = command_services.activate_period(period, actor=commander)
    fill_positions(period, current["added_positions"], commander, people)


def fill_positions(period, positions: list[dict], commander, people) -> None:
    for position in positions:
        command_services.fill_position(
            period,
            actor=commander,
            kind=position["kind"],
            person=people[position["person"]],
            name=position.get("name", ""),
        )


def post_timeline(entries: list[dict], incident: Incident, people) -> None:
    """Each line `hours_ago` before seeding; `corrects` is the index of an earlier line."""
    now = timezone.now()
    posted = []
    for entry in entries:
        corrects = entry.get("corrects")
        posted.append(
            timeline_services.post_entry(
                incident,
                actor=people[entry["author"]],
                kind=entry["kind"],
                text=entry["text"],
                tlp=entry.get("tlp"),
                occurred_at=now - timedelta(hours=entry["hours_ago"]),
                corrects=None if corrects is None else posted[corrects].public_id,
            )
        )


def create_tasks(tasks: list[dict], incident: Incident, commander, agencies, people) -> None:
    """Each task given to an agency (and a person, if named), then moved by whoever its
    steps say."""
    for spec in tasks:
        task = task_services.create_task(
            incident,
            actor=commander,
            title=spec["title"],
            assigned_agency=agencies[spec["agency"]],
            assigned_person=people[spec["person"]] if "person" in spec else None,
            priority=spec["priority"],
            period=spec.get("period"),
        )
        for step in spec.get("steps", ()):
            task = task_services.change_task_status(
                task, step["to"], actor=people[step["by"]], note=step.get("note", "")
            )


def request_resources(requests: list[dict], incident: Incident, agencies, people) -> None:
    """Each request from a person of the requesting agency to the supplier; each step is
    taken by a person of the side it belongs to."""
    for spec in requests:
        request = request_services.request_resources(
            incident,
            actor=people[spec["requester"]],
            supplying_agency=agencies[spec["supplier"]],
            resource_kind=spec["resource_kind"],
            quantity=spec["quantity"],
            details=spec["details"],
            priority=spec["priority"],
        )
        for step in spec.get("steps", ()):
            request = request_services.take_step(
                request, step["to"], actor=people[step["by"]], note=step.get("note", "")
            )
