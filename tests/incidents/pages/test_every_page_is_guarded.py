"""Every page of one incident, found by walking the URL map rather than listed by hand,
answers someone who may not see the incident exactly as if it did not exist: the same
status and the same page as for a random id, by GET and by POST, and never a word of it.

Each route's other ids point at what the hidden incident really has (a period, a task, a
request, a timeline entry, a share, a named person), so a page that looked up a child
without asking about its incident first would show here.
"""

import re
import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from incidents.services import command, resource_requests, sitreps, tasks, timeline
from incidents.services import sharing as sharing_services
from incidents.services.participants import add_participant
from sharing.access import PERMS, Access
from tests.factories import AgencyFactory, UserFactory, agreement_between, member_of, open_incident
from tests.incidents.matrix import leaked
from tests.incidents.test_every_endpoint_is_guarded import url_for, walk

PAGE_ROUTES = re.compile(r"^incidents/\(\?P<incident_id>")
METHODS = ("GET", "POST")
NOW = timezone.now().replace(microsecond=0)


def incident_page_routes():
    return [(regex, entry) for regex, entry in walk() if PAGE_ROUTES.match(regex)]


def _perms(declared) -> tuple[str, ...]:
    return (declared,) if isinstance(declared, str) else tuple(declared)


def _declared(callback) -> bool:
    """Whether the view says, for every method it answers, a permission it needs."""
    needs = getattr(callback, "needs", None)
    return bool(needs) and all(set(_perms(perm)) <= set(PERMS) for perm in needs.values())


def test_every_incident_page_declares_the_permission_it_needs():
    """A page under an incident goes through `incident_page`, which names per method what
    the reader needs; a route whose view forgot to say fails here on the day it is added."""
    undeclared = [
        f"{regex} -> {entry.callback.__module__}.{entry.callback.__name__}"
        for regex, entry in incident_page_routes()
        if not _declared(entry.callback)
    ]
    assert undeclared == [], "incident pages that declare no permission:\n" + "\n".join(undeclared)


def test_the_walk_finds_the_incident_pages_we_know_of():
    """So the guard below cannot pass by finding nothing."""
    names = {entry.name for _, entry in incident_page_routes()}
    assert len(names) >= 40
    assert {
        "incident-detail",
        "incident-edit",
        "incident-timeline-post",
        "incident-timeline-correct",
        "command-period-edit",
        "command-objective-status",
        "print-iap",
        "print-sitrep",
        "print-ics203",
    } <= names


@pytest.fixture
def hidden(agency, other_agency, admin, other_admin, duty):
    """An AMBER+STRICT Harbor Police incident under unified command with Northgate Water,
    with one of everything a page can name."""
    partner = AgencyFactory(name="Northgate Water Authority", slug="northgate-water")
    partner_admin = member_of(partner, "admin")
    agreement_between(agency, partner, actor_first=admin, actor_second=partner_admin)
    handler = member_of(agency, "analyst", username="harbor-police.handler")
    incident = open_incident(
        duty,
        title="Covert watch on Pier 4 Kestrelwood",
        description="Surveillance of the Kestrelwood warehouse.",
        tlp="AMBER+STRICT",
    )
    add_participant(incident, actor=duty, agency=partner, part="assisting")
    share = incident.shares.get(agency=partner)
    sharing_services.grant_person(incident, actor=duty, person=handler, level=Access.VIEW)
    period = command.open_period(
        incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=11),
        objectives=[command.ObjectiveInput("Keep Kestrelwood under watch", "open")],
    )
    position = command.fill_position(period, actor=duty, kind="safety_officer", person=duty)
    task = tasks.create_task(
        incident, actor=duty, title="Log Kestrelwood plates", assigned_agency=agency
    )
    request = resource_requests.request_resources(
        incident, actor=duty, supplying_agency=partner, resource_kind="Boat", quantity=1
    )
    entry = timeline.post_entry(incident, actor=duty, kind="note", text="Kestrelwood van left")
    sitreps.issue_sitrep(incident, actor=duty, summary="Kestrelwood quiet overnight")
    ids = {
        "number": "1",
        "order": "1",
        "share_id": str(share.pk),
        "agency": partner.slug,
        "username": handler.username,
        "position_id": str(position.public_id),
        "request_id": str(request.public_id),
        "task_id": str(task.public_id),
        "entry_id": str(entry.public_id),
    }
    return {
        "incident": incident,
        "ids": ids,
        "secrets": (
            incident.title,
            "Kestrelwood",
            incident.reference,
            str(incident.public_id),
        ),
    }


@pytest.fixture(params=["outsider", "other_analyst"])
def intruder(request, other_agency):
    client = Client(raise_request_exception=False)
    if request.param == "outsider":
        client.force_login(UserFactory(username="outsider"))
    else:
        client.force_login(member_of(other_agency, "analyst", username="esterly-fire.analyst"))
    client.who = request.param
    return client


def _filler(incident_id: str, ids: dict[str, str]):
    def values(name: str, group: str) -> str:
        if name == "incident_id":
            return incident_id
        if name not in ids:
            raise AssertionError(f"no value for <{name}>; teach the walk one")
        return ids[name]

    return values


# The CSRF token is masked anew in every page: it says nothing about the incident.
CSRF_TOKEN = re.compile(r"[A-Za-z0-9]{64}")


def _comparable(response, path: str) -> tuple[int, str]:
    body = response.content.decode().replace(path, "<path>")
    return response.status_code, CSRF_TOKEN.sub("<csrf>", body)


def test_no_incident_page_tells_an_intruder_that_a_hidden_incident_exists(hidden, intruder):
    hidden_id = str(hidden["incident"].public_id)
    absent_id = str(uuid.uuid4())
    problems, checked = [], 0
    for regex, entry in incident_page_routes():
        url, _ = url_for(regex, _filler(hidden_id, hidden["ids"]))
        absent_url, _ = url_for(regex, _filler(absent_id, hidden["ids"]))
        for method in METHODS:
            checked += 1
            response = intruder.generic(method, url)
            where = f"{intruder.who} {method} {url} ({entry.name})"
            if response.status_code not in (404, 405):
                problems.append(f"{where}: {response.status_code}, expected 404")
            found = leaked(response, hidden["secrets"], path=url)
            if found:
                problems.append(f"{where}: reveals {found}")
            absent = intruder.generic(method, absent_url)
            if _comparable(response, url) != _comparable(absent, absent_url):
                problems.append(
                    f"{where}: answers {response.status_code} but for an incident that does "
                    f"not exist {absent.status_code}"
                )
    assert checked >= 80
    assert problems == [], "\n".join(problems)


def test_a_reader_who_may_only_view_is_refused_before_anything_is_parsed(hidden, agency):
    """Every page that needs more than `view` answers 403 to someone who may only read the
    incident, whatever was sent (here: nothing), rather than a form's 422."""
    viewer = Client(raise_request_exception=False)
    viewer.force_login(member_of(agency, "viewer", username="harbor-police.viewer"))
    problems, checked = [], 0
    for regex, entry in incident_page_routes():
        url, _ = url_for(regex, _filler(str(hidden["incident"].public_id), hidden["ids"]))
        for method in METHODS:
            needed = _perms(entry.callback.needs.get(method, ()))
            if not needed or needed == ("view",):
                continue
            checked += 1
            response = viewer.generic(method, url)
            if response.status_code != 403:
                problems.append(f"viewer {method} {url} ({entry.name}): {response.status_code}")
    assert checked >= 25
    assert problems == [], "\n".join(problems)
