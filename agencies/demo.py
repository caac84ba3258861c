"""The demo region: Marrow County, on the coast of the (fictional) State of Westmarch.

`make run` seeds it so that a first look at Concord shows a believable community:
agencies of every discipline with a hierarchy, jurisdictions that nest and overlap the
way real ones do, and one person per role to sign in as. Everything is built through
the service verbs, exactly as an agency admin would build it, so the demo exercises the
same rules as production data. Seeding twice changes nothing.
"""

from dataclasses import dataclass
from typing import NamedTuple, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from agencies import services
from agencies.capabilities import BUILTIN_ROLE_SLUGS, Capability
from agencies.models import (
    Agency,
    AgencyKind,
    Jurisdiction,
    JurisdictionLevel,
    Membership,
    Responsibility,
    ResponsibilityKind,
    Role,
)

DEMO_PASSWORD = "concord-demo"  # noqa: S105 - published on purpose; seed_demo refuses production
DEMO_EMAIL_DOMAIN = "demo.concord.invalid"
OPERATOR_USERNAME = "operator"

# Points other code can rely on (lon, lat): inside the city, the harbour, the reservation.
PORT_CALDER_DOWNTOWN = (-123.905, 46.018)
PORT_OF_CALDER_TERMINAL = (-123.955, 45.975)
ESTERLY_TOWN_CENTRE = (-123.585, 46.085)
KESSA_COMMUNITY_CENTRE = (-123.87, 45.76)


def _ring(vertices: list[tuple[float, float]]) -> list[list[float]]:
    """A closed GeoJSON ring: the data lists each vertex once, the ring repeats the first."""
    return [[lon, lat] for lon, lat in [*vertices, vertices[0]]]


def _polygon(outer, *holes) -> dict:
    return {"type": "Polygon", "coordinates": [_ring(outer), *(_ring(hole) for hole in holes)]}


def _multipolygon(*polygons) -> dict:
    return {"type": "MultiPolygon", "coordinates": [[_ring(outer)] for outer in polygons]}


def _corridor(centreline: list[tuple[float, float]], half_width: float) -> list:
    """A band along a west-running line: its north bank out, its south bank back."""
    north = [(lon, lat + half_width) for lon, lat in centreline]
    south = [(lon, lat - half_width) for lon, lat in reversed(centreline)]
    return north + south


