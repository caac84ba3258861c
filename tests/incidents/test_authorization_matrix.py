"""The authorization matrix: every role, in every relation to the lead agency, meets an
incident at every marking and in every state of sharing, through every incident action,
as a person and as an API client. Then a person of each agency is named on it, one
under the agreement that has run out or been suspended, beside an unnamed colleague and
their agency's API client.

What each cell should answer comes from `expected_permissions` below: the rules written
out again by hand, not asked of `sharing.policy` (a test that asks the code under test
what the answer should be can only ever agree with it).
"""

import pytest
from django.db import transaction

from coordination.api import PrincipalRateThrottle
from coordination.concurrency import etag
from tests.incidents.matrix import (
    CHILD,
    EXPIRED,
    INCIDENTS,
    NAMED_ROLE,
    NAMED_STATES,
    NOT_SHARED,
    OTHER,
    OWN,
    PRINCIPAL_KINDS,
    SHARE_STATES,
    SHARED,
    SUSPENDED,
    TLPS,
    UNRELATED,
    build_named_world,
    build_world,
    leaked,
    problem_code,
)

# What each role's capabilities allow on an incident ("administer" is not an incident
# permission, so an agency admin only reads).
CAPABILITIES = {
    "admin": frozenset({"view"}),
    "duty_officer": frozenset({"view", "contribute", "command", "share"}),
    "analyst": frozenset({"view", "contribute"}),
    "responder": frozenset({"view", "contribute"}),
    "viewer": frozenset({"view"}),
    "watch_commander": frozenset({"view", "contribute", "command"}),
}
COMMUNITY = frozenset({"CLEAR", "GREEN"})
ORGANISATION = frozenset({"AMBER"})
# Esterly Fire's share is made at contribute.
SHARE_LEVEL = frozenset({"view", "contribute"})
NOTHING: frozenset[str] = frozenset()
VIEW = frozenset({"view"})


def expected_permissions(role: str, relation: str, tlp: str, state: str) -> frozenset[str]:
    """What an actor may do to the incident, by TLP 2.0 and the shares made."""
    capabilities = CAPABILITIES[role]
    community = VIEW & capabilities if tlp in COMMUNITY else NOTHING
    if relation == OWN:
        # The lead agency's grants count at every marking but RED (named people only).
        return capabilities if tlp != "RED" else NOTHING
    if relation == CHILD:
        # A sub-agency reads AMBER (the whole organisation) and the community markings.
        return VIEW & capabilities if tlp in COMMUNITY | ORGANISATION else NOTHING
    if relation == OTHER:
        shared = capabilities & SHARE_LEVEL if state == SHARED and tlp != "RED" else NOTHING
        return shared | community
    assert relation == UNRELATED
    return community


LISTINGS = ("list", "search_title", "search_reference")
ACTIONS = (
    "list",
    "count",
    "search_title",
    "search_reference",
    "detail",
    "permissions",
    "shares_read",
    "update",
    "update_empty",
    "status",
    "share",
    "revoke",
)
BY_STATUS = (
    "detail",
    "shares_read",
    "update",
    "update_empty",
    "status",
    "share",
    "revoke",
)
HIDDEN = (404, "not_found")
REFUSED = (403, "not_permitted")
OK = (200, None)


def expected_cell(action: str, permissions: frozenset[str], *, share_exists: bool):
    """The answer one action should get from an actor with `permissions`."""
    sees = "view" in permissions
    if action in LISTINGS:
        return (200, sees)
    if action == "count":
        return (200, int(sees))
    if not sees:
        return None if action == "permissions" else HIDDEN
    if action in ("detail", "shares_read"):
        return OK
    if action == "permissions":
        return sorted(permissions)
    if action in ("update", "update_empty", "status"):
        # A write needs command whatever its body; an empty one is a write too.
        return OK if "command" in permissions else REFUSED
    if action == "share":
        # Northgate Water has no agreement with Harbor Police, and nobody breaks glass.
        return (409, "agreement_missing") if "share" in permissions else REFUSED
    assert action == "revoke"
    if "share" not in permissions:
        return REFUSED
    # With a share to take back: 204. Without one the request names a person who holds
    # no named grant, which is a 404 of its own (grant_not_found, not not_found).
    return (204, None) if share_exists else (404, "grant_not_found")


