"""Every public verb of every app writes exactly one outbox event, however many verbs it
calls inside: live updates, alerts and webhooks read nothing else.

The verbs are found by walking the service modules, so a verb added without a case here
fails `test_every_public_function_is_a_verb_with_a_case_or_named_as_no_verb`; each case
builds what its verb needs outside the capture, then calls the verb inside it.
"""

import importlib
import inspect
import pkgutil
from datetime import timedelta

import pytest
from django.utils import timezone

import incidents.services
from agencies import services as agency_services
from incidents.models import Incident
from incidents.services import (
    command,
    participants,
    resource_requests,
    routing,
    share_levels,
    sitreps,
    tasks,
    timeline,
)
from incidents.services import incidents as incident_verbs
from incidents.services import sharing as sharing_verbs
from sharing import agreements
from sharing.access import Access
from tests.factories import (
    JurisdictionFactory,
    issue_client,
    open_incident,
    square,
)

MODULES = [
    "agencies.services",
    "sharing.agreements",
    "sharing.grants",
    *(
        f"incidents.services.{module.name}"
        for module in pkgutil.iter_modules(incidents.services.__path__)
    ),
]

# Public functions of those modules that are not verbs: they change nothing of their own.
NOT_VERBS = {
    # Reads and pure helpers.
    "agencies.services.hash_token",
    "agencies.services.find_client_by_token",
    "sharing.agreements.covering_agreement",
    "incidents.services.actors.acting_agency",
    "incidents.services.sitreps.clean_figures",
    "incidents.services.timeline.check_correctable",
    # Bookkeeping of a read: when a token was last used (at most once a minute), and the
    # audit record of a view of an AMBER or stricter incident. A read changes nothing.
    "agencies.services.record_client_use",
    "incidents.services.incidents.record_view",
    # Parts of verbs: the reference counter of `open_incident`, the named grant that keeps
    # whoever marks an incident RED on it (`change_marking`'s), and the timeline line a
    # verb may leave (an effect of its own; the event is the verb's).
    "incidents.services.incidents.allocate_reference",
    "incidents.services.sharing.keep_commander_named",
    "incidents.services.journal.log_change",
    # Guardian rows written inside the verbs that audit and describe them.
    "sharing.grants.grant_agency",
    "sharing.grants.change_level",
    "sharing.grants.revoke_agency",
    "sharing.grants.grant_person",
    "sharing.grants.revoke_person",
    "sharing.grants.named_grants",
    "sharing.grants.grant_existing_shares_to_new_role",
    # The skeleton itself, fitted to incidents.
    "incidents.services.verbs.ensure_still_visible",
    "incidents.services.verbs.incident_verb",
    "incidents.services.verbs.describe",
}


def public_functions() -> set[str]:
    found = set()
    for name in MODULES:
        module = importlib.import_module(name)
        found |= {
            f"{name}.{attribute}"
            for attribute, value in vars(module).items()
            if inspect.isfunction(value)
            and value.__module__ == name
            and not attribute.startswith("_")
        }
    return found


# Each case takes the test's fixture lookup and returns the call of its verb.


def _later(days: int = 0, hours: int = 0):
    return timezone.now() + timedelta(days=days, hours=hours)


def _role(f):
    return agency_services.define_role(
        f("agency"), actor=f("admin"), name="Night Watch", capabilities=["view"]
    )


def _jurisdiction(f):
    return JurisdictionFactory(name="Dock Ward", slug="dock-ward", boundary=square(5, 5))


def _proposal(f):
    return agreements.propose_agreement(
        proposer=f("agency"),
        parties=[f("other_agency")],
        actor=f("admin"),
        name="Harbour fires",
        max_tlp="AMBER",
        valid_from=timezone.now(),
    )


def _share(f):
    return sharing_verbs.share_incident(f("incident"), actor=f("duty"), agency=f("other_agency"))


def _participant(f):
    return participants.add_participant(
        f("incident"), actor=f("duty"), agency=f("other_agency"), part="assisting"
    )