# The state line runs out to sea (the state's coastal waters) and round the inland border.
WESTMARCH = [
    (-124.25, 46.62), (-124.31, 46.20), (-124.28, 45.80), (-124.33, 45.30), (-124.41, 44.60),
    (-124.46, 43.95), (-122.70, 43.92), (-121.40, 43.96), (-119.62, 44.08), (-119.55, 45.20),
    (-120.38, 45.71), (-121.22, 46.12), (-122.41, 46.30), (-122.84, 46.38), (-123.42, 46.57),
    (-123.90, 46.66),
]  # fmt: skip
# The county's west edge is the coastline, north to south; the river mouth is at 45.99.
MARROW_MAINLAND = [
    (-123.962, 46.252), (-123.971, 46.188), (-123.986, 46.121), (-123.979, 46.052),
    (-123.997, 45.992), (-123.986, 45.930), (-123.969, 45.861), (-123.976, 45.782),
    (-123.958, 45.712), (-123.949, 45.651), (-123.612, 45.648), (-123.348, 45.655),
    (-123.362, 45.801), (-123.331, 45.948), (-123.371, 46.103), (-123.352, 46.247),
    (-123.640, 46.256),
]  # fmt: skip
GULL_ISLAND = [
    (-124.071, 46.083), (-124.058, 46.094), (-124.041, 46.091), (-124.033, 46.079),
    (-124.038, 46.066), (-124.054, 46.061), (-124.068, 46.068),
]  # fmt: skip
PORT_CALDER = [
    (-123.976, 46.036), (-123.955, 46.043), (-123.925, 46.041), (-123.901, 46.031),
    (-123.886, 46.013), (-123.881, 45.991), (-123.891, 45.969), (-123.906, 45.956),
    (-123.931, 45.949), (-123.958, 45.951), (-123.974, 45.958), (-123.984, 45.975),
    (-123.988, 45.994), (-123.981, 46.016),
]  # fmt: skip
# The port's waterfront: the river mouth, and the wharves along the shore south of the city.
PORT_OF_CALDER = [
    (-123.990, 46.001), (-123.970, 46.005), (-123.951, 46.003), (-123.933, 45.997),
    (-123.926, 45.986), (-123.936, 45.975), (-123.954, 45.963), (-123.963, 45.946),
    (-123.972, 45.931), (-123.981, 45.934), (-123.984, 45.952), (-123.989, 45.976),
]  # fmt: skip
ESTERLY = [
    (-123.628, 46.098), (-123.601, 46.104), (-123.574, 46.097), (-123.556, 46.082),
    (-123.551, 46.062), (-123.560, 46.043), (-123.579, 46.031), (-123.606, 46.028),
    (-123.631, 46.035), (-123.648, 46.049), (-123.652, 46.068), (-123.643, 46.087),
]  # fmt: skip
# The Vell River, from upstream in Esterly to its mouth at Port Calder.
VELL_RIVER = [
    (-123.570, 46.074), (-123.600, 46.066), (-123.640, 46.056), (-123.700, 46.041),
    (-123.750, 46.046), (-123.800, 46.026), (-123.850, 46.011), (-123.900, 46.001),
    (-123.940, 45.991), (-123.978, 45.986),
]  # fmt: skip
# The fire district is the county mainland but for its eastern hills and Esterly, which
# has its own fire department (the hole).
MARROW_FIRE_DISTRICT = [
    (-123.955, 46.246), (-123.965, 46.186), (-123.979, 46.121), (-123.972, 46.052),
    (-123.990, 45.992), (-123.979, 45.930), (-123.962, 45.861), (-123.969, 45.782),
    (-123.951, 45.712), (-123.942, 45.658), (-123.610, 45.655), (-123.395, 45.662),
    (-123.405, 45.950), (-123.412, 46.240),
]  # fmt: skip
KESSA = [
    (-123.930, 45.806), (-123.892, 45.812), (-123.851, 45.801), (-123.812, 45.788),
    (-123.790, 45.762), (-123.801, 45.731), (-123.838, 45.716), (-123.885, 45.709),
    (-123.921, 45.718), (-123.945, 45.741), (-123.948, 45.772),
]  # fmt: skip


@dataclass(frozen=True)
class DemoJurisdiction:
    slug: str
    name: str
    level: str
    boundary: dict
    code: str = ""


JURISDICTIONS: tuple[DemoJurisdiction, ...] = (
    DemoJurisdiction(
        "westmarch", "State of Westmarch", JurisdictionLevel.STATE, _polygon(WESTMARCH), "59"
    ),
    DemoJurisdiction(
        "marrow-county",
        "Marrow County",
        JurisdictionLevel.COUNTY,
        _multipolygon(MARROW_MAINLAND, GULL_ISLAND),
        "59007",
    ),
    DemoJurisdiction(
        "port-calder",
        "City of Port Calder",
        JurisdictionLevel.MUNICIPAL,
        _polygon(PORT_CALDER),
        "5959650",
    ),
    DemoJurisdiction(
        "esterly", "City of Esterly", JurisdictionLevel.MUNICIPAL, _polygon(ESTERLY), "5923800"
    ),
    DemoJurisdiction(
        "port-of-calder",
        "Port of Calder",
        JurisdictionLevel.SPECIAL_DISTRICT,
        _polygon(PORT_OF_CALDER),
    ),
    DemoJurisdiction(
        "marrow-fire-district",
        "Marrow County Fire District",
        JurisdictionLevel.SPECIAL_DISTRICT,
        _polygon(MARROW_FIRE_DISTRICT, ESTERLY),
    ),
    DemoJurisdiction(
        "vell-river-water-authority",
        "Vell River Water Authority",
        JurisdictionLevel.SPECIAL_DISTRICT,
        _polygon(_corridor(VELL_RIVER, 0.006)),
    ),
    DemoJurisdiction(
        "kessa-tribal-lands", "Kessa Tribal Lands", JurisdictionLevel.TRIBAL, _polygon(KESSA)
    ),
)


