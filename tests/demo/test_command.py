"""`manage.py seed_demo` runs a few demo incidents under unified command, with their work."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from incidents.ics.sitrep import verify
from incidents.models import (
    Incident,
    OperationalPeriod,
    Position,
    PositionKind,
    ResourceRequest,
    ResourceStatus,
    SituationReport,
    Task,
    TimelineEntry,
)
from sharing import policy
from sharing.markings import TLP

DOCK_STREET = "Warehouse fire on Dock Street"
CHLORINE = "Chlorine leak at the Vell River water treatment plant"
# The incidents run under unified command: how many timeline lines and tasks each has.
COMMANDS = {DOCK_STREET: (30, 7), CHLORINE: (27, 6)}


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


def counts() -> dict[str, int]:
    models = (OperationalPeriod, Position, TimelineEntry, Task, ResourceRequest, SituationReport)
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seeded_incidents_run_under_unified_command_and_a_second_seed_adds_nothing():
    # Given the demo seeded once
    seed()

    # Then each incident has a previous and a current period, the current one holding
    # positions carried over from the previous, from three agencies or more, with
    # Incident Commanders from two agencies
    for title, (lines, tasks) in COMMANDS.items():
        incident = Incident.objects.get(title=title)
        periods = list(incident.periods.order_by("number"))
        assert [(p.number, p.is_current) for p in periods] == [(1, False), (2, True)]
        positions = Position.objects.filter(period=periods[1])
        assert positions.values("agency").distinct().count() >= 3
        commanders = positions.filter(kind=PositionKind.INCIDENT_COMMANDER)
        assert commanders.values("agency").distinct().count() == 2
        entries = incident.timeline.exclude(kind__in=("system", "status_change"))
        assert entries.count() == lines
        assert entries.filter(tlp=TLP.RED).exists()
        assert entries.filter(tlp=TLP.AMBER_STRICT).exists()
        assert entries.filter(corrects__isnull=False).exists()
        assert incident.tasks.count() == tasks >= 6
        # every state of a resource request is shown
        assert set(incident.resource_requests.values_list("status", flat=True)) == set(
            ResourceStatus.values
        )
        (sitrep,) = SituationReport.objects.filter(incident=incident)
        assert verify(sitrep)

    # And a RED line reaches only the named people: an analyst of an agency the
    # incident is shared with sees the incident and the AMBER lines, not the RED one
    analyst = get_user_model().objects.get(username="coastal-ems.analyst")
    incident = Incident.objects.get(title=DOCK_STREET)
    assert policy.visible(analyst, Incident.objects.filter(pk=incident.pk)).exists()
    red = TimelineEntry.objects.filter(incident=incident, tlp=TLP.RED)
    assert red.count() == 2
    assert not policy.visible(analyst, red).exists()
    assert policy.visible(
        analyst, TimelineEntry.objects.filter(incident=incident, tlp=TLP.AMBER)
    ).exists()
    named = get_user_model().objects.get(username="port-calder-police.duty_officer")
    assert policy.visible(named, red).count() == 2

    # When the demo is seeded again
    before = counts()
    seed()

    # Then nothing is added
    assert counts() == before