def requests_of(world) -> list[tuple[str, str, str, dict | None]]:
    """(action, method, path, query or body) of each request an actor sends."""
    incident = world.incident
    detail_url = world.detail_url
    shares_url = f"{detail_url}shares/"
    if world.other_share is not None:
        revoke_url = f"{shares_url}{world.other_share.pk}/"
    else:
        revoke_url = f"{shares_url}people/{world.other_admin.username}/"
    activate = {"status": "active", "reason": "Crews on scene"}
    # Northgate Water: the one agency Harbor Police has no agreement with.
    share_with_unrelated = {"agency": "northgate-water", "level": "view"}
    return [
        ("list", "get", INCIDENTS, None),
        ("search_title", "get", INCIDENTS, {"search": world.secret_word}),
        ("search_reference", "get", INCIDENTS, {"search": incident.reference}),
        ("detail", "get", detail_url, None),
        ("shares_read", "get", shares_url, None),
        ("update", "patch", detail_url, {"title": "Renamed"}),
        ("update_empty", "patch", detail_url, {}),
        ("status", "post", f"{detail_url}status/", activate),
        ("share", "post", shares_url, share_with_unrelated),
        ("revoke", "delete", revoke_url, None),
    ]


def send(client, method: str, path: str, data, version: int):
    """A read as it is; a change inside a savepoint that is rolled back, so every actor
    meets the same world (the view's own atomic blocks nest inside it). Changes name the
    version they were made against, as partner systems must."""
    if method == "get":
        return client.get(path, data)
    with transaction.atomic():
        response = getattr(client, method)(path, data, HTTP_IF_MATCH=etag(version))
        transaction.set_rollback(True)
    return response


def listed(response, incident_id: str):
    if response.status_code != 200:
        return (response.status_code, problem_code(response))
    return (200, incident_id in [row["id"] for row in response.json()["results"]])


def observe(client, requests, incident_id: str, version: int):
    """Every action once: {action: what was seen}, and {action: (path, response)}."""
    responses = {
        action: (path, send(client, method, path, data, version))
        for action, method, path, data in requests
    }
    seen = {action: listed(responses[action][1], incident_id) for action in LISTINGS}
    listing = responses["list"][1]
    seen["count"] = (listing.status_code, listing.json().get("count"))
    for action in BY_STATUS:
        response = responses[action][1]
        seen[action] = (response.status_code, problem_code(response))
    detail = responses["detail"][1]
    seen["permissions"] = (
        sorted(detail.json()["permissions"]) if detail.status_code == 200 else None
    )
    return seen, responses


@pytest.fixture
def unthrottled(monkeypatch):
    """The matrix sends hundreds of requests a test from principals whose ids recur from
    test to test; the per-principal rate limit has tests of its own."""
    monkeypatch.setattr(PrincipalRateThrottle, "allow_request", lambda self, request, view: True)


WORLDS = [(tlp, state) for tlp in TLPS for state in SHARE_STATES]


@pytest.fixture(params=WORLDS, ids=[f"{tlp}-{state}" for tlp, state in WORLDS])
def world(request, db):
    return build_world(*request.param)