@dataclass(frozen=True)
class DemoRole:
    """An agency's own role, and the person who holds it in the demo."""

    name: str
    capabilities: frozenset[str]
    description: str
    holder: tuple[str, str]


@dataclass(frozen=True)
class DemoAgency:
    """An agency, its contacts, and the person holding each built-in role (by role slug)."""

    slug: str
    name: str
    kind: str
    parent: str | None
    email: str
    phone: str
    website: str
    address: str
    contact_points: tuple[dict, ...]
    people: dict[str, tuple[str, str]]
    custom_roles: tuple[DemoRole, ...] = ()


def _duty_desk(phone: str, radio: str, email: str = "") -> dict:
    return {
        "label": "24/7 duty desk",
        "phone": phone,
        "radio": radio,
        "email": email,
        "available_24_7": True,
    }


def _contact(label: str, name: str, email: str = "", phone: str = "", radio: str = "") -> dict:
    return {"label": label, "name": name, "email": email, "phone": phone, "radio": radio}


# Parents come before their children: the seed registers agencies in this order.
AGENCIES: tuple[DemoAgency, ...] = (
    DemoAgency(
        slug="westmarch-oem",
        name="Westmarch Office of Emergency Management",
        kind=AgencyKind.EMERGENCY_MANAGEMENT,
        parent=None,
        email="oem@westmarch.example",
        phone="+1 360 555 0100",
        website="https://oem.westmarch.example",
        address="1200 Capitol Way South\nHalden, WM 59001",
        contact_points=(
            _duty_desk("+1 360 555 0101", "STATE EOC 1", "dutyofficer@oem.westmarch.example"),
            _contact(
                "State EOC", "State EOC floor", "eoc@oem.westmarch.example", "+1 360 555 0102"
            ),
            _contact("Public information officer", "Lena Marsh", "pio@oem.westmarch.example"),
        ),
        people={
            "admin": ("Renata", "Okafor"),
            "duty_officer": ("Marcus", "Lindqvist"),
            "analyst": ("Priya", "Raghunathan"),
            "responder": ("Tomás", "Echeverría"),
            "viewer": ("Helen", "Whitcombe"),
        },
    ),
    DemoAgency(
        slug="marrow-county-em",
        name="Marrow County Emergency Management",
        kind=AgencyKind.EMERGENCY_MANAGEMENT,
        parent="westmarch-oem",
        email="em@marrowcounty.example",
        phone="+1 360 555 0110",
        website="https://em.marrowcounty.example",
        address="45 Courthouse Square\nPort Calder, WM 59102",
        contact_points=(
            _duty_desk("+1 360 555 0111", "MARROW EOC 1"),
            _contact("County EOC", "Marrow County EOC", "eoc@marrowcounty.example"),
        ),
        people={
            "admin": ("Douglas", "Fairweather"),
            "duty_officer": ("Keiko", "Tanabe"),
            "analyst": ("Samuel", "Osei"),
            "responder": ("Brianna", "McAllister"),
            "viewer": ("Victor", "Haugen"),
        },
    ),
    DemoAgency(
        slug="port-calder-em",
        name="Port Calder Office of Emergency Management",
        kind=AgencyKind.EMERGENCY_MANAGEMENT,
        parent="marrow-county-em",
        email="emergency@portcalder.example",
        phone="+1 360 555 0120",
        website="https://www.portcalder.example/emergency",
        address="300 Front Street, City Hall\nPort Calder, WM 59101",
        contact_points=(
            _duty_desk("+1 360 555 0121", "CALDER EOC"),
            _contact("Public information officer", "Caroline Vance", "pio@portcalder.example"),
        ),
        people={
            "admin": ("Laila", "Haddad"),
            "duty_officer": ("Gregory", "Pruitt"),
            "analyst": ("Mei-Lin", "Chou"),
            "responder": ("Jordan", "Ellery"),
            "viewer": ("Patricia", "Nwosu"),
        },
        custom_roles=(
            DemoRole(
                "Public Information Officer",
                frozenset({Capability.VIEW, Capability.CONTRIBUTE}),
                "Drafts public statements and keeps the timeline's public messaging current.",
                ("Caroline", "Vance"),
            ),
        ),
    ),
    DemoAgency(
        slug="westmarch-fusion-center",
        name="Westmarch Fusion Center",
        kind=AgencyKind.INTELLIGENCE,
        parent="westmarch-oem",
        email="watch@fusion.westmarch.example",
        phone="+1 360 555 0130",
        website="",
        address="PO Box 4410\nHalden, WM 59004",
        contact_points=(
            _duty_desk("+1 360 555 0131", "", "watch@fusion.westmarch.example"),
            _contact("Intelligence liaison", "Analyst on call", "liaison@fusion.westmarch.example"),
        ),
        people={
            "admin": ("Nathan", "Albrecht"),
            "duty_officer": ("Yolanda", "Ruiz"),
            "analyst": ("Dmitri", "Volkov"),
            "responder": ("Sierra", "Blackwood"),
            "viewer": ("Ahmed", "Farouk"),
        },
    ),
    DemoAgency(
        slug="marrow-sheriff",
        name="Marrow County Sheriff's Office",
        kind=AgencyKind.LAW_ENFORCEMENT,
        parent=None,
        email="sheriff@marrowcounty.example",
        phone="+1 360 555 0140",
        website="https://sheriff.marrowcounty.example",
        address="51 Courthouse Square\nPort Calder, WM 59102",
        contact_points=(
            _duty_desk("+1 360 555 0141", "MARROW LAW 1"),
            _contact(
                "Public information officer", "Sgt. Dana Whitlock", "pio.so@marrowcounty.example"
            ),
            _contact(
                "Marine patrol", "Marine unit", phone="+1 360 555 0142", radio="Marine VHF 16"
            ),
        ),
        people={
            "admin": ("Connie", "Delacroix"),
            "duty_officer": ("Wade", "Tillman"),
            "analyst": ("Rosa", "Villanueva"),
            "responder": ("Tyler", "Brandt"),
            "viewer": ("Grace", "Kimura"),
        },
        custom_roles=(
            DemoRole(
                "Watch Commander",
                frozenset(
                    {Capability.VIEW, Capability.CONTRIBUTE, Capability.COMMAND, Capability.SHARE}
                ),
                "The shift's senior officer: takes command of incidents until relieved.",
                ("Harold", "Beaumont"),
            ),
        ),
    ),
    DemoAgency(
        slug="port-calder-police",
        name="Port Calder Police Department",
        kind=AgencyKind.LAW_ENFORCEMENT,
        parent=None,
        email="police@portcalder.example",
        phone="+1 360 555 0150",
        website="https://www.portcalder.example/police",
        address="310 Front Street\nPort Calder, WM 59101",
        contact_points=(
            _duty_desk("+1 360 555 0151", "CALDER PD MAIN"),
            _contact("Public information officer", "Lt. Omar Haddad", "pio.pd@portcalder.example"),
        ),
        people={
            "admin": ("Angela", "Moretti"),
            "duty_officer": ("Darnell", "Hughes"),
            "analyst": ("Sofia", "Lindgren"),
            "responder": ("Kevin", "O'Rourke"),
            "viewer": ("Nadia", "Petrova"),
        },
    ),
    DemoAgency(
        slug="harbor-police",
        name="Port of Calder Harbor Police",
        kind=AgencyKind.LAW_ENFORCEMENT,
        parent=None,
        email="harborpolice@portofcalder.example",
        phone="+1 360 555 0160",
        website="https://www.portofcalder.example/police",
        address="2 Terminal Road, Pier 4\nPort Calder, WM 59101",
        contact_points=(
            _duty_desk("+1 360 555 0161", "Marine VHF 14 (port operations)"),
            _contact("Harbor master", "Port operations centre", "ops@portofcalder.example"),
        ),
        people={
            "admin": ("Elena", "Sandoval"),
            "duty_officer": ("Ian", "MacLeod"),
            "analyst": ("Fatima", "Benali"),
            "responder": ("Carlos", "Ibarra"),
            "viewer": ("Megan", "Trask"),
        },
    ),
    DemoAgency(
        slug="marrow-fire",
        name="Marrow County Fire District",
        kind=AgencyKind.FIRE,
        parent=None,
        email="info@marrowfire.example",
        phone="+1 360 555 0170",
        website="https://www.marrowfire.example",
        address="88 Alder Street, Station 1\nPort Calder, WM 59101",
        contact_points=(
            _duty_desk("+1 360 555 0171", "MARROW FIRE DISPATCH"),
            _contact("Battalion chief on duty", "Battalion 1", phone="+1 360 555 0172"),
            _contact("Public information officer", "Jenna Moss", "pio@marrowfire.example"),
        ),
        people={
            "admin": ("Ruth", "Ellingson"),
            "duty_officer": ("Bennett", "Quarles"),
            "analyst": ("Hana", "Watanabe"),
            "responder": ("Luis", "Carvajal"),
            "viewer": ("Diane", "Foster"),
        },
    ),
    DemoAgency(
        slug="esterly-fire",
        name="Esterly Fire Department",
        kind=AgencyKind.FIRE,
        parent=None,
        email="fire@esterly.example",
        phone="+1 360 555 0180",
        website="https://www.esterly.example/fire",
        address="17 Mill Road\nEsterly, WM 59110",
        contact_points=(_duty_desk("+1 360 555 0181", "ESTERLY FIRE"),),
        people={
            "admin": ("Walter", "Brisbane"),
            "duty_officer": ("Chloé", "Arsenault"),
            "analyst": ("Omar", "Siddiqui"),
            "responder": ("Jake", "Hollister"),
            "viewer": ("Imogen", "Price"),
        },
    ),
    DemoAgency(
        slug="coastal-ems",
        name="Westmarch Coastal EMS",
        kind=AgencyKind.EMS,
        parent=None,
        email="dispatch@coastalems.example",
        phone="+1 360 555 0190",
        website="https://www.coastalems.example",
        address="620 Harbor View Drive\nPort Calder, WM 59101",
        contact_points=(
            _duty_desk("+1 360 555 0191", "EMS MED 3"),
            _contact("Medical director", "Dr. Aaron Feld", "medical.director@coastalems.example"),
        ),
        people={
            "admin": ("Teresa", "Lowell"),
            "duty_officer": ("Mateo", "Franco"),
            "analyst": ("Anjali", "Desai"),
            "responder": ("Riley", "Stanton"),
            "viewer": ("George", "Papadakis"),
        },
    ),
    DemoAgency(
        slug="marrow-public-health",
        name="Marrow County Public Health",
        kind=AgencyKind.HEALTH,
        parent=None,
        email="health@marrowcounty.example",
        phone="+1 360 555 0195",
        website="https://health.marrowcounty.example",
        address="12 Spruce Avenue\nPort Calder, WM 59102",
        contact_points=(
            _duty_desk("+1 360 555 0196", "", "oncall.health@marrowcounty.example"),
            _contact("Health officer", "Dr. Miriam Goldfarb", "healthofficer@marrowcounty.example"),
        ),
        people={
            "admin": ("Miriam", "Goldfarb"),
            "duty_officer": ("Kwame", "Mensah"),
            "analyst": ("Ingrid", "Solberg"),
            "responder": ("Paul", "Nakamura"),
            "viewer": ("Beatriz", "Coelho"),
        },
    ),
    DemoAgency(
        slug="vell-water",
        name="Vell River Water Authority",
        kind=AgencyKind.PUBLIC_WORKS,
        parent=None,
        email="operations@vellwater.example",
        phone="+1 360 555 0197",
        website="https://www.vellwater.example",
        address="4 Weir Lane\nEsterly, WM 59110",
        contact_points=(
            _duty_desk("+1 360 555 0198", "VELL OPS"),
            _contact("Treatment plant control room", "Esterly plant", phone="+1 360 555 0199"),
        ),
        people={
            "admin": ("Lorraine", "Castellano"),
            "duty_officer": ("Eric", "Thorsen"),
            "analyst": ("Yusuf", "Karimi"),
            "responder": ("Dale", "Whitaker"),
            "viewer": ("Naomi", "Feld"),
        },
    ),
)

