"""`manage.py seed_demo` builds a believable region, safely, and a second run changes nothing."""

from collections import Counter
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from agencies.capabilities import BUILTIN_ROLE_SLUGS
from agencies.geo import covering, parse_boundary
from agencies.models import (
    Agency,
    ContactPoint,
    Jurisdiction,
    Membership,
    Responsibility,
    Role,
)
from demo.people import OPERATOR_USERNAME, seed_memberships, seed_people
from demo.region import seed_region
from demo.seed import quiet

User = get_user_model()

DEMO_PASSWORD = "concord-demo"  # published on purpose: `make run` prints it
# Points (lon, lat) inside the city, the harbour, the town and the reservation.
PORT_CALDER_DOWNTOWN = (-123.905, 46.018)
PORT_OF_CALDER_TERMINAL = (-123.955, 45.975)
ESTERLY_TOWN_CENTRE = (-123.585, 46.085)
KESSA_COMMUNITY_CENTRE = (-123.87, 45.76)

DEMO_AGENCIES = {
    "westmarch-oem",
    "marrow-county-em",
    "port-calder-em",
    "westmarch-fusion-center",
    "marrow-sheriff",
    "port-calder-police",
    "harbor-police",
    "marrow-fire",
    "esterly-fire",
    "coastal-ems",
    "marrow-public-health",
    "vell-water",
}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    """The region alone: the command goes on to open the demo's incidents, which take most
    of its time and which these tests do not look at."""
    counts = Counter()
    people = seed_people(counts)
    seed_memberships(seed_region(people[OPERATOR_USERNAME], counts, quiet), people, counts)


def table_counts() -> dict[str, int]:
    models = (Agency, Jurisdiction, Responsibility, Role, Membership, User, ContactPoint)
    return {model.__name__: model.objects.count() for model in models}


def covering_names(point) -> set[str]:
    lon, lat = point
    return {j.slug for j in covering(Jurisdiction.objects.bbox_contains(lon, lat), lon, lat)}


def test_the_demo_region_has_its_agencies_jurisdictions_and_people(db):
    output = seed()
    assert set(Agency.objects.values_list("slug", flat=True)) == DEMO_AGENCIES
    assert table_counts() == {
        "Agency": 12,
        "Jurisdiction": 8,
        "Responsibility": 22,
        "Role": 12 * 5 + 2,
        "Membership": 12 * 5 + 2,
        "User": 12 * 5 + 2 + 1,
        "ContactPoint": 26,
    }
    assert "agencies:       12 created, 0 already present" in output
    assert "users:          63 created, 0 already present" in output


def test_every_agency_has_one_demo_person_per_builtin_role(seeded):
    memberships = Membership.objects.filter(is_active=True, role__is_builtin=True)
    assert set(memberships.values_list("user__username", "agency__slug", "role__slug")) == {
        (f"{agency}.{role}", agency, role)
        for agency in DEMO_AGENCIES
        for role in BUILTIN_ROLE_SLUGS
    }
    officer = User.objects.get(username="harbor-police.duty_officer")
    assert list(officer.groups.values_list("name", flat=True)) == ["harbor-police.duty_officer"]
    assert officer.email == "harbor-police.duty_officer@demo.concord.invalid"
    assert officer.get_full_name() == "Ian MacLeod"


def test_demo_people_sign_in_with_the_demo_password_hashed_once(seeded):
    for username in ("harbor-police.duty_officer", "esterly-fire.viewer", "operator"):
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)
    # One hash, made with the hasher configured at seeding time (the tests' fast MD5).
    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert hashes.pop().startswith("md5$")


def test_the_operator_runs_the_platform_but_belongs_to_no_agency(seeded):
    operator = User.objects.get(username="operator")
    assert operator.is_staff
    assert operator.is_superuser
    assert not operator.memberships.exists()
    assert not User.objects.exclude(username="operator").filter(is_staff=True).exists()