def _period(f, hours=0):
    return command.open_period(
        f("incident"),
        actor=f("duty"),
        starts_at=_later(hours=hours),
        ends_at=_later(hours=hours + 12),
    )


def _position(f):
    return command.fill_position(
        _period(f), actor=f("duty"), kind="incident_commander", person=f("duty")
    )


def _task(f):
    return tasks.create_task(
        f("incident"), actor=f("duty"), title="Hold the line", assigned_agency=f("agency")
    )


def _request(f):
    _participant(f)
    return resource_requests.request_resources(
        f("incident"),
        actor=f("duty"),
        supplying_agency=f("other_agency"),
        resource_kind="Engine",
        quantity=1,
    )


def _with_lead(incident):
    """The incident as a verb holding its lock reads it: with its lead agency."""
    return Incident.objects.select_related("lead_agency").get(pk=incident.pk)


def _routable(f):
    ground = JurisdictionFactory(name="Dock Ward", slug="dock-ward", boundary=square(-124.5, 45.5))
    agency_services.assign_responsibility(f("northgate"), ground, "primary", actor=f("staff"))
    return f("incident")


CASES: dict[str, object] = {}


def case(verb: str):
    """Register how to call `verb`: the function builds what it needs and returns the call."""

    def register(build):
        CASES[verb] = build
        return build

    return register


@case("agencies.services.register_agency")
def _(f):
    return lambda: agency_services.register_agency(
        actor=f("staff"), name="Port Authority", slug="port-authority", kind="public_works"
    )


@case("agencies.services.set_agency_parent")
def _(f):
    return lambda: agency_services.set_agency_parent(
        f("other_agency"), f("agency"), actor=f("staff")
    )


@case("agencies.services.update_agency_contacts")
def _(f):
    return lambda: agency_services.update_agency_contacts(
        f("agency"), actor=f("admin"), phone="+1 555 0100"
    )


@case("agencies.services.set_agency_active")
def _(f):
    return lambda: agency_services.set_agency_active(f("other_agency"), False, actor=f("staff"))


@case("agencies.services.update_agency")
def _(f):
    return lambda: agency_services.update_agency(
        f("other_agency"), actor=f("staff"), name="Esterly Fire and Rescue", is_active=False
    )


@case("agencies.services.define_jurisdiction")
def _(f):
    return lambda: agency_services.define_jurisdiction(
        actor=f("staff"),
        name="Dock Ward",
        slug="dock-ward",
        level="municipal",
        boundary=square(5, 5),
    )


@case("agencies.services.change_jurisdiction")
def _(f):
    ward = _jurisdiction(f)
    return lambda: agency_services.change_jurisdiction(ward, actor=f("staff"), name="Old Ward")


@case("agencies.services.delete_jurisdiction")
def _(f):
    ward = _jurisdiction(f)
    return lambda: agency_services.delete_jurisdiction(ward, actor=f("staff"))


@case("agencies.services.assign_responsibility")
def _(f):
    ward = _jurisdiction(f)
    return lambda: agency_services.assign_responsibility(
        f("agency"), ward, "primary", actor=f("staff")
    )


@case("agencies.services.define_role")
def _(f):
    return lambda: agency_services.define_role(
        f("agency"), actor=f("admin"), name="Watch Commander", capabilities=["view", "command"]
    )


@case("agencies.services.change_role")
def _(f):
    role = _role(f)
    return lambda: agency_services.change_role(role, actor=f("admin"), name="Day Watch")


@case("agencies.services.delete_role")
def _(f):
    role = _role(f)
    return lambda: agency_services.delete_role(role, actor=f("admin"))


@case("agencies.services.add_member")
def _(f):
    viewer = f("other_agency").roles.get(slug="viewer")
    return lambda: agency_services.add_member(
        f("other_agency"), actor=f("other_admin"), user=f("analyst"), role=viewer
    )


@case("agencies.services.change_member")
def _(f):
    membership, viewer = f("analyst").memberships.get(), f("agency").roles.get(slug="viewer")
    return lambda: agency_services.change_member(membership, actor=f("admin"), role=viewer)


