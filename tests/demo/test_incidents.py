"""`manage.py seed_demo` opens the demo's incidents, so each demo person sees their own board."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from shapely.geometry import Point

from agencies.geo import parse_boundary
from agencies.models import Jurisdiction
from incidents.models import (
    Incident,
    IncidentGroupGrant,
    IncidentShare,
    IncidentStatus,
    IncidentType,
    IncidentUserGrant,
    StatusChange,
)
from ledger.models import AuditAction, AuditRecord
from sharing import policy
from sharing.markings import COMMUNITY, TLP
from sharing.models import AgreementParty, ShareKind, SharingAgreement

User = get_user_model()

WATER_SECURITY = "Vell River Water Security Information Exchange"
FERRY_PILOT = "Gull Island Ferry Security Pilot"
BOMB_THREAT = "Ferry terminal bomb threat"
SCADA = "SCADA intrusion alerts at the Vell River treatment plant"
DRONES = "Suspicious drone flights over the container terminal"
RANSOMWARE = "Ransomware attack on Marrow General Hospital"
SOURCE_REPORTING = "Source reporting: planned attack on the Gull Island ferry"
INSIDER = "Port access credentials sold to outsiders"
LEVEE = "Seepage through the Kessa Creek levee"
EOC_MOVED = "County EOC moved to the Alder Street fallback site"
LANDSLIDE = "Landslide closes Bluff Road above the harbour"
COASTAL_SHIELD = "Exercise Coastal Shield: ferry collision off the Port of Calder"
SAWMILL = "Sawmill fire at the Esterly timber yard"


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def seeded(db):
    return seed()


def table_counts() -> dict[str, int]:
    models = (
        Incident,
        StatusChange,
        IncidentShare,
        IncidentGroupGrant,
        IncidentUserGrant,
        SharingAgreement,
        AgreementParty,
        AuditRecord,
    )
    return {model.__name__: model.objects.count() for model in models}


def board(username: str) -> set[str]:
    user = User.objects.get(username=username)
    return set(policy.visible(user, Incident.objects.all()).values_list("title", flat=True))


def seers(title: str) -> set[str]:
    incident = Incident.objects.get(title=title)
    return {user.username for user in User.objects.all() if policy.can(user, "view", incident)}


def test_the_demo_has_incidents_of_every_kind_under_its_agreements(seeded):
    assert Incident.objects.count() == 30
    assert SharingAgreement.objects.count() == 6
    assert IncidentShare.objects.filter(kind=ShareKind.LEAD).count() == 30
    assert IncidentShare.objects.exclude(kind=ShareKind.LEAD).count() == 52
    named = IncidentUserGrant.objects.values("user", "content_object").distinct()
    # 10 for RED incidents, 3 for the authors of RED timeline lines (demo/data/command.json)
    assert named.count() == 13
    assert "agreements:      6 created, 0 already present" in seeded
    assert "incidents:      30 created, 0 already present" in seeded

    assert set(Incident.objects.values_list("tlp", flat=True)) == set(TLP.values)
    assert set(Incident.objects.values_list("status", flat=True)) == set(IncidentStatus.values)
    assert set(Incident.objects.values_list("incident_type", flat=True)) == set(IncidentType.values)
    assert Incident.objects.values("lead_agency").distinct().count() == 12
    county = parse_boundary(Jurisdiction.objects.get(slug="marrow-county").boundary)
    at_sea = {
        i.title for i in Incident.objects.all() if not county.covers(Point(i.longitude, i.latitude))
    }
    assert at_sea == {
        "Magnitude 5.8 earthquake off the Westmarch coast",
        "Search for missing kayaker off Gull Island",
    }
    assert Incident.objects.filter(is_exercise=True).count() == 2
    reopened = StatusChange.objects.filter(
        from_status=IncidentStatus.CLOSED, to_status=IncidentStatus.ACTIVE
    )
    assert list(reopened.values_list("incident__title", flat=True)) == [SAWMILL]

    statuses = {a.name: a.effective_status for a in SharingAgreement.objects.all()}
    assert statuses.pop(WATER_SECURITY) == "suspended"
    assert statuses.pop(FERRY_PILOT) == "expired"
    assert set(statuses.values()) == {"active"}

    break_glass = IncidentShare.objects.get(kind=ShareKind.BREAK_GLASS)
    assert break_glass.incident.title == RANSOMWARE
    assert break_glass.agreement is None
    assert len(break_glass.justification) > 100
    flagged = AuditRecord.objects.filter(flagged=True)
    assert list(flagged.values_list("action", flat=True)) == [AuditAction.BREAK_GLASS]
    assert IncidentShare.objects.exclude(role_slugs=[]).count() == 3


def test_seeding_twice_changes_nothing(seeded):
    before = table_counts()
    pilot_ends = SharingAgreement.objects.get(name=FERRY_PILOT).valid_until
    output = seed()
    assert table_counts() == before
    assert "agreements:      0 created, 6 already present" in output
    assert "incidents:       0 created, 30 already present" in output
    assert SharingAgreement.objects.get(name=FERRY_PILOT).valid_until == pilot_ends
    assert SharingAgreement.objects.get(name=WATER_SECURITY).effective_status == "suspended"


def test_each_demo_person_sees_their_own_board(seeded):
    harbor, esterly = board("harbor-police.analyst"), board("esterly-fire.analyst")
    assert {BOMB_THREAT, DRONES, INSIDER} <= harbor - esterly
    assert SAWMILL in esterly - harbor
    sizes = {
        username: len(board(username))
        for username in (
            "coastal-ems.analyst",
            "harbor-police.duty_officer",
            "harbor-police.viewer",
            "esterly-fire.analyst",
            "westmarch-fusion-center.analyst",
            "westmarch-fusion-center.viewer",
            "port-calder-em.viewer",
            "westmarch-oem.duty_officer",
        )
    }
    assert sizes == {
        "coastal-ems.analyst": 17,
        "harbor-police.duty_officer": 14,
        "harbor-police.viewer": 12,
        "esterly-fire.analyst": 10,
        "westmarch-fusion-center.analyst": 14,
        "westmarch-fusion-center.viewer": 11,
        "port-calder-em.viewer": 16,
        "westmarch-oem.duty_officer": 10,
    }

    # CLEAR and GREEN reach everyone who holds a role, and nobody else.
    community = set(Incident.objects.filter(tlp__in=COMMUNITY).values_list("title", flat=True))
    assert len(community) == 8
    for user in User.objects.filter(memberships__isnull=False).distinct():
        assert community <= board(user.username), user.username
    assert board("operator") == set()

    # AMBER reaches down an organisation: the county's, to the city office below it...
    assert LEVEE in board("port-calder-em.viewer")
    assert LEVEE not in board("westmarch-oem.duty_officer")
    assert COASTAL_SHIELD in board("port-calder-em.viewer")
    assert COASTAL_SHIELD in board("westmarch-fusion-center.viewer")
    # ...an incident of the city office reaches the county only when shared up to it...
    assert LANDSLIDE in board("marrow-county-em.viewer")
    assert LANDSLIDE not in board("westmarch-oem.duty_officer")
    # ...and AMBER+STRICT stays inside the agencies it is shared with.
    assert EOC_MOVED in board("marrow-county-em.viewer")
    assert EOC_MOVED not in board("port-calder-em.duty_officer")


def test_red_lapsed_agreements_and_role_shares_stop_where_they_should(seeded):
    assert seers(SOURCE_REPORTING) == {
        "westmarch-fusion-center.duty_officer",
        "westmarch-oem.duty_officer",
        "harbor-police.duty_officer",
        "marrow-sheriff.watch_commander",
    }
    assert seers(INSIDER) == {
        "harbor-police.duty_officer",
        "harbor-police.analyst",
        "westmarch-fusion-center.analyst",
    }

    # Shared while the agreements were in force; the shares remain but count no more.
    scada = IncidentShare.objects.get(incident__title=SCADA, agency__slug="westmarch-fusion-center")
    assert scada.agreement.name == WATER_SECURITY
    assert SCADA in board("vell-water.viewer")
    assert SCADA not in board("westmarch-fusion-center.duty_officer")
    ferry = IncidentShare.objects.get(incident__title=BOMB_THREAT, agency__slug="marrow-sheriff")
    assert ferry.agreement.name == FERRY_PILOT
    assert BOMB_THREAT in board("port-calder-police.viewer")
    assert BOMB_THREAT not in board("marrow-sheriff.duty_officer")

    # Shared with the fusion center's duty officer and analyst only.
    assert {BOMB_THREAT, DRONES} <= board("westmarch-fusion-center.analyst")
    assert not {BOMB_THREAT, DRONES} & board("westmarch-fusion-center.viewer")
    # Break-glass shares the incident with the whole agency.
    assert RANSOMWARE in board("westmarch-fusion-center.viewer")