@pytest.mark.parametrize("kind", PRINCIPAL_KINDS)
def test_every_actor_gets_exactly_what_the_rules_allow(world, kind, unthrottled):
    # Given the incident in this world, and every role of every agency as `kind`
    assert world.incident.tlp == world.tlp
    share_kept = world.state in (SHARED, EXPIRED, SUSPENDED) and world.tlp != "RED"
    assert (world.other_share is not None) == share_kept
    actors = world.add_actors(kind)
    assert len(actors) == 24

    requests = requests_of(world)
    incident_id = str(world.incident.public_id)

    mismatches, leaks, cells = [], [], 0
    for actor in actors:
        permissions = expected_permissions(actor.role, actor.relation, world.tlp, world.state)
        # When they try every action
        seen, responses = observe(actor.client, requests, incident_id, world.incident.version)
        # Then each answer is the one the rules give
        for action in ACTIONS:
            cells += 1
            expected = expected_cell(
                action, permissions, share_exists=world.other_share is not None
            )
            if seen[action] != expected:
                mismatches.append(
                    f"role={actor.role} relation={actor.relation} tlp={world.tlp} "
                    f"state={world.state} action={action} principal={kind}: "
                    f"expected {expected!r}, got {seen[action]!r}"
                )
        # And an empty write leaves the version where it was
        response = responses["update_empty"][1]
        if response.status_code == 200 and response["ETag"] != etag(world.incident.version):
            mismatches.append(
                f"role={actor.role} relation={actor.relation} tlp={world.tlp} "
                f"action=update_empty principal={kind}: moved the version to {response['ETag']}"
            )
        # And someone who may not see it learns nothing of it from any answer
        if "view" not in permissions:
            for action, (path, response) in responses.items():
                found = leaked(response, world.secrets, path=path)
                if found:
                    leaks.append(
                        f"role={actor.role} relation={actor.relation} tlp={world.tlp} "
                        f"state={world.state} action={action} principal={kind}: "
                        f"response {response.status_code} reveals {found}"
                    )

    assert cells == 24 * len(ACTIONS)
    assert mismatches == [], f"{len(mismatches)} cells wrong:\n" + "\n".join(mismatches)
    assert leaks == [], f"{len(leaks)} answers leak a hidden incident:\n" + "\n".join(leaks)


def test_the_oracle_tells_the_rules_it_was_given():
    """A few cells worked out by hand, so a slip in the oracle itself shows up here."""
    assert expected_permissions("duty_officer", OWN, "AMBER+STRICT", "revoked") == {
        "view",
        "contribute",
        "command",
        "share",
    }
    assert expected_permissions("duty_officer", OWN, "RED", SHARED) == set()
    assert expected_permissions("watch_commander", CHILD, "AMBER", SHARED) == {"view"}
    assert expected_permissions("watch_commander", CHILD, "AMBER+STRICT", SHARED) == set()
    assert expected_permissions("duty_officer", OTHER, "AMBER", SHARED) == {"view", "contribute"}
    assert expected_permissions("viewer", OTHER, "AMBER", SHARED) == {"view"}
    assert expected_permissions("analyst", OTHER, "GREEN", "suspended") == {"view"}
    assert expected_permissions("analyst", OTHER, "AMBER", "expired") == set()
    assert expected_permissions("analyst", OTHER, "RED", SHARED) == set()
    assert expected_permissions("admin", UNRELATED, "CLEAR", "not_shared") == {"view"}
    assert expected_permissions("admin", UNRELATED, "AMBER", SHARED) == set()
    assert expected_cell("revoke", frozenset(CAPABILITIES["duty_officer"]), share_exists=False) == (
        404,
        "grant_not_found",
    )
    assert expected_cell("share", VIEW, share_exists=True) == REFUSED
    assert expected_cell("update", NOTHING, share_exists=True) == HIDDEN


# Named grants under lapsed agreements

# The named grants are made at contribute.
NAMED_LEVEL = frozenset({"view", "contribute"})