@case("agencies.services.deactivate_member")
def _(f):
    membership = f("analyst").memberships.get()
    return lambda: agency_services.deactivate_member(membership, actor=f("admin"))


@case("agencies.services.issue_api_client")
def _(f):
    analyst = f("agency").roles.get(slug="analyst")
    return lambda: agency_services.issue_api_client(
        f("agency"), actor=f("admin"), name="CAD bridge", role=analyst, scopes=["read"]
    )


@case("agencies.services.update_api_client")
def _(f):
    client, _token = issue_client(f("agency"), actor=f("admin"))
    return lambda: agency_services.update_api_client(client, actor=f("admin"), name="CAD 2")


@case("agencies.services.revoke_api_client")
def _(f):
    client, _token = issue_client(f("agency"), actor=f("admin"))
    return lambda: agency_services.revoke_api_client(client, actor=f("admin"))


@case("sharing.agreements.propose_agreement")
def _(f):
    return lambda: _proposal(f)


@case("sharing.agreements.accept_agreement")
def _(f):
    proposal = _proposal(f)
    return lambda: agreements.accept_agreement(
        proposal, agency=f("other_agency"), actor=f("other_admin")
    )


@case("sharing.agreements.suspend_agreement")
def _(f):
    return lambda: agreements.suspend_agreement(
        f("mutual_aid"), agency=f("agency"), actor=f("admin"), reason="Under review"
    )


@case("sharing.agreements.renew_agreement")
def _(f):
    return lambda: agreements.renew_agreement(
        f("mutual_aid"), agency=f("agency"), actor=f("admin"), valid_until=_later(days=30)
    )


@case("incidents.services.incidents.open_incident")
def _(f):
    return lambda: open_incident(f("duty"))


@case("incidents.services.incidents.update_incident")
def _(f):
    return lambda: incident_verbs.update_incident(
        f("incident"), actor=f("duty"), title="Warehouse fire, second alarm"
    )


@case("incidents.services.incidents.change_marking")
def _(f):
    return lambda: incident_verbs.change_marking(f("incident"), "AMBER+STRICT", actor=f("duty"))


@case("incidents.services.incidents.change_status")
def _(f):
    return lambda: incident_verbs.change_status(
        f("incident"), "active", actor=f("duty"), reason="Crews on scene"
    )


@case("incidents.services.participants.add_participant")
def _(f):
    return lambda: participants.add_participant(
        f("incident"), actor=f("duty"), agency=f("other_agency"), part="assisting"
    )


@case("incidents.services.participants.join")
def _(f):
    locked = _with_lead(f("incident"))
    return lambda: participants.join(
        locked, actor=f("duty"), agency=f("other_agency"), part="assisting"
    )


@case("incidents.services.participants.change_part")
def _(f):
    participant = _participant(f)
    return lambda: participants.change_part(participant, actor=f("duty"), part="cooperating")


@case("incidents.services.participants.remove_participant")
def _(f):
    participant = _participant(f)
    return lambda: participants.remove_participant(participant, actor=f("duty"))


@case("incidents.services.resource_requests.request_resources")
def _(f):
    _participant(f)
    return lambda: resource_requests.request_resources(
        f("incident"),
        actor=f("duty"),
        supplying_agency=f("other_agency"),
        resource_kind="Engine",
        quantity=1,
    )


@case("incidents.services.resource_requests.take_step")
def _(f):
    request = _request(f)
    return lambda: resource_requests.take_step(request, "approved", actor=f("fire_duty"))


@case("incidents.services.resource_requests.update_request")
def _(f):
    request = _request(f)
    return lambda: resource_requests.update_request(request, actor=f("duty"), quantity=2)


@case("incidents.services.routing.route_incident")
def _(f):
    incident = _routable(f)
    return lambda: routing.route_incident(incident, actor=f("duty"))


@case("incidents.services.share_levels.change_share_level")
def _(f):
    share = _share(f)
    return lambda: share_levels.change_share_level(share, actor=f("duty"), level=Access.CONTRIBUTE)