PRIMARY, SUPPORTING = ResponsibilityKind.PRIMARY, ResponsibilityKind.SUPPORTING

# Who answers for what: each discipline has its primary agency for a piece of ground.
RESPONSIBILITIES: tuple[tuple[str, str, str], ...] = (
    ("westmarch-oem", "westmarch", PRIMARY),
    ("westmarch-fusion-center", "westmarch", SUPPORTING),
    ("westmarch-oem", "marrow-county", SUPPORTING),
    ("marrow-county-em", "marrow-county", PRIMARY),
    ("marrow-sheriff", "marrow-county", PRIMARY),
    ("marrow-public-health", "marrow-county", PRIMARY),
    ("coastal-ems", "marrow-county", PRIMARY),
    ("port-calder-em", "port-calder", PRIMARY),
    ("port-calder-police", "port-calder", PRIMARY),
    ("marrow-sheriff", "port-calder", SUPPORTING),
    ("marrow-sheriff", "esterly", PRIMARY),
    ("esterly-fire", "esterly", PRIMARY),
    ("marrow-fire", "esterly", SUPPORTING),
    ("harbor-police", "port-of-calder", PRIMARY),
    ("port-calder-police", "port-of-calder", SUPPORTING),
    ("marrow-fire", "port-of-calder", SUPPORTING),
    ("marrow-fire", "marrow-fire-district", PRIMARY),
    ("esterly-fire", "marrow-fire-district", SUPPORTING),
    ("vell-water", "vell-river-water-authority", PRIMARY),
    ("marrow-public-health", "vell-river-water-authority", SUPPORTING),
    ("marrow-county-em", "kessa-tribal-lands", SUPPORTING),
    ("marrow-sheriff", "kessa-tribal-lands", SUPPORTING),
)