def test_agencies_define_their_own_roles_and_someone_holds_them(seeded):
    watch = Role.objects.get(agency__slug="marrow-sheriff", slug="watch_commander")
    assert not watch.is_builtin
    assert watch.capabilities == {"view", "contribute", "command", "share"}
    commander = User.objects.get(username="marrow-sheriff.watch_commander")
    assert commander.memberships.get().role == watch
    pio = Role.objects.get(agency__slug="port-calder-em", slug="public_information_officer")
    assert pio.capabilities == {"view", "contribute"}
    assert pio.memberships.get().user.username == "port-calder-em.public_information_officer"


def test_the_state_office_heads_the_emergency_management_hierarchy(seeded):
    state = Agency.objects.get(slug="westmarch-oem")
    below = set(Agency.objects.descendants_of(state).values_list("slug", flat=True))
    assert below == {"marrow-county-em", "port-calder-em", "westmarch-fusion-center"}
    assert Agency.objects.get(slug="port-calder-em").parent.slug == "marrow-county-em"


def test_every_agency_can_be_reached_round_the_clock(seeded):
    for agency in Agency.objects.prefetch_related("contact_points"):
        points = list(agency.contact_points.all())
        assert 1 <= len(points) <= 3, agency.slug
        assert any(point.available_24_7 for point in points), agency.slug
        assert agency.email
        assert agency.phone
        assert agency.address


def test_every_boundary_is_valid_and_nests_inside_the_state_and_county(seeded):
    geometries = {j.slug: parse_boundary(j.boundary) for j in Jurisdiction.objects.all()}
    assert Jurisdiction.objects.get(slug="marrow-county").boundary["type"] == "MultiPolygon"
    for slug, geometry in geometries.items():
        assert geometries["westmarch"].covers(geometry), slug
        if slug not in ("westmarch", "marrow-county"):
            assert geometries["marrow-county"].covers(geometry), slug
    assert geometries["port-of-calder"].overlaps(geometries["port-calder"])


def test_a_point_finds_the_ground_it_lies_in(seeded):
    assert covering_names(PORT_CALDER_DOWNTOWN) == {
        "westmarch",
        "marrow-county",
        "port-calder",
        "marrow-fire-district",
    }
    assert {"port-calder", "port-of-calder"} <= covering_names(PORT_OF_CALDER_TERMINAL)
    # Esterly has its own fire department: the fire district has a hole there.
    assert covering_names(ESTERLY_TOWN_CENTRE) == {"westmarch", "marrow-county", "esterly"}
    assert "kessa-tribal-lands" in covering_names(KESSA_COMMUNITY_CENTRE)


def test_each_city_and_the_port_have_their_primary_police(seeded):
    primary = set(
        Responsibility.objects.filter(kind="primary", agency__kind="law_enforcement").values_list(
            "jurisdiction__slug", "agency__slug"
        )
    )
    assert ("port-calder", "port-calder-police") in primary
    assert ("port-of-calder", "harbor-police") in primary
    assert ("esterly", "marrow-sheriff") in primary
    assert ("marrow-county", "marrow-sheriff") in primary


def test_seeding_twice_changes_nothing(db):
    seed()
    before = table_counts()
    password = User.objects.get(username="harbor-police.admin").password
    output = seed()
    assert table_counts() == before
    assert User.objects.get(username="harbor-police.admin").password == password
    assert "agencies:        0 created, 12 already present" in output
    assert "users:           0 created, 63 already present" in output


def test_what_already_exists_is_left_as_it_is(agency, admin):
    admin.set_password("a password of their own")
    admin.save()
    seed()
    assert Agency.objects.get(slug="harbor-police").name == "Harbor Police"
    admin.refresh_from_db()
    assert admin.check_password("a password of their own")
    assert Agency.objects.count() == 12
    assert User.objects.filter(username="harbor-police.duty_officer").exists()


def test_production_is_refused_unless_explicitly_allowed(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="--allow-production"):
        seed()
    assert not Agency.objects.exists()
    assert not User.objects.exists()
    seed("--allow-production")
    assert Agency.objects.count() == 12