def expected_named_permissions(relation: str, tlp: str, state: str, *, named: bool):
    """What an analyst may do to an incident shared with no agency, on which one analyst
    of each agency is named: Esterly Fire's under the agreement, the others without one."""
    unnamed = expected_permissions(NAMED_ROLE, relation, tlp, NOT_SHARED)
    if not named:
        return unnamed
    # Only Esterly Fire's analyst was named under the agreement; hers counts while it does.
    counts = relation != OTHER or state == SHARED
    return unnamed | (CAPABILITIES[NAMED_ROLE] & NAMED_LEVEL if counts else NOTHING)


NAMED_WORLDS = [(tlp, state) for tlp in TLPS for state in NAMED_STATES]


@pytest.fixture(params=NAMED_WORLDS, ids=[f"{tlp}-named-{state}" for tlp, state in NAMED_WORLDS])
def named_world(request, db):
    return build_named_world(*request.param)


def test_named_people_get_exactly_what_their_agreement_allows(named_world, unthrottled):
    # Given an analyst of each agency named on the incident, a colleague who is not, and
    # their agency's API client, with the agreement in force, run out or suspended
    assert named_world.incident.tlp == named_world.tlp
    assert named_world.incident.shares.count() == 1  # the lead's own
    actors = named_world.add_named_actors()
    assert len(actors) == 12

    requests = requests_of(named_world)
    incident_id = str(named_world.incident.public_id)

    mismatches, leaks = [], []
    for actor, named in actors:
        permissions = expected_named_permissions(
            actor.relation, named_world.tlp, named_world.state, named=named
        )
        who = (
            f"relation={actor.relation} named={named} principal={actor.kind} "
            f"tlp={named_world.tlp} agreement={named_world.state}"
        )
        # When they try every action
        seen, responses = observe(actor.client, requests, incident_id, named_world.incident.version)
        # Then each answer is the one the rules give
        for action in ACTIONS:
            expected = expected_cell(action, permissions, share_exists=False)
            if seen[action] != expected:
                mismatches.append(
                    f"{who} action={action}: expected {expected!r}, got {seen[action]!r}"
                )
        # And an empty write leaves the version where it was
        response = responses["update_empty"][1]
        if response.status_code == 200 and response["ETag"] != etag(named_world.incident.version):
            mismatches.append(f"{who} action=update_empty: moved the version to {response['ETag']}")
        # And someone who may not see it learns nothing of it from any answer
        if "view" not in permissions:
            for action, (path, response) in responses.items():
                found = leaked(response, named_world.secrets, path=path)
                if found:
                    leaks.append(f"{who} action={action}: {response.status_code} reveals {found}")

    assert mismatches == [], f"{len(mismatches)} cells wrong:\n" + "\n".join(mismatches)
    assert leaks == [], f"{len(leaks)} answers leak a hidden incident:\n" + "\n".join(leaks)


def test_the_named_oracle_tells_the_rules_it_was_given():
    """Cells worked out by hand for the named dimension."""
    both = {"view", "contribute"}
    assert expected_named_permissions(OTHER, "RED", SHARED, named=True) == both
    assert expected_named_permissions(OTHER, "RED", SUSPENDED, named=True) == set()
    assert expected_named_permissions(OTHER, "AMBER+STRICT", EXPIRED, named=True) == set()
    assert expected_named_permissions(OTHER, "GREEN", SUSPENDED, named=True) == {"view"}
    assert expected_named_permissions(OTHER, "RED", SHARED, named=False) == set()
    assert expected_named_permissions(OWN, "RED", SUSPENDED, named=True) == both
    assert expected_named_permissions(OWN, "RED", SUSPENDED, named=False) == set()
    assert expected_named_permissions(OWN, "AMBER", SUSPENDED, named=False) == both
    assert expected_named_permissions(CHILD, "AMBER+STRICT", EXPIRED, named=True) == both
    assert expected_named_permissions(CHILD, "AMBER", EXPIRED, named=False) == {"view"}
    assert expected_named_permissions(UNRELATED, "RED", SUSPENDED, named=True) == both
    assert expected_named_permissions(UNRELATED, "AMBER", SHARED, named=False) == set()