OPERATOR_NAME = ("Morgan", "Reyes")


def demo_email(username: str) -> str:
    return f"{username}@{DEMO_EMAIL_DOMAIN}"


def seed_demo_region(stdout: TextIO | None = None) -> dict[str, int]:
    """Build whatever of the demo region is missing; leave what exists as it is.

    Returns how many agencies, jurisdictions, users, ... were created and how many were
    already there. `stdout`, if given, gets a line for each agency, jurisdiction and role
    created. One transaction: a failure leaves the database as it was.
    """
    counts = dict.fromkeys(
        (
            "agencies_created",
            "agencies_present",
            "jurisdictions_created",
            "jurisdictions_present",
            "responsibilities_created",
            "roles_created",
            "users_created",
            "users_present",
            "memberships_created",
        ),
        0,
    )

    def say(line: str) -> None:
        if stdout is not None:
            stdout.write(f"{line}\n")

    # PBKDF2 is slow on purpose (most of a second per call at production settings) and
    # every demo account has the same published password: hash it once and give every
    # new account that hash. Computed here, not at import, so that the hasher in settings
    # at seeding time (the tests' fast MD5, say) is the one used.
    password = make_password(DEMO_PASSWORD)
    with transaction.atomic():
        operator = _seed_operator(counts, password)
        jurisdictions = _seed_jurisdictions(counts, say, operator)
        agencies = _seed_agencies(counts, say, operator)
        _seed_responsibilities(agencies, jurisdictions, counts, operator)
        custom_roles = _seed_custom_roles(agencies, counts, say, operator)
        _seed_people(agencies, custom_roles, counts, operator, password)
    return counts


