"""Unified command and the work of a few demo incidents.

Most demo incidents are only opened and shared; the ones here are also run the way a
working incident is: agencies brought into unified command, two operational periods
(the last twelve hours and the one just starting) with positions held by people of
three agencies, a timeline with entries at several markings (a RED line only the named
people read, and corrections), tasks and resource requests at every stage, and one
situation report. Every line is written by a demo person through the service verbs, so
the sides and permissions are exactly those of real data. An incident that already has
operational periods is left alone, so seeding twice changes nothing.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from incidents.models import (
    EntryKind,
    Incident,
    ParticipantPart,
    PositionKind,
    Priority,
    ResourceStatus,
    TaskStatus,
)
from incidents.services import command as command_services
from incidents.services import participants as participant_services
from incidents.services import resource_requests as request_services
from incidents.services import sharing as sharing_services
from incidents.services import sitreps as sitrep_services
from incidents.services import tasks as task_services
from incidents.services import timeline as timeline_services
from incidents.services.command import ObjectiveInput
from sharing.access import Access
from sharing.markings import TLP

K = PositionKind
NOTE, DECISION = EntryKind.NOTE, EntryKind.DECISION
OBSERVATION, COMMUNICATION = EntryKind.OBSERVATION, EntryKind.COMMUNICATION
UNIFIED, ASSISTING, COOPERATING = (
    ParticipantPart.UNIFIED_COMMAND,
    ParticipantPart.ASSISTING,
    ParticipantPart.COOPERATING,
)
STRICT, RED = TLP.AMBER_STRICT, TLP.RED
APPROVED, ASSIGNED, EN_ROUTE = (
    ResourceStatus.APPROVED,
    ResourceStatus.ASSIGNED,
    ResourceStatus.EN_ROUTE,
)
DELIVERED, DENIED, CANCELLED = (
    ResourceStatus.DELIVERED,
    ResourceStatus.DENIED,
    ResourceStatus.CANCELLED,
)
IN_PROGRESS, BLOCKED, DONE = TaskStatus.IN_PROGRESS, TaskStatus.BLOCKED, TaskStatus.DONE

# The previous period ends, and the current one starts, this long after seeding: a
# position can be filled only in a period that has not ended yet.
HANDOVER_DELAY = timedelta(minutes=1)
PERIOD_LENGTH = timedelta(hours=12)


@dataclass(frozen=True)
class DemoPosition:
    """`person` (a demo username) fills `kind` for the agency they belong to."""

    kind: str
    person: str
    name: str = ""


@dataclass(frozen=True)
class DemoEntry:
    """A timeline line `hours_ago` before seeding; `corrects` is the index of an earlier
    entry of the same incident."""

    author: str
    kind: str
    text: str
    hours_ago: float
    tlp: str | None = None
    corrects: int | None = None


@dataclass(frozen=True)
class DemoTask:
    """A task given to `agency` (and `person`, if named), then moved by who `steps` say:
    (status, username, note)."""

    title: str
    agency: str
    person: str = ""
    priority: str = Priority.NORMAL
    period: int | None = None
    steps: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class DemoRequest:
    """`requester` asks `supplier` for resources; `steps` are (status, username, note),
    each taken by a person of the side the step belongs to."""

    requester: str
    supplier: str
    resource_kind: str
    quantity: int
    details: str
    priority: str = Priority.NORMAL
    steps: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class DemoCommand:
    """The command structure and work of the demo incident titled `title`, run by
    `commander` (a person of the lead agency who may command and share)."""

    title: str
    commander: str
    participants: tuple[tuple[str, str], ...]
    named: tuple[tuple[str, Access], ...]
    previous_objectives: tuple[str, ...]
    current_objectives: tuple[str, ...]
    positions: tuple[DemoPosition, ...]
    added_positions: tuple[DemoPosition, ...]
    entries: tuple[DemoEntry, ...]
    tasks: tuple[DemoTask, ...]
    requests: tuple[DemoRequest, ...]
    sitrep_summary: str
    sitrep_figures: dict


FIRE_DO, FIRE_OPS, FIRE_PLAN = (
    "marrow-fire.duty_officer",
    "marrow-fire.responder",
    "marrow-fire.analyst",
)
PD_DO, PD_OFFICER, PD_ANALYST = (
    "port-calder-police.duty_officer",
    "port-calder-police.responder",
    "port-calder-police.analyst",
)
EMS_DO, EMS_MEDIC = "coastal-ems.duty_officer", "coastal-ems.responder"
CITY_EM_DO = "port-calder-em.duty_officer"
WATER_DO, WATER_OPS, WATER_ANALYST = (
    "vell-water.duty_officer",
    "vell-water.responder",
    "vell-water.analyst",
)
COUNTY_EM_DO, COUNTY_EM_ANALYST = "marrow-county-em.duty_officer", "marrow-county-em.analyst"
HEALTH_DO = "marrow-public-health.duty_officer"

DOCK_STREET = DemoCommand(
    title="Warehouse fire on Dock Street",
    commander=FIRE_DO,
    participants=(
        ("port-calder-police", UNIFIED),
        ("coastal-ems", ASSISTING),
        ("port-calder-em", ASSISTING),
    ),
    named=((FIRE_PLAN, Access.CONTRIBUTE), (PD_DO, Access.CONTRIBUTE)),
    previous_objectives=(
        "Protect the exposures on both sides of 14 Dock Street",
        "Keep Front Street clear for apparatus and ambulances",
        "Account for everyone who works on the block",
    ),
    current_objectives=(
        "Complete overhaul and hand the site to the fire investigators",
        "Reopen Front Street to traffic by the morning commute",
    ),
    positions=(
        DemoPosition(K.INCIDENT_COMMANDER, FIRE_DO),
        DemoPosition(K.INCIDENT_COMMANDER, PD_DO),
        DemoPosition(K.OPERATIONS_SECTION_CHIEF, FIRE_OPS),
        DemoPosition(K.PLANNING_SECTION_CHIEF, FIRE_PLAN),
        DemoPosition(K.BRANCH_DIRECTOR, PD_OFFICER, "Law Enforcement Branch"),
        DemoPosition(K.GROUP_SUPERVISOR, EMS_MEDIC, "Medical Group"),
    ),
    added_positions=(DemoPosition(K.LIAISON_OFFICER, EMS_DO),),
    entries=(
        DemoEntry(
            FIRE_DO,
            OBSERVATION,
            "First engine on scene: smoke from the roof vents of "
            "14 Dock Street, no one at the doors.",
            11.8,
        ),
        DemoEntry(FIRE_DO, DECISION, "Second alarm struck; command post at Dock and Front.", 11.6),
        DemoEntry(
            PD_OFFICER,
            COMMUNICATION,
            "Two units closing Front Street between Dock Street and Cannery Row.",
            11.5,
        ),
        DemoEntry(
            FIRE_OPS,
            OBSERVATION,
            "Fire through the roof on the river side; the east wall is bowing.",
            11.2,
        ),
        DemoEntry(
            FIRE_DO,
            DECISION,
            "Defensive operations only; collapse zone one and a half times the wall height.",
            11.0,
        ),
        DemoEntry(EMS_MEDIC, NOTE, "Two ambulances staged on Front Street by the car park.", 10.8),
        DemoEntry(
            FIRE_PLAN,
            NOTE,
            "Building plans from the city: cold store, ammonia plant removed in 2019.",
            10.5,
        ),
        DemoEntry(
            FIRE_PLAN, NOTE, "Owner says the ammonia plant was removed in 2019.", 10.4, corrects=6
        ),
        DemoEntry(
            PD_DO,
            DECISION,
            "Police join unified command; Port Calder PD holds the perimeter and traffic.",
            10.2,
        ),
        DemoEntry(FIRE_OPS, OBSERVATION, "East wall down into the yard; no exposures hit.", 9.7),
        DemoEntry(
            EMS_MEDIC,
            OBSERVATION,
            "One firefighter treated for heat exhaustion, released back to duty.",
            9.3,
        ),
        DemoEntry(
            PD_OFFICER, COMMUNICATION, "Buses diverted along Harbor Street; transit informed.", 9.0
        ),
        DemoEntry(
            FIRE_DO,
            COMMUNICATION,
            "Smoke advisory requested for the Front Street flats from the city's PIO.",
            8.6,
        ),
        DemoEntry(
            FIRE_PLAN, OBSERVATION, "Smoke plume drifting north-east over the transit centre.", 8.2
        ),
        DemoEntry(
            FIRE_DO,
            NOTE,
            "Crews rotated through rehab; second alarm companies relieved by Station 3.",
            7.5,
        ),
        DemoEntry(
            FIRE_PLAN,
            NOTE,
            "The building was on the fire marshal's list of vacant "
            "premises with open doors since March.",
            7.0,
            tlp=STRICT,
        ),
        DemoEntry(
            PD_OFFICER,
            OBSERVATION,
            "Padlock on the north gate cut before the fire; scene held for investigators.",
            6.5,
        ),
        DemoEntry(
            PD_DO, DECISION, "Arson investigators requested; scene to be held overnight.", 6.2
        ),
        DemoEntry(
            PD_DO,
            NOTE,
            "A witness names a former tenant seen on the yard at 21:40; "
            "detectives are tracing him. Not for wider release.",
            5.8,
            tlp=RED,
        ),
        DemoEntry(
            PD_DO,
            NOTE,
            "Correction: the witness saw the former tenant at 20:40, not 21:40.",
            5.5,
            tlp=RED,
            corrects=18,
        ),
        DemoEntry(
            FIRE_OPS,
            OBSERVATION,
            "Main body of fire knocked down; hot spots in the collapsed roof.",
            5.0,
        ),
        DemoEntry(
            FIRE_DO,
            DECISION,
            "Release the second alarm companies; one engine and the ladder stay.",
            4.6,
        ),
        DemoEntry(EMS_MEDIC, NOTE, "Medical group stood down to one ambulance on standby.", 4.2),
        DemoEntry(
            FIRE_PLAN,
            NOTE,
            "Insurer's loss adjuster contacted the owner; asked for "
            "access details only through the fire district.",
            3.8,
            tlp=STRICT,
        ),
        DemoEntry(
            PD_OFFICER, COMMUNICATION, "Front Street open one lane eastbound under flagging.", 3.2
        ),
        DemoEntry(
            FIRE_OPS, OBSERVATION, "Thermal scan shows two hot spots under the roof steel.", 2.6
        ),
        DemoEntry(
            FIRE_DO, NOTE, "Planning meeting for the next period at 06:30 at the command post.", 1.8
        ),
        DemoEntry(
            EMS_DO,
            COMMUNICATION,
            "Coastal EMS liaison joins the command post for the next period.",
            1.2,
        ),
        DemoEntry(FIRE_PLAN, NOTE, "IAP for period 2 circulated to the unified command.", 0.8),
        DemoEntry(
            FIRE_DO,
            DECISION,
            "Overhaul in daylight with an excavator; no one inside the walls.",
            0.4,
        ),
    ),
    tasks=(
        DemoTask(
            "Hold the collapse zone on Dock Street",
            "marrow-fire",
            FIRE_OPS,
            Priority.HIGH,
            1,
            ((IN_PROGRESS, FIRE_OPS, ""), (DONE, FIRE_OPS, "")),
        ),
        DemoTask(
            "Close Front Street between Dock Street and Cannery Row",
            "port-calder-police",
            PD_OFFICER,
            Priority.HIGH,
            1,
            ((IN_PROGRESS, PD_OFFICER, ""),),
        ),
        DemoTask(
            "Run rehab and triage at the Front Street car park",
            "coastal-ems",
            EMS_MEDIC,
            Priority.NORMAL,
            1,
            ((IN_PROGRESS, EMS_MEDIC, ""), (DONE, EMS_MEDIC, "")),
        ),
        DemoTask(
            "Monitor air quality downwind of the fire",
            "marrow-fire",
            FIRE_PLAN,
            Priority.NORMAL,
            2,
            ((BLOCKED, FIRE_PLAN, "The monitor at Station 3 is out of service."),),
        ),
        DemoTask(
            "Warn the businesses on Cannery Row about the smoke",
            "port-calder-em",
            priority=Priority.LOW,
            period=2,
        ),
        DemoTask(
            "Arrange a crane for the overhaul",
            "marrow-fire",
            priority=Priority.NORMAL,
            period=2,
            steps=(
                (TaskStatus.CANCELLED, FIRE_DO, "An excavator from the city yard does the job."),
            ),
        ),
        DemoTask(
            "Photograph the north gate and the yard for the investigators",
            "port-calder-police",
            PD_ANALYST,
            Priority.NORMAL,
            2,
        ),
    ),
    requests=(
        DemoRequest(
            FIRE_DO,
            "coastal-ems",
            "Ambulance (ground)",
            2,
            "ALS units to stand by at the command post.",
            Priority.HIGH,
            (
                (APPROVED, EMS_DO, ""),
                (ASSIGNED, EMS_DO, "Medic 12 and Medic 15."),
                (EN_ROUTE, EMS_DO, ""),
                (DELIVERED, FIRE_DO, "Both on scene."),
            ),
        ),
        DemoRequest(
            FIRE_DO,
            "port-calder-police",
            "Traffic control officers",
            4,
            "For the Front Street closure and the bus diversion.",
            Priority.HIGH,
            ((APPROVED, PD_DO, ""), (ASSIGNED, PD_DO, ""), (EN_ROUTE, PD_DO, "")),
        ),
        DemoRequest(
            PD_DO,
            "marrow-fire",
            "Lighting unit",
            1,
            "To light the perimeter on the yard side overnight.",
            Priority.NORMAL,
            ((APPROVED, FIRE_DO, ""), (ASSIGNED, FIRE_DO, "Light 1 from Station 1.")),
        ),
        DemoRequest(
            FIRE_DO,
            "coastal-ems",
            "Rehab unit",
            1,
            "Rehab for crews rotating through the overhaul.",
            Priority.NORMAL,
            ((APPROVED, EMS_DO, ""),),
        ),
        DemoRequest(
            EMS_MEDIC,
            "port-calder-police",
            "Escort",
            1,
            "Escort for the ambulance through the diversion.",
            Priority.LOW,
        ),
        DemoRequest(
            FIRE_DO,
            "port-calder-em",
            "Transit bus for shelter",
            1,
            "Somewhere warm for crews between rotations.",
            Priority.LOW,
            ((DENIED, CITY_EM_DO, "No buses free; use the Station 1 day room."),),
        ),
        DemoRequest(
            PD_DO,
            "marrow-fire",
            "Thermal imaging drone",
            1,
            "To search the yard for anyone hiding.",
            Priority.NORMAL,
            ((CANCELLED, PD_DO, "Yard searched on foot; nothing found."),),
        ),
    ),
    sitrep_summary="Fire knocked down in the disused cold store at 14 Dock Street; the east "
    "wall has collapsed into the yard. One firefighter treated and back on duty. Front Street "
    "open one lane; overhaul in daylight. Arson investigators hold the scene.",
    sitrep_figures={
        "injured": 1,
        "evacuated": 24,
        "structures_destroyed": 1,
        "structures_damaged": 2,
        "notes": "The evacuated are the residents of the Front Street flats.",
    },
)

CHLORINE = DemoCommand(
    title="Chlorine leak at the Vell River water treatment plant",
    commander=WATER_DO,
    participants=(
        ("marrow-fire", UNIFIED),
        ("coastal-ems", ASSISTING),
        ("marrow-county-em", ASSISTING),
        ("marrow-public-health", ASSISTING),
        ("esterly-fire", COOPERATING),
    ),
    named=((WATER_ANALYST, Access.CONTRIBUTE),),
    previous_objectives=(
        "Stop the release at the dosing room valve",
        "Keep the public within 800 m sheltered in place",
        "Keep water treatment running on the standby line",
    ),
    current_objectives=(
        "Decontaminate the dosing room and return it to the plant",
        "Lift the shelter-in-place order when readings allow",
    ),
    positions=(
        DemoPosition(K.INCIDENT_COMMANDER, WATER_DO),
        DemoPosition(K.INCIDENT_COMMANDER, FIRE_DO),
        DemoPosition(K.OPERATIONS_SECTION_CHIEF, FIRE_OPS),
        DemoPosition(K.GROUP_SUPERVISOR, WATER_OPS, "Plant Operations Group"),
        DemoPosition(K.SAFETY_OFFICER, FIRE_PLAN),
        DemoPosition(K.GROUP_SUPERVISOR, EMS_MEDIC, "Medical Group"),
        DemoPosition(K.LIAISON_OFFICER, COUNTY_EM_DO),
    ),
    added_positions=(DemoPosition(K.PLANNING_SECTION_CHIEF, COUNTY_EM_ANALYST),),
    entries=(
        DemoEntry(
            WATER_OPS,
            OBSERVATION,
            "Chlorine alarm in the dosing room; operators out, doors shut.",
            11.9,
        ),
        DemoEntry(WATER_DO, DECISION, "Plant evacuated to the muster point at the gate.", 11.8),
        DemoEntry(WATER_DO, COMMUNICATION, "Marrow Fire hazmat team requested.", 11.7),
        DemoEntry(
            FIRE_DO,
            DECISION,
            "Marrow Fire joins unified command; hazmat team entering in level A suits.",
            11.2,
        ),
        DemoEntry(
            COUNTY_EM_DO, COMMUNICATION, "Shelter-in-place alert sent to phones within 800 m.", 11.0
        ),
        DemoEntry(
            FIRE_OPS,
            OBSERVATION,
            "Leak at the cylinder valve gland; readings 25 ppm at the door.",
            10.6,
        ),
        DemoEntry(
            FIRE_OPS,
            OBSERVATION,
            "Correction: 15 ppm at the door, 25 ppm inside.",
            10.5,
            corrects=5,
        ),
        DemoEntry(
            EMS_MEDIC,
            NOTE,
            "Two plant operators checked for exposure; one to Marrow General with coughing.",
            10.2,
        ),
        DemoEntry(
            WATER_OPS, NOTE, "Standby dosing line running; treated water within limits.", 9.8
        ),
        DemoEntry(FIRE_OPS, DECISION, "Fit the chlorine emergency kit B to the valve.", 9.4),
        DemoEntry(FIRE_OPS, OBSERVATION, "Kit fitted; readings falling at the door.", 8.7),
        DemoEntry(
            COUNTY_EM_DO,
            NOTE,
            "Warming centre on standby at the Esterly library in case the order widens.",
            8.3,
        ),
        DemoEntry(
            HEALTH_DO,
            COMMUNICATION,
            "Health advice for residents published on the county site.",
            8.0,
        ),
        DemoEntry(
            WATER_ANALYST,
            NOTE,
            "The valve gland was flagged in last month's "
            "inspection; replacement parts on back order.",
            7.6,
            tlp=STRICT,
        ),
        DemoEntry(
            FIRE_PLAN,
            OBSERVATION,
            "Wind backing to the south; plume over the river, away from houses.",
            7.2,
        ),
        DemoEntry(EMS_MEDIC, NOTE, "Operator at Marrow General discharged.", 6.6),
        DemoEntry(
            WATER_ANALYST,
            NOTE,
            "The contractor who serviced the valve is the one "
            "whose account raised the SCADA alerts; for the named people only.",
            6.1,
            tlp=RED,
        ),
        DemoEntry(
            WATER_DO,
            DECISION,
            "Dosing room stays sealed until the supplier's engineer has seen the cylinder.",
            5.5,
        ),
        DemoEntry(
            COUNTY_EM_ANALYST,
            NOTE,
            "Road closures on the Vell Valley Highway approach lifted.",
            5.0,
        ),
        DemoEntry(FIRE_OPS, OBSERVATION, "Readings below 1 ppm outside the dosing room.", 4.4),
        DemoEntry(
            WATER_DO,
            NOTE,
            "Supplier's engineer on the way from Halden, due 07:00.",
            3.9,
            tlp=STRICT,
        ),
        DemoEntry(COUNTY_EM_DO, DECISION, "Shelter-in-place narrowed to 300 m.", 3.3),
        DemoEntry(HEALTH_DO, NOTE, "No further exposure reports from the public.", 2.7),
        DemoEntry(FIRE_DO, NOTE, "Hazmat team rotated; decon corridor kept in place.", 2.0),
        DemoEntry(WATER_OPS, OBSERVATION, "Standby line holding; reservoir at 78 %.", 1.4),
        DemoEntry(COUNTY_EM_ANALYST, NOTE, "IAP for period 2 circulated.", 0.7),
        DemoEntry(
            WATER_DO, DECISION, "Period 2 focuses on decontamination and lifting the order.", 0.3
        ),
    ),
    tasks=(
        DemoTask(
            "Fit the emergency kit to the leaking valve",
            "marrow-fire",
            FIRE_OPS,
            Priority.URGENT,
            1,
            ((IN_PROGRESS, FIRE_OPS, ""), (DONE, FIRE_OPS, "")),
        ),
        DemoTask(
            "Keep the standby dosing line running",
            "vell-water",
            WATER_OPS,
            Priority.HIGH,
            1,
            ((IN_PROGRESS, WATER_OPS, ""),),
        ),
        DemoTask(
            "Check plant staff for exposure",
            "coastal-ems",
            EMS_MEDIC,
            Priority.HIGH,
            1,
            ((DONE, EMS_MEDIC, ""),),
        ),
        DemoTask(
            "Publish advice for residents in the shelter area",
            "marrow-public-health",
            HEALTH_DO,
            Priority.NORMAL,
            1,
            ((IN_PROGRESS, HEALTH_DO, ""),),
        ),
        DemoTask(
            "Decontaminate the dosing room",
            "marrow-fire",
            priority=Priority.HIGH,
            period=2,
            steps=((BLOCKED, FIRE_DO, "Waiting for the supplier's engineer."),),
        ),
        DemoTask(
            "Open the Esterly library as a warming centre",
            "marrow-county-em",
            priority=Priority.LOW,
            period=1,
            steps=((TaskStatus.CANCELLED, COUNTY_EM_DO, "The order narrowed instead."),),
        ),
    ),
    requests=(
        DemoRequest(
            WATER_DO,
            "marrow-fire",
            "Hazmat entry team",
            1,
            "Level A entry to the dosing room.",
            Priority.URGENT,
            (
                (APPROVED, FIRE_DO, ""),
                (ASSIGNED, FIRE_DO, "Hazmat 1."),
                (EN_ROUTE, FIRE_DO, ""),
                (DELIVERED, WATER_DO, ""),
            ),
        ),
        DemoRequest(
            FIRE_DO,
            "coastal-ems",
            "Ambulance (ground)",
            1,
            "Standby for the entry team.",
            Priority.HIGH,
            ((APPROVED, EMS_DO, ""), (ASSIGNED, EMS_DO, ""), (EN_ROUTE, EMS_DO, "")),
        ),
        DemoRequest(
            WATER_DO,
            "marrow-county-em",
            "Mobile command post",
            1,
            "For the unified command at the plant gate.",
            Priority.NORMAL,
            ((APPROVED, COUNTY_EM_DO, ""), (ASSIGNED, COUNTY_EM_DO, "")),
        ),
        DemoRequest(
            FIRE_DO,
            "vell-water",
            "Plant engineer",
            1,
            "Someone who knows the dosing room to brief the entry team.",
            Priority.HIGH,
            ((APPROVED, WATER_DO, ""),),
        ),
        DemoRequest(
            WATER_DO,
            "marrow-county-em",
            "Portable air monitors",
            4,
            "For the 300 m ring.",
            Priority.NORMAL,
        ),
        DemoRequest(
            WATER_DO,
            "coastal-ems",
            "Decontamination unit",
            1,
            "Decon for the public if the order widens.",
            Priority.LOW,
            ((DENIED, EMS_DO, "Fire's decon corridor covers it."),),
        ),
        DemoRequest(
            FIRE_DO,
            "marrow-county-em",
            "Road barriers",
            20,
            "For the Vell Valley Highway approach.",
            Priority.NORMAL,
            ((CANCELLED, FIRE_DO, "Closures lifted."),),
        ),
    ),
    sitrep_summary="Chlorine release at the dosing room valve stopped with an emergency "
    "kit; readings below 1 ppm outside the room. One operator treated and discharged. "
    "Shelter-in-place narrowed to 300 m; treatment continues on the standby line.",
    sitrep_figures={"injured": 1, "sheltered": 340, "notes": "Sheltered: estimate, 300 m ring."},
)

COMMANDS: tuple[DemoCommand, ...] = (DOCK_STREET, CHLORINE)


def seed_demo_command(stdout: TextIO | None = None) -> dict[str, int]:
    """Give the demo incidents in `COMMANDS` their command structure and work, unless
    they already have operational periods. Needs the demo region and its incidents
    (`seed_demo_incidents`). One transaction."""
    counts = dict.fromkeys(("command_structures_created", "command_structures_present"), 0)
    with transaction.atomic():
        incidents = {
            incident.title: incident
            for incident in Incident.objects.filter(title__in=[c.title for c in COMMANDS])
        }
        agencies = Agency.objects.in_bulk(field_name="slug")
        people = get_user_model().objects.in_bulk(_usernames(), field_name="username")
        for spec in COMMANDS:
            incident = incidents.get(spec.title)
            if incident is None:
                continue
            if incident.periods.exists():
                counts["command_structures_present"] += 1
                continue
            _run(spec, incident, agencies, people)
            counts["command_structures_created"] += 1
            if stdout is not None:
                stdout.write(f"Set up unified command for {incident}\n")
    return counts


def _usernames() -> set[str]:
    names = set()
    for spec in COMMANDS:
        names.add(spec.commander)
        names |= {person for person, _level in spec.named}
        names |= {p.person for p in (*spec.positions, *spec.added_positions)}
        names |= {entry.author for entry in spec.entries}
        names |= {task.person for task in spec.tasks if task.person}
        names |= {by for task in spec.tasks for _to, by, _note in task.steps}
        names |= {request.requester for request in spec.requests}
        names |= {by for request in spec.requests for _to, by, _note in request.steps}
    return names


def _run(spec: DemoCommand, incident: Incident, agencies, people) -> None:
    commander = people[spec.commander]
    for slug, part in spec.participants:
        participant_services.add_participant(
            incident, actor=commander, agency=agencies[slug], part=part
        )
    for username, level in spec.named:
        sharing_services.grant_person(
            incident, actor=commander, person=people[username], level=level
        )
    _periods(spec, incident, commander, people)
    _entries(spec, incident, people)
    _tasks(spec, incident, commander, agencies, people)
    _requests(spec, incident, agencies, people)
    sitrep_services.issue_sitrep(
        incident, actor=commander, summary=spec.sitrep_summary, figures=spec.sitrep_figures
    )


def _periods(spec: DemoCommand, incident: Incident, commander, people) -> None:
    """The previous period runs up to the handover, its positions carried into the current
    one, which starts at the handover and is made current straight away."""
    handover = timezone.now() + HANDOVER_DELAY
    previous = command_services.open_period(
        incident,
        actor=commander,
        starts_at=handover - PERIOD_LENGTH,
        ends_at=handover,
        objectives=[ObjectiveInput(text=text) for text in spec.previous_objectives],
    )
    for position in spec.positions:
        command_services.fill_position(
            previous,
            actor=commander,
            kind=position.kind,
            person=people[position.person],
            name=position.name,
        )
    current = command_services.open_period(
        incident,
        actor=commander,
        starts_at=handover,
        ends_at=handover + PERIOD_LENGTH,
        objectives=[ObjectiveInput(text=text) for text in spec.current_objectives],
        carry_over=True,
    )
    current = command_services.activate_period(current, actor=commander)
    for position in spec.added_positions:
        command_services.fill_position(
            current,
            actor=commander,
            kind=position.kind,
            person=people[position.person],
            name=position.name,
        )


def _entries(spec: DemoCommand, incident: Incident, people) -> None:
    now = timezone.now()
    posted = []
    for entry in spec.entries:
        posted.append(
            timeline_services.post_entry(
                incident,
                actor=people[entry.author],
                kind=entry.kind,
                text=entry.text,
                tlp=entry.tlp,
                occurred_at=now - timedelta(hours=entry.hours_ago),
                corrects=None if entry.corrects is None else posted[entry.corrects].public_id,
            )
        )


def _tasks(spec: DemoCommand, incident: Incident, commander, agencies, people) -> None:
    for demo in spec.tasks:
        task = task_services.create_task(
            incident,
            actor=commander,
            title=demo.title,
            assigned_agency=agencies[demo.agency],
            assigned_person=people[demo.person] if demo.person else None,
            priority=demo.priority,
            period=demo.period,
        )
        for to, by, note in demo.steps:
            task = task_services.change_task_status(task, to, actor=people[by], note=note)


def _requests(spec: DemoCommand, incident: Incident, agencies, people) -> None:
    for demo in spec.requests:
        request = request_services.request_resources(
            incident,
            actor=people[demo.requester],
            supplying_agency=agencies[demo.supplier],
            resource_kind=demo.resource_kind,
            quantity=demo.quantity,
            details=demo.details,
            priority=demo.priority,
        )
        for to, by, note in demo.steps:
            request = request_services.take_step(request, to, actor=people[by], note=note)
