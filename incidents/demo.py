"""The demo region's incidents and the sharing agreements they travel under.

Signing in as different demo people should show different boards: the lead agency's own
incidents, what other agencies shared under an agreement (or by breaking glass), AMBER
reaching down an organisation, RED seen only by the people named on it, and shares that
stopped counting when their agreement was suspended or ran out. Everything is built by
the demo people through the service verbs, so the demo obeys the same rules as real
data. Seeding twice changes nothing: agreements are known by name, incidents by title.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.demo import (
    ESTERLY_TOWN_CENTRE,
    KESSA_COMMUNITY_CENTRE,
    PORT_CALDER_DOWNTOWN,
    PORT_OF_CALDER_TERMINAL,
)
from agencies.models import Agency
from incidents.demo_command import seed_demo_command
from incidents.models import Incident, IncidentStatus, IncidentType
from incidents.services import incidents as incident_services
from incidents.services import sharing as sharing_services
from sharing.access import Access
from sharing.agreements import accept_agreement, propose_agreement, suspend_agreement
from sharing.markings import TLP
from sharing.models import SharingAgreement

T = IncidentType
ACTIVE, CONTAINED, CLOSED = IncidentStatus.ACTIVE, IncidentStatus.CONTAINED, IncidentStatus.CLOSED
VIEW, CONTRIBUTE, COMMAND = Access.VIEW, Access.CONTRIBUTE, Access.COMMAND

# More places (lon, lat), each inside the ground its comment names.
DOCK_STREET = (-123.935, 46.004)  # Port Calder, by the river mouth
FRONT_STREET = (-123.912, 46.012)  # Port Calder
CANNERY_ROW = (-123.925, 46.015)  # Port Calder
HARBOR_STREET_UNDERPASS = (-123.900, 46.010)  # Port Calder
CALDER_TRANSIT_CENTRE = (-123.908, 46.030)  # Port Calder
CALDER_BAY_CARE_HOME = (-123.945, 46.032)  # Port Calder, on the bay
MARROW_GENERAL_HOSPITAL = (-123.918, 46.024)  # Port Calder
HARBOUR_FESTIVAL_GROUNDS = (-123.930, 46.003)  # Port Calder waterfront
BLUFF_ROAD = (-123.895, 45.975)  # Port Calder, the bluffs above the harbour
COUNTY_EOC = (-123.903, 46.020)  # Port Calder, Courthouse Square
PIER_7 = (-123.968, 45.950)  # Port of Calder, the southern wharves
VELL_RIVER_PLANT = (-123.700, 46.041)  # on the Vell River, inside the water authority
LOWER_ESTERLY = (-123.615, 46.050)  # Esterly, by the river
ESTERLY_TIMBER_YARD = (-123.635, 46.075)  # Esterly
KESSA_CREEK_LEVEE = (-123.830, 45.790)  # Kessa Tribal Lands
VELL_VALLEY_HIGHWAY = (-123.760, 46.070)  # county, fire district
ALDER_RIDGE = (-123.450, 45.900)  # county, fire district hills
EAST_COUNTY = (-123.400, 46.150)  # county, outside the fire district
GULL_ISLAND_LANDING = (-124.040, 46.078)  # Gull Island, in the county
OFF_GULL_ISLAND = (-124.085, 46.075)  # state waters west of the island
OFFSHORE_EPICENTRE = (-124.400, 46.000)  # at sea, beyond every jurisdiction


@dataclass(frozen=True)
class DemoAgreement:
    """Terms, in days from today; a lapse (suspension or expiry) comes after the sharing.

    An agreement that `ended_days_ago` runs for `runs_for_days` only until the seed has
    shared under it; then its end is moved into the past.
    """

    name: str
    description: str
    proposer: str
    parties: tuple[str, ...]
    max_tlp: str
    incident_types: tuple[str, ...]
    began_days_ago: int
    runs_for_days: int | None
    review_in_days: int
    suspended_by: str = ""
    suspension_reason: str = ""
    ended_days_ago: int | None = None


MUTUAL_AID = "Marrow County Mutual Aid Agreement"
WATER_SECURITY = "Vell River Water Security Information Exchange"
FERRY_PILOT = "Gull Island Ferry Security Pilot"

AGREEMENTS: tuple[DemoAgreement, ...] = (
    DemoAgreement(
        name=MUTUAL_AID,
        description="The county's agencies share what they need to help one another at an "
        "incident, for every kind of emergency but terrorism, cyber and disease surveillance.",
        proposer="marrow-county-em",
        parties=(
            "port-calder-em",
            "marrow-sheriff",
            "port-calder-police",
            "marrow-fire",
            "esterly-fire",
            "coastal-ems",
            "marrow-public-health",
            "vell-water",
        ),
        max_tlp=TLP.AMBER_STRICT,
        incident_types=(
            T.FIRE,
            T.HAZMAT,
            T.FLOOD,
            T.SEVERE_WEATHER,
            T.EARTHQUAKE,
            T.MASS_CASUALTY,
            T.SEARCH_AND_RESCUE,
            T.INFRASTRUCTURE_FAILURE,
            T.PLANNED_EVENT,
            T.CIVIL_UNREST,
            T.OTHER,
        ),
        began_days_ago=730,
        runs_for_days=None,
        review_in_days=120,
    ),
    DemoAgreement(
        name="Port Security Information Sharing",
        description="Threats to the port, its ferries and shipping, shared between the "
        "port's police, the city police, the fusion center and the ambulance service. RED "
        "is allowed so that named people of each party may be brought into RED incidents.",
        proposer="harbor-police",
        parties=("port-calder-police", "westmarch-fusion-center", "coastal-ems"),
        max_tlp=TLP.RED,
        incident_types=(
            T.TERRORISM,
            T.HAZMAT,
            T.CIVIL_UNREST,
            T.CYBER,
            T.MASS_CASUALTY,
            T.SEARCH_AND_RESCUE,
            T.OTHER,
        ),
        began_days_ago=400,
        runs_for_days=700,
        review_in_days=90,
    ),
    DemoAgreement(
        name="Public Health Surveillance Data Sharing",
        description="Case counts and clusters of disease, and mass casualty patient "
        "tracking, between public health, the ambulance service and emergency management.",
        proposer="marrow-public-health",
        parties=("coastal-ems", "marrow-county-em", "westmarch-oem"),
        max_tlp=TLP.AMBER_STRICT,
        incident_types=(T.PUBLIC_HEALTH, T.MASS_CASUALTY),
        began_days_ago=300,
        runs_for_days=430,
        review_in_days=60,
    ),
    DemoAgreement(
        name="Westmarch Law Enforcement Intelligence Sharing",
        description="Threat reporting between the fusion center and the county's police "
        "agencies, up to RED for named officers.",
        proposer="westmarch-fusion-center",
        parties=("marrow-sheriff", "port-calder-police"),
        max_tlp=TLP.RED,
        incident_types=(T.TERRORISM, T.CIVIL_UNREST, T.CYBER, T.OTHER),
        began_days_ago=500,
        runs_for_days=None,
        review_in_days=30,
    ),
    DemoAgreement(
        name=WATER_SECURITY,
        description="Security events at the water authority's plants and network, shared "
        "with the fusion center's critical infrastructure desk.",
        proposer="vell-water",
        parties=("westmarch-fusion-center",),
        max_tlp=TLP.AMBER_STRICT,
        incident_types=(T.CYBER, T.INFRASTRUCTURE_FAILURE, T.TERRORISM, T.HAZMAT),
        began_days_ago=200,
        runs_for_days=530,
        review_in_days=45,
        suspended_by="vell-water",
        suspension_reason="Suspended by the Authority while it reviews how an AMBER+STRICT "
        "plant report reached an outside contractor.",
    ),
    DemoAgreement(
        name=FERRY_PILOT,
        description="A one-year pilot: the harbor police and the sheriff's marine patrol "
        "shared threat reporting on the Gull Island ferry route.",
        proposer="harbor-police",
        parties=("marrow-sheriff",),
        max_tlp=TLP.AMBER_STRICT,
        incident_types=(T.TERRORISM, T.CIVIL_UNREST, T.OTHER),
        began_days_ago=400,
        runs_for_days=1,
        review_in_days=-60,
        ended_days_ago=30,
    ),
)


@dataclass(frozen=True)
class DemoShare:
    """A share with an agency; a break-glass justification if no agreement covers it."""

    agency: str
    level: Access = VIEW
    roles: tuple[str, ...] = ()
    break_glass_because: str = ""


@dataclass(frozen=True)
class DemoIncident:
    """An incident as its lead agency's `actor` runs it, in this order: open it, revise
    it, share it, re-mark it, name people on it, and move it through `steps`."""

    title: str
    incident_type: str
    severity: int
    at: tuple[float, float]
    lead: str
    tlp: str
    description: str
    shares: tuple[DemoShare, ...] = ()
    revised: dict[str, Any] = field(default_factory=dict)
    remarked: str = ""
    named: tuple[tuple[str, Access], ...] = ()
    steps: tuple[tuple[str, str], ...] = ()
    is_exercise: bool = False
    actor: str = "duty_officer"


INCIDENTS: tuple[DemoIncident, ...] = (
    DemoIncident(
        title="Warehouse fire on Dock Street",
        incident_type=T.FIRE,
        severity=3,
        at=DOCK_STREET,
        lead="marrow-fire",
        tlp=TLP.AMBER,
        description="Smoke showing from a disused cold-storage warehouse at 14 Dock Street.",
        revised={
            "severity": 4,
            "description": "Second alarm: fire through the roof of the disused cold-storage "
            "warehouse at 14 Dock Street, heavy smoke over Front Street. Defensive "
            "operations, exposures on both sides, no occupants reported.",
        },
        shares=(
            DemoShare("port-calder-police", CONTRIBUTE),
            DemoShare("coastal-ems", CONTRIBUTE),
            DemoShare("port-calder-em"),
        ),
        steps=((ACTIVE, "Engines on scene, second alarm struck"),),
    ),
    DemoIncident(
        title="Brush fire on Alder Ridge",
        incident_type=T.FIRE,
        severity=2,
        at=ALDER_RIDGE,
        lead="marrow-fire",
        tlp=TLP.GREEN,
        description="Eight hectares of grass and slash burning below the Alder Ridge "
        "lookout; Ridge Road closed to traffic.",
        shares=(DemoShare("marrow-sheriff"),),
        steps=(
            (ACTIVE, "Two brush units and a water tender committed"),
            (CONTAINED, "Line around the whole perimeter"),
            (CLOSED, "Mopped up; Ridge Road reopened"),
        ),
    ),
    DemoIncident(
        title="Sawmill fire at the Esterly timber yard",
        incident_type=T.FIRE,
        severity=3,
        at=ESTERLY_TIMBER_YARD,
        lead="esterly-fire",
        tlp=TLP.AMBER,
        description="Fire in the sawdust bunkers and log decks of the Esterly timber yard; "
        "runoff from the firefighting reaches the Vell River.",
        shares=(DemoShare("marrow-fire", CONTRIBUTE), DemoShare("vell-water")),
        steps=(
            (ACTIVE, "Fire spreading to the log decks"),
            (CONTAINED, "Knocked down; crews turning over the bunkers"),
            (CLOSED, "Released to the yard's owners"),
            (ACTIVE, "Rekindled overnight deep in the sawdust piles; crews back on scene"),
        ),
    ),
    DemoIncident(
        title="Chlorine leak at the Vell River water treatment plant",
        incident_type=T.HAZMAT,
        severity=4,
        at=VELL_RIVER_PLANT,
        lead="vell-water",
        tlp=TLP.AMBER,
        description="A one-tonne chlorine cylinder is leaking at a valve in the plant's "
        "dosing room. Plant staff evacuated; shelter-in-place advised within 800 m.",
        shares=(
            DemoShare("marrow-fire", COMMAND),
            DemoShare("coastal-ems", CONTRIBUTE),
            DemoShare("marrow-public-health"),
            DemoShare("marrow-county-em"),
            DemoShare("esterly-fire"),
        ),
        steps=(
            (ACTIVE, "Hazmat team entering in level A suits"),
            (CONTAINED, "Emergency kit fitted to the valve; readings falling"),
        ),
    ),
    DemoIncident(
        title="Diesel spill from a fishing vessel at Pier 7",
        incident_type=T.HAZMAT,
        severity=2,
        at=PIER_7,
        lead="harbor-police",
        tlp=TLP.AMBER,
        description="About 400 litres of diesel from the holed fuel tank of the trawler "
        "Northern Star, alongside Pier 7. Boom being laid.",
        shares=(DemoShare("coastal-ems"), DemoShare("port-calder-police")),
        steps=(
            (ACTIVE, "Spill response contractor on site"),
            (CONTAINED, "Boomed off; skimming under way"),
        ),
    ),
    DemoIncident(
        title="King tide flooding in Lower Esterly",
        incident_type=T.FLOOD,
        severity=3,
        at=LOWER_ESTERLY,
        lead="esterly-fire",
        tlp=TLP.AMBER,
        description="A king tide backing up the Vell River floods River Street and Quay "
        "Lane; two care homes on the evacuation list.",
        shares=(DemoShare("marrow-county-em", CONTRIBUTE), DemoShare("vell-water")),
        remarked=TLP.CLEAR,
        steps=((ACTIVE, "Water over River Street; public warning issued"),),
    ),
    DemoIncident(
        title="Seepage through the Kessa Creek levee",
        incident_type=T.FLOOD,
        severity=3,
        at=KESSA_CREEK_LEVEE,
        lead="marrow-county-em",
        tlp=TLP.AMBER,
        description="Sand boils on the landward side of the Kessa Creek levee after three "
        "days of rain. Kessa Tribal Lands' emergency manager is on the levee with county "
        "engineers.",
        shares=(DemoShare("marrow-sheriff"),),
        steps=((ACTIVE, "Sandbag ring dikes going up around the boils"),),
    ),
    DemoIncident(
        title="Winter storm warning for coastal Marrow County",
        incident_type=T.SEVERE_WEATHER,
        severity=3,
        at=KESSA_COMMUNITY_CENTRE,
        lead="marrow-county-em",
        tlp=TLP.CLEAR,
        description="Gusts to 110 km/h on the coast and 30 cm of snow above 300 m forecast "
        "from Friday evening. A warming centre opens at the Kessa Community Centre.",
        shares=(DemoShare("port-calder-em", CONTRIBUTE),),
        steps=((ACTIVE, "National Weather Service warning in effect"),),
    ),
    DemoIncident(
        title="County EOC moved to the Alder Street fallback site",
        incident_type=T.OTHER,
        severity=2,
        at=COUNTY_EOC,
        lead="marrow-county-em",
        tlp=TLP.AMBER_STRICT,
        description="Water damage has closed the county EOC on Courthouse Square; the EOC "
        "runs from the fallback site until repairs are done. The site's address stays "
        "inside the county's emergency management.",
        shares=(DemoShare("marrow-sheriff"),),
        steps=((ACTIVE, "Fallback site staffed"),),
    ),
    DemoIncident(
        title="Magnitude 5.8 earthquake off the Westmarch coast",
        incident_type=T.EARTHQUAKE,
        severity=3,
        at=OFFSHORE_EPICENTRE,
        lead="westmarch-oem",
        tlp=TLP.CLEAR,
        description="Shaking felt along the whole coast; no tsunami expected. Damage "
        "assessments requested from the coastal counties.",
        shares=(DemoShare("marrow-county-em", CONTRIBUTE),),
        steps=(
            (ACTIVE, "Tsunami warning centre: no threat"),
            (CONTAINED, "Damage assessments in; minor damage only"),
        ),
    ),
    DemoIncident(
        title="Exercise Coastal Shield: ferry collision off the Port of Calder",
        incident_type=T.MASS_CASUALTY,
        severity=4,
        at=PORT_OF_CALDER_TERMINAL,
        lead="westmarch-oem",
        tlp=TLP.AMBER,
        description="EXERCISE EXERCISE EXERCISE. The state's full-scale exercise: the Gull "
        "Island ferry strikes the terminal breakwater with 140 aboard, 30 casualties.",
        shares=(
            DemoShare("marrow-county-em", COMMAND),
            DemoShare("coastal-ems", CONTRIBUTE),
            DemoShare("marrow-public-health", CONTRIBUTE),
        ),
        steps=((ACTIVE, "STARTEX"),),
        is_exercise=True,
    ),
    DemoIncident(
        title="Multi-vehicle collision on the Vell Valley Highway",
        incident_type=T.MASS_CASUALTY,
        severity=4,
        at=VELL_VALLEY_HIGHWAY,
        lead="coastal-ems",
        tlp=TLP.AMBER,
        description="Eleven vehicles in fog near milepost 14; nine patients, three "
        "critical. Highway closed in both directions.",
        shares=(
            DemoShare("marrow-fire", CONTRIBUTE),
            DemoShare("marrow-sheriff", CONTRIBUTE),
            DemoShare("marrow-public-health"),
        ),
        steps=(
            (ACTIVE, "Mass casualty plan declared"),
            (CONTAINED, "All patients transported"),
        ),
    ),
    DemoIncident(
        title="Norovirus cluster at Calder Bay care home",
        incident_type=T.PUBLIC_HEALTH,
        severity=2,
        at=CALDER_BAY_CARE_HOME,
        lead="marrow-public-health",
        tlp=TLP.AMBER_STRICT,
        description="Twenty-three residents and seven staff ill since Monday; the home is "
        "closed to admissions and visitors. Residents' details stay inside the response.",
        shares=(
            DemoShare("coastal-ems", CONTRIBUTE),
            DemoShare("marrow-county-em", roles=("duty_officer", "analyst")),
        ),
        steps=((ACTIVE, "Outbreak declared"),),
    ),
    DemoIncident(
        title="Overdose cluster linked to counterfeit pills",
        incident_type=T.PUBLIC_HEALTH,
        severity=3,
        at=PORT_CALDER_DOWNTOWN,
        lead="coastal-ems",
        tlp=TLP.AMBER,
        description="Six opioid overdoses in downtown Port Calder in 36 hours, all after "
        "blue tablets sold as oxycodone. Naloxone being handed out.",
        shares=(
            DemoShare("marrow-public-health", CONTRIBUTE),
            DemoShare("marrow-county-em"),
        ),
        steps=((ACTIVE, "Public health alert to clinicians"),),
    ),
    DemoIncident(
        title="Measles exposure alert: Calder Transit Centre",
        incident_type=T.PUBLIC_HEALTH,
        severity=2,
        at=CALDER_TRANSIT_CENTRE,
        lead="marrow-public-health",
        tlp=TLP.CLEAR,
        description="A confirmed case passed through the transit centre on Tuesday between "
        "07:00 and 09:30. Anyone unvaccinated who was there should call the health line.",
    ),
    DemoIncident(
        title="Ransomware attack on Marrow General Hospital",
        incident_type=T.CYBER,
        severity=4,
        at=MARROW_GENERAL_HOSPITAL,
        lead="marrow-public-health",
        tlp=TLP.AMBER_STRICT,
        description="Patient records and laboratory systems encrypted; the emergency "
        "department is diverting ambulances. The ransom note names a known group.",
        shares=(
            DemoShare(
                "westmarch-fusion-center",
                CONTRIBUTE,
                break_glass_because="Marrow General's patient systems are encrypted and "
                "ambulances are being diverted. We have no agreement with the Fusion Center "
                "for cyber incidents, and we need its cyber unit now to identify the strain "
                "and warn the other hospitals.",
            ),
        ),
        steps=((ACTIVE, "Hospital on diversion"),),
    ),
    DemoIncident(
        title="SCADA intrusion alerts at the Vell River treatment plant",
        incident_type=T.CYBER,
        severity=3,
        at=VELL_RIVER_PLANT,
        lead="vell-water",
        tlp=TLP.AMBER_STRICT,
        description="The plant's intrusion detection flagged logins to the dosing "
        "controllers from a contractor's remote-access account outside working hours.",
        shares=(DemoShare("westmarch-fusion-center", CONTRIBUTE),),
        steps=(
            (ACTIVE, "Remote access cut; plant on manual control"),
            (CONTAINED, "Contractor account disabled; no changes to dosing found"),
        ),
    ),
    DemoIncident(
        title="Exercise Silent Tide: cyber attack on port logistics",
        incident_type=T.CYBER,
        severity=3,
        at=PORT_OF_CALDER_TERMINAL,
        lead="westmarch-fusion-center",
        tlp=TLP.AMBER_STRICT,
        description="EXERCISE EXERCISE EXERCISE. Tabletop: the terminal operating system "
        "is locked by ransomware on the eve of the Harbour Festival.",
        shares=(DemoShare("harbor-police", CONTRIBUTE),),
        is_exercise=True,
    ),
    DemoIncident(
        title="Ferry terminal bomb threat",
        incident_type=T.TERRORISM,
        severity=5,
        at=PORT_OF_CALDER_TERMINAL,
        lead="harbor-police",
        tlp=TLP.AMBER_STRICT,
        description="A caller claimed a device aboard the 08:15 Gull Island ferry. The "
        "terminal was evacuated and the vessel held at the berth.",
        shares=(
            DemoShare("westmarch-fusion-center", CONTRIBUTE, roles=("duty_officer", "analyst")),
            DemoShare("port-calder-police", CONTRIBUTE),
            DemoShare("marrow-sheriff", CONTRIBUTE),
        ),
        steps=(
            (ACTIVE, "Terminal evacuated; explosive detection dog requested"),
            (CONTAINED, "Vessel and terminal searched; nothing found"),
            (CLOSED, "Hoax; terminal reopened, caller under investigation"),
        ),
    ),
    DemoIncident(
        title="Source reporting: planned attack on the Gull Island ferry",
        incident_type=T.TERRORISM,
        severity=5,
        at=GULL_ISLAND_LANDING,
        lead="westmarch-fusion-center",
        tlp=TLP.RED,
        description="A single, uncorroborated source reports a plan to attack the Gull "
        "Island ferry landing. Not to be shared beyond the people named.",
        named=(
            ("westmarch-oem.duty_officer", VIEW),
            ("harbor-police.duty_officer", CONTRIBUTE),
            ("marrow-sheriff.watch_commander", VIEW),
        ),
        steps=((ACTIVE, "Source being assessed"),),
    ),
    DemoIncident(
        title="Suspicious drone flights over the container terminal",
        incident_type=T.OTHER,
        severity=2,
        at=PORT_OF_CALDER_TERMINAL,
        lead="harbor-police",
        tlp=TLP.AMBER,
        description="Night-time drone flights over the container stacks on three nights "
        "this week; the operator has not been found.",
        shares=(
            DemoShare("westmarch-fusion-center", roles=("duty_officer", "analyst")),
            DemoShare("port-calder-police"),
        ),
    ),
    DemoIncident(
        title="Port access credentials sold to outsiders",
        incident_type=T.OTHER,
        severity=3,
        at=PORT_OF_CALDER_TERMINAL,
        lead="harbor-police",
        tlp=TLP.AMBER_STRICT,
        description="An employee is suspected of selling terminal access badges. An "
        "investigation is under way; the suspect must not learn of it.",
        remarked=TLP.RED,
        named=(
            ("harbor-police.analyst", CONTRIBUTE),
            ("westmarch-fusion-center.analyst", CONTRIBUTE),
        ),
        steps=((ACTIVE, "Investigation opened"),),
    ),
    DemoIncident(
        title="Governor's visit to Esterly: protective detail",
        incident_type=T.PLANNED_EVENT,
        severity=2,
        at=ESTERLY_TOWN_CENTRE,
        lead="marrow-sheriff",
        tlp=TLP.RED,
        description="The Governor opens the new Esterly library next week. Route and "
        "timings for the named members of the detail only.",
        named=(
            ("marrow-sheriff.watch_commander", COMMAND),
            ("marrow-sheriff.analyst", VIEW),
        ),
    ),
    DemoIncident(
        title="Search for missing kayaker off Gull Island",
        incident_type=T.SEARCH_AND_RESCUE,
        severity=3,
        at=OFF_GULL_ISLAND,
        lead="marrow-sheriff",
        tlp=TLP.GREEN,
        description="A sea kayaker due back at the Gull Island landing at 16:00 is "
        "overdue; red kayak, yellow jacket. Marine patrol and the lifeboat searching.",
        shares=(DemoShare("coastal-ems", CONTRIBUTE), DemoShare("marrow-fire")),
        steps=((ACTIVE, "Search pattern started west of the island"),),
        actor="watch_commander",
    ),
    DemoIncident(
        title="911 outage in east Marrow County",
        incident_type=T.INFRASTRUCTURE_FAILURE,
        severity=4,
        at=EAST_COUNTY,
        lead="marrow-sheriff",
        tlp=TLP.AMBER,
        description="A cut fibre line left 911 calls from the east county failing for four "
        "hours; fire stations staffed as walk-in reporting points.",
        shares=(
            DemoShare("marrow-county-em", CONTRIBUTE),
            DemoShare("coastal-ems"),
            DemoShare("marrow-fire"),
        ),
        steps=(
            (ACTIVE, "Calls failing east of the Vell Valley"),
            (CONTAINED, "Calls rerouted through the state network"),
            (CLOSED, "Fibre repaired; normal service"),
        ),
    ),
    DemoIncident(
        title="Protest march on Front Street over ferry fare rises",
        incident_type=T.CIVIL_UNREST,
        severity=2,
        at=FRONT_STREET,
        lead="port-calder-police",
        tlp=TLP.GREEN,
        description="About 1,500 marchers from the ferry terminal to City Hall. Front Street "
        "closed from noon.",
        shares=(
            DemoShare("marrow-sheriff", CONTRIBUTE),
            DemoShare("westmarch-fusion-center"),
        ),
        steps=(
            (ACTIVE, "March under way"),
            (CONTAINED, "Rally at City Hall, peaceful"),
            (CLOSED, "Crowd dispersed; Front Street reopened"),
        ),
    ),
    DemoIncident(
        title="Barricaded suspect on Cannery Row",
        incident_type=T.OTHER,
        severity=3,
        at=CANNERY_ROW,
        lead="port-calder-police",
        tlp=TLP.AMBER,
        description="A man wanted on a warrant barricaded in a second-floor flat; "
        "neighbouring buildings evacuated.",
        shares=(DemoShare("marrow-sheriff", CONTRIBUTE), DemoShare("coastal-ems")),
        steps=(
            (ACTIVE, "Negotiators on scene"),
            (CONTAINED, "Suspect in custody"),
            (CLOSED, "Scene released"),
        ),
    ),
    DemoIncident(
        title="Port Calder Harbour Festival",
        incident_type=T.PLANNED_EVENT,
        severity=1,
        at=HARBOUR_FESTIVAL_GROUNDS,
        lead="port-calder-em",
        tlp=TLP.GREEN,
        description="Three days on the waterfront, 40,000 visitors a day expected; "
        "fireworks from a barge on Saturday night.",
        shares=(
            DemoShare("port-calder-police", CONTRIBUTE),
            DemoShare("coastal-ems", CONTRIBUTE),
            DemoShare("marrow-fire"),
        ),
    ),
    DemoIncident(
        title="Landslide closes Bluff Road above the harbour",
        incident_type=T.OTHER,
        severity=3,
        at=BLUFF_ROAD,
        lead="port-calder-em",
        tlp=TLP.AMBER,
        description="A slip has taken one lane of Bluff Road and undercut two houses, whose "
        "families have been moved out.",
        shares=(DemoShare("marrow-county-em", CONTRIBUTE),),
        steps=((ACTIVE, "Geotechnical engineer on site"),),
    ),
    DemoIncident(
        title="Water main break floods the Harbor Street underpass",
        incident_type=T.INFRASTRUCTURE_FAILURE,
        severity=2,
        at=HARBOR_STREET_UNDERPASS,
        lead="port-calder-em",
        tlp=TLP.AMBER,
        description="A 600 mm main burst under Harbor Street; the underpass is under a metre "
        "of water and the east side of the city has low pressure.",
        shares=(DemoShare("vell-water", CONTRIBUTE), DemoShare("port-calder-police")),
        steps=(
            (ACTIVE, "Underpass closed"),
            (CONTAINED, "Main isolated; pumping out"),
        ),
    ),
)


def seed_demo_incidents(stdout: TextIO | None = None) -> dict[str, int]:
    """Create whichever demo agreements and incidents are missing; leave the rest alone.

    Needs the demo region (`agencies.demo.seed_demo_region`). Returns how many agreements
    and incidents were created and how many were already there. One transaction.
    """
    counts = dict.fromkeys(
        ("agreements_created", "agreements_present", "incidents_created", "incidents_present"),
        0,
    )

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(f"{line}\n")

    with transaction.atomic():
        agencies = Agency.objects.in_bulk(field_name="slug")
        people = get_user_model().objects.in_bulk(_usernames(), field_name="username")
        created = _seed_agreements(agencies, people, counts, say)
        _seed_incidents(agencies, people, counts, say)
        _lapse(created, agencies, people, say)
        counts |= seed_demo_command(stdout)
    return counts


def _usernames() -> set[str]:
    names = {f"{spec.proposer}.admin" for spec in AGREEMENTS}
    names |= {f"{party}.admin" for spec in AGREEMENTS for party in spec.parties}
    names |= {f"{spec.lead}.{spec.actor}" for spec in INCIDENTS}
    names |= {username for spec in INCIDENTS for username, _level in spec.named}
    return names


def _seed_agreements(agencies, people, counts, say) -> dict[str, SharingAgreement]:
    """Each missing agreement is proposed and accepted by every party's administrator."""
    present = set(
        SharingAgreement.objects.filter(name__in=[a.name for a in AGREEMENTS]).values_list(
            "name", flat=True
        )
    )
    counts["agreements_present"] = len(present)
    now = timezone.now()
    created = {}
    for spec in AGREEMENTS:
        if spec.name in present:
            continue
        agreement = propose_agreement(
            proposer=agencies[spec.proposer],
            parties=[agencies[slug] for slug in spec.parties],
            name=spec.name,
            description=spec.description,
            max_tlp=spec.max_tlp,
            incident_types=spec.incident_types,
            valid_from=now - timedelta(days=spec.began_days_ago),
            valid_until=now + timedelta(days=spec.runs_for_days) if spec.runs_for_days else None,
            review_due=(now + timedelta(days=spec.review_in_days)).date(),
            actor=people[f"{spec.proposer}.admin"],
        )
        for slug in spec.parties:
            accept_agreement(agreement, agency=agencies[slug], actor=people[f"{slug}.admin"])
        created[spec.name] = agreement
        counts["agreements_created"] += 1
        say(f"Agreed {spec.name}")
    return created