def _seed_operator(counts, password: str):
    """The platform operator, first: every agency, jurisdiction and first member of the
    region is set up by them, through the verbs."""
    operator = get_user_model().objects.filter(username=OPERATOR_USERNAME).first()
    if operator is not None:
        counts["users_present"] += 1
        return operator
    counts["users_created"] += 1
    first_name, last_name = OPERATOR_NAME
    return get_user_model().objects.create(
        username=OPERATOR_USERNAME,
        first_name=first_name,
        last_name=last_name,
        email=demo_email(OPERATOR_USERNAME),
        password=password,
        is_staff=True,
        is_superuser=True,
    )


def _seed_jurisdictions(counts, say, operator) -> dict[str, Jurisdiction]:
    existing = Jurisdiction.objects.in_bulk([j.slug for j in JURISDICTIONS], field_name="slug")
    counts["jurisdictions_present"] = len(existing)
    for spec in JURISDICTIONS:
        if spec.slug not in existing:
            existing[spec.slug] = services.define_jurisdiction(
                actor=operator,
                name=spec.name,
                slug=spec.slug,
                level=spec.level,
                boundary=spec.boundary,
                code=spec.code,
            )
            counts["jurisdictions_created"] += 1
            say(f"Defined jurisdiction {spec.name} ({spec.slug})")
    return existing


