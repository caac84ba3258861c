"""Every change to an object under an incident, on every route the URL map has, is made
against a version: a partner system that names none gets 428, one that names a stale one
412, and in both cases nothing changes. Deleting is a change too.

The routes are walked, not listed, so a write route added later without its version
check fails here. Reads of what a route may do are checked the same way: no write
method of any incident route is allowed on the strength of `view` alone.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.permissions import SAFE_METHODS

from incidents.models import Incident, OperationalPeriod, Participant, Position, ResourceRequest
from incidents.models import Task as TaskModel
from incidents.services import command, resource_requests, tasks
from tests.factories import issue_client
from tests.incidents.test_every_endpoint_is_guarded import (
    one_incident_routes,
    url_for,
    view_class,
)

NOW = timezone.now().replace(microsecond=0)
STALE = '"999"'

# A body the route's serializer accepts, so the version is what refuses the change.
BODIES = {
    "incident-status": {"status": "active", "reason": "Crews on scene"},
    "participant-detail": {"part": "assisting"},
    "task-status": {"status": "in_progress"},
    "resource-request-transition": {"status": "cancelled", "note": "Found our own"},
}


def write_actions(callback) -> dict[str, str]:
    """{method: action} of the route's methods that change something."""
    actions = getattr(callback, "actions", None) or {}
    return {
        method.upper(): action
        for method, action in actions.items()
        if method.upper() not in SAFE_METHODS
    }


def required_perm(cls, method: str, action: str) -> str | None:
    perms = cls.action_perms
    return perms.get(f"{action}:{method.lower()}") or perms.get(action)


def test_no_incident_route_lets_a_reader_write():
    """Whatever the body, a write needs more than view (a PATCH of `{}` is a write)."""
    readers_writes = []
    for regex, entry in one_incident_routes():
        cls = view_class(entry.callback)
        for method, action in write_actions(entry.callback).items():
            if required_perm(cls, method, action) in (None, "view"):
                readers_writes.append(f"{method} {regex} ({action})")
    assert readers_writes == []


@pytest.fixture
def staffed(joint_incident, duty, agency, other_agency):
    """The warehouse fire with one of everything that has a version."""
    period = command.open_period(
        joint_incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=11),
    )
    position = command.fill_position(
        period, actor=duty, kind="safety_officer", person=duty, agency=agency
    )
    task = tasks.create_task(
        joint_incident, actor=duty, title="Cut power to the warehouse", assigned_agency=agency
    )
    request = resource_requests.request_resources(
        joint_incident,
        actor=duty,
        supplying_agency=other_agency,
        resource_kind="Engine company",
        quantity=2,
    )
    return {
        "participant": other_agency.slug,
        "period": str(period.public_id),
        "position": str(position.public_id),
        "task": str(task.public_id),
        "resource-request": str(request.public_id),
    }


def versions():
    """Every versioned row there is, with its version: nothing may move."""
    return {
        model.__name__: sorted(model.objects.values_list("pk", "version"))
        for model in (Incident, Participant, OperationalPeriod, Position, TaskModel)
    } | {"ResourceRequest": sorted(ResourceRequest.objects.values_list("pk", "version", "status"))}


def versioned_writes(incident, staffed):
    """(route name, method, url) of every change to one existing object."""
    for regex, entry in one_incident_routes():
        cls = view_class(entry.callback)
        basename = entry.name.rsplit("-", 1)[0]
        ids = [str(incident.public_id), staffed.get(basename)]
        one_object = basename == "incident" or regex.count("(?P<") == len(ids)
        for method, action in write_actions(entry.callback).items():
            if action in cls.unversioned_actions or not one_object:
                continue  # a grant has no version; creating in a collection names none
            filling = iter(ids)
            url, _ = url_for(regex, lambda name, group, filling=filling: next(filling))
            yield entry.name, method, url


@pytest.mark.parametrize("if_match", [None, STALE], ids=["no-if-match", "stale-if-match"])
def test_a_partner_system_changes_nothing_without_the_current_version(
    api_with_token, agency, joint_incident, staffed, if_match
):
    _, token = issue_client(agency, "duty_officer", scopes=("read", "write"))
    partner = api_with_token(token)
    before = versions()
    headers = {} if if_match is None else {"HTTP_IF_MATCH": if_match}
    expected = (428, "if_match_required") if if_match is None else (412, "stale_version")

    seen, wrong = set(), []
    for name, method, url in versioned_writes(joint_incident, staffed):
        seen.add((name, method))
        body = BODIES.get(name, {})
        response = partner.generic(
            method, url, data=json.dumps(body), content_type="application/json", **headers
        )
        code = response.json().get("code") if response.content else None
        if (response.status_code, code) != expected:
            wrong.append(f"{method} {url} ({name}): {response.status_code} {code}")

    assert {
        ("incident-detail", "PATCH"),
        ("incident-status", "POST"),
        ("participant-detail", "PATCH"),
        ("participant-detail", "DELETE"),
        ("period-detail", "PATCH"),
        ("period-activate", "POST"),
        ("position-detail", "PATCH"),
        ("position-detail", "DELETE"),
        ("task-detail", "PATCH"),
        ("task-status", "POST"),
        ("resource-request-detail", "PATCH"),
        ("resource-request-transition", "POST"),
    } <= seen
    assert wrong == [], "\n".join(wrong)
    assert versions() == before
