"""Shared stories for the work of an incident: Harbor Police leads, Esterly Fire joins."""

import pytest

from incidents.services.participants import add_participant
from tests.factories import agreement_between, member_of, open_incident


@pytest.fixture
def fire_duty(other_agency):
    """Esterly Fire's duty officer: approves what Esterly Fire supplies."""
    return member_of(other_agency, "duty_officer", username="esterly-fire.duty_officer")


@pytest.fixture
def fire_responder(other_agency):
    """Esterly Fire's responder: works the tasks given to Esterly Fire."""
    return member_of(other_agency, "responder", username="esterly-fire.responder")


@pytest.fixture
def responder(agency):
    """Harbor Police's responder: contributes to work assigned to Harbor Police."""
    return member_of(agency, "responder", username="harbor-police.responder")


@pytest.fixture
def northgate_duty(northgate):
    """Northgate EMS's duty officer: sees nothing of the warehouse fire."""
    return member_of(northgate, "duty_officer", username="northgate-ems.duty_officer")


@pytest.fixture
def mutual_aid(agency, other_agency, admin, other_admin):
    """Harbor Police and Esterly Fire share up to AMBER+STRICT, every incident type."""
    return agreement_between(agency, other_agency, actor_first=admin, actor_second=other_admin)


@pytest.fixture
def incident(duty):
    """An AMBER warehouse fire opened by Harbor Police's duty officer."""
    return open_incident(duty, title="Warehouse fire on Dock Street")


@pytest.fixture
def joint_incident(incident, duty, other_agency, mutual_aid):
    """The warehouse fire under unified command of Harbor Police and Esterly Fire."""
    add_participant(incident, actor=duty, agency=other_agency, part="unified_command")
    incident.refresh_from_db()
    return incident