def _seed_agencies(counts, say, operator) -> dict[str, Agency]:
    existing = Agency.objects.in_bulk([a.slug for a in AGENCIES], field_name="slug")
    counts["agencies_present"] = len(existing)
    for spec in AGENCIES:
        if spec.slug in existing:
            continue
        agency = services.register_agency(
            actor=operator,
            name=spec.name,
            slug=spec.slug,
            kind=spec.kind,
            parent=existing[spec.parent] if spec.parent else None,
        )
        services.update_agency_contacts(
            agency,
            actor=operator,
            contact_points=spec.contact_points,
            email=spec.email,
            phone=spec.phone,
            website=spec.website,
            address=spec.address,
        )
        existing[spec.slug] = agency
        counts["agencies_created"] += 1
        say(f"Registered agency {spec.name} ({spec.slug})")
    return existing


def _seed_responsibilities(agencies, jurisdictions, counts, operator) -> None:
    present = set(
        Responsibility.objects.filter(agency__in=agencies.values()).values_list(
            "agency__slug", "jurisdiction__slug"
        )
    )
    for agency_slug, jurisdiction_slug, kind in RESPONSIBILITIES:
        if (agency_slug, jurisdiction_slug) not in present:
            services.assign_responsibility(
                agencies[agency_slug], jurisdictions[jurisdiction_slug], kind, actor=operator
            )
            counts["responsibilities_created"] += 1


def _seed_custom_roles(agencies, counts, say, operator) -> dict[tuple[str, str], Role]:
    """The agencies' own roles, keyed by (agency slug, role name); missing ones are defined."""
    roles = {}
    for spec in AGENCIES:
        agency = agencies[spec.slug]
        for custom in spec.custom_roles:
            role = agency.roles.filter(name__iexact=custom.name).first()
            if role is None:
                role = services.define_role(
                    agency,
                    actor=operator,
                    name=custom.name,
                    capabilities=custom.capabilities,
                    description=custom.description,
                )
                counts["roles_created"] += 1
                say(f"Defined role {custom.name} in {spec.name}")
            roles[spec.slug, custom.name] = role
    return roles


class _Person(NamedTuple):
    username: str
    name: tuple[str, str]
    agency: Agency
    role: Role


def _demo_people(agencies, custom_roles) -> list[_Person]:
    """`<agency-slug>.<role-slug>` for every built-in and custom role of every demo agency."""
    builtin = {
        (role.agency_id, role.slug): role
        for role in Role.objects.filter(agency__in=agencies.values(), is_builtin=True)
    }
    people = []
    for spec in AGENCIES:
        agency = agencies[spec.slug]
        for role_slug in sorted(BUILTIN_ROLE_SLUGS):
            role = builtin[agency.pk, role_slug]
            people.append(_Person(f"{spec.slug}.{role.slug}", spec.people[role_slug], agency, role))
        for custom in spec.custom_roles:
            role = custom_roles[spec.slug, custom.name]
            people.append(_Person(f"{spec.slug}.{role.slug}", custom.holder, agency, role))
    return people


def _seed_people(agencies, custom_roles, counts, operator, password: str) -> None:
    """One person per role of every demo agency, made a member by the operator."""
    people = _demo_people(agencies, custom_roles)
    names = {person.username: person.name for person in people}

    User = get_user_model()
    users = User.objects.in_bulk(list(names), field_name="username")
    counts["users_present"] += len(users)
    missing = [username for username in names if username not in users]
    if missing:
        for username in missing:
            first_name, last_name = names[username]
            users[username] = User.objects.create(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=demo_email(username),
                password=password,
            )
        counts["users_created"] += len(missing)

    members = set(
        Membership.objects.filter(agency__in=agencies.values()).values_list(
            "user__username", "agency__slug"
        )
    )
    for person in people:
        if (person.username, person.agency.slug) not in members:
            services.add_member(
                person.agency, actor=operator, user=users[person.username], role=person.role
            )
            counts["memberships_created"] += 1