@case("incidents.services.sharing.share_incident")
def _(f):
    return lambda: _share(f)


@case("incidents.services.sharing.share_with_agency")
def _(f):
    locked = _with_lead(f("incident"))
    return lambda: sharing_verbs.share_with_agency(
        locked, actor=f("duty"), agency=f("other_agency")
    )


@case("incidents.services.sharing.revoke_share")
def _(f):
    share = _share(f)
    return lambda: sharing_verbs.revoke_share(share, actor=f("duty"))


@case("incidents.services.sharing.withdraw_share")
def _(f):
    share = _share(f)
    return lambda: sharing_verbs.withdraw_share(share, actor=f("duty"))


@case("incidents.services.sharing.grant_person")
def _(f):
    return lambda: sharing_verbs.grant_person(f("incident"), actor=f("duty"), person=f("analyst"))


@case("incidents.services.sharing.revoke_person")
def _(f):
    sharing_verbs.grant_person(f("incident"), actor=f("duty"), person=f("analyst"))
    return lambda: sharing_verbs.revoke_person(f("incident"), actor=f("duty"), person=f("analyst"))


@case("incidents.services.sitreps.issue_sitrep")
def _(f):
    return lambda: sitreps.issue_sitrep(f("incident"), actor=f("duty"), summary="Fire held")


@case("incidents.services.tasks.create_task")
def _(f):
    return lambda: _task(f)


@case("incidents.services.tasks.update_task")
def _(f):
    task = _task(f)
    return lambda: tasks.update_task(task, actor=f("duty"), title="Hold the north line")


@case("incidents.services.tasks.change_task_status")
def _(f):
    task = _task(f)
    return lambda: tasks.change_task_status(task, "in_progress", actor=f("duty"))


@case("incidents.services.timeline.post_entry")
def _(f):
    return lambda: timeline.post_entry(
        f("incident"), actor=f("duty"), kind="note", text="Smoke visible from the bridge"
    )


@case("incidents.services.command.open_period")
def _(f):
    return lambda: _period(f)


@case("incidents.services.command.update_period")
def _(f):
    period = _period(f)
    return lambda: command.update_period(period, actor=f("duty"), weather="Rain from the west")


@case("incidents.services.command.activate_period")
def _(f):
    _period(f)
    later = _period(f, hours=12)
    return lambda: command.activate_period(later, actor=f("duty"))


@case("incidents.services.command.fill_position")
def _(f):
    period = _period(f)
    return lambda: command.fill_position(
        period, actor=f("duty"), kind="incident_commander", person=f("duty")
    )


@case("incidents.services.command.reassign_position")
def _(f):
    position = _position(f)
    return lambda: command.reassign_position(position, actor=f("duty"), person=f("admin"))


@case("incidents.services.command.vacate_position")
def _(f):
    position = _position(f)
    return lambda: command.vacate_position(position, actor=f("duty"))


def test_every_public_function_is_a_verb_with_a_case_or_named_as_no_verb():
    found = public_functions()

    assert found - NOT_VERBS - set(CASES) == set(), "a verb without a case here"
    assert (set(CASES) | NOT_VERBS) - found == set(), "a case or exclusion for nothing"
    assert not set(CASES) & NOT_VERBS


# The world every case starts from, built before the capture: Harbor Police leads the
# warehouse fire and shares with Esterly Fire under an agreement; Northgate EMS stands by.
WORLD = (
    "staff",
    "agency",
    "other_agency",
    "northgate",
    "admin",
    "other_admin",
    "analyst",
    "duty",
    "fire_duty",
    "mutual_aid",
    "incident",
)


@pytest.mark.parametrize("verb", sorted(CASES))
def test_the_verb_emits_exactly_one_event(verb, request, capture_events):
    for name in WORLD:
        request.getfixturevalue(name)
    call = CASES[verb](request.getfixturevalue)

    with capture_events() as events:
        call()

    assert len(events) == 1, [event.kind for event in events]