def _seed_incidents(agencies, people, counts, say) -> None:
    present = set(
        Incident.objects.filter(title__in=[i.title for i in INCIDENTS]).values_list(
            "title", flat=True
        )
    )
    counts["incidents_present"] = len(present)
    for spec in INCIDENTS:
        if spec.title not in present:
            incident = _run(spec, agencies, people)
            counts["incidents_created"] += 1
            say(f"Opened {incident}")


def _run(spec: DemoIncident, agencies, people) -> Incident:
    actor = people[f"{spec.lead}.{spec.actor}"]
    incident = incident_services.open_incident(
        actor=actor,
        title=spec.title,
        incident_type=spec.incident_type,
        severity=spec.severity,
        location={"type": "Point", "coordinates": list(spec.at)},
        tlp=spec.tlp,
        lead_agency=agencies[spec.lead],
        description=spec.description,
        is_exercise=spec.is_exercise,
    )
    if spec.revised:
        incident = incident_services.update_incident(incident, actor=actor, **spec.revised)
    for share in spec.shares:
        sharing_services.share_incident(
            incident,
            actor=actor,
            agency=agencies[share.agency],
            level=share.level,
            roles=list(share.roles) or None,
            break_glass=bool(share.break_glass_because),
            justification=share.break_glass_because,
        )
    if spec.remarked:
        incident = incident_services.change_marking(incident, spec.remarked, actor=actor)
    for username, level in spec.named:
        sharing_services.grant_person(incident, actor=actor, person=people[username], level=level)
    for status, reason in spec.steps:
        incident = incident_services.change_status(incident, status, actor=actor, reason=reason)
    return incident


def _lapse(created: dict[str, SharingAgreement], agencies, people, say) -> None:
    """Agreements created in this run that the demo shows lapsed, once their shares exist:
    sharing under a lapsed agreement is refused, so the lapse has to come last."""
    now = timezone.now()
    for spec in AGREEMENTS:
        agreement = created.get(spec.name)
        if agreement is None:
            continue
        if spec.suspended_by:
            suspend_agreement(
                agreement,
                agency=agencies[spec.suspended_by],
                actor=people[f"{spec.suspended_by}.admin"],
                reason=spec.suspension_reason,
            )
            say(f"Suspended {spec.name}")
        if spec.ended_days_ago is not None:
            # The one place the demo fast-forwards time: no verb can end an agreement in
            # the past, and a demo cannot wait for one to run out.
            SharingAgreement.objects.filter(pk=agreement.pk).update(
                valid_until=now - timedelta(days=spec.ended_days_ago)
            )
            say(f"Let {spec.name} run out")
