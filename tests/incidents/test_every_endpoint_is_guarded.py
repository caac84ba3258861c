"""Every incident endpoint, found by walking the URL map rather than listed by hand,
answers someone who may not see an incident exactly as if it did not exist.

An endpoint added later (a nested timeline, an export, a format suffix) is walked too, so
one that forgets the visibility check fails here on the day it is added.
"""

import re
import uuid

import pytest
from django.urls import URLResolver, get_resolver, resolve
from rest_framework.test import APIClient

from incidents.services import sharing as sharing_services
from sharing.access import Access
from sharing.api.base import SharedObjectViewSet
from tests.factories import (
    AgencyFactory,
    UserFactory,
    agreement_between,
    issue_client,
    member_of,
    open_incident,
)
from tests.incidents.matrix import INCIDENTS, leaked

# Methods a client may send; a view that does not route one answers 405, which says
# nothing about any incident.
METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
INCIDENT_ROUTES = "api/v1/incidents"
# A route of one incident: its first path segment after incidents/ is a captured id.
ONE_INCIDENT = re.compile(r"^api/v1/incidents/\(\?P<")


def _own_regex(entry) -> str:
    text = entry.pattern.regex.pattern
    text = text.removeprefix("^")
    for end in ("\\Z", "$"):
        text = text.removesuffix(end)
    return text


def walk(resolver=None, prefix=""):
    """(full regex without anchors, URL pattern) for every route of the URL map."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        regex = prefix + _own_regex(entry)
        if isinstance(entry, URLResolver):
            yield from walk(entry, regex)
        else:
            yield regex, entry


def _groups(regex: str):
    """(name, sub-regex, start, end) of each named group, nested parentheses included."""
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, index = 1, match.end()
        while depth:
            char = regex[index]
            if char == "\\":
                index += 2
                continue
            depth += {"(": 1, ")": -1}.get(char, 0)
            index += 1
        yield match.group(1), regex[match.end() : index - 1], match.start(), index


def url_for(regex: str, values) -> tuple[str, dict[str, str]]:
    """A concrete URL for a route: each captured group filled by `values(name, regex)`."""
    parts, kwargs, cursor = [], {}, 0
    for name, group, start, end in _groups(regex):
        parts.append(regex[cursor:start])
        kwargs[name] = values(name, group)
        parts.append(kwargs[name])
        cursor = end
    parts.append(regex[cursor:])
    literal = "".join(parts).replace("/?", "/")
    literal = re.sub(r"\\(.)", r"\1", literal)
    return "/" + literal, kwargs


def view_class(callback):
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def routed_methods(callback) -> set[str]:
    """The methods a route answers with something other than 405."""
    actions = getattr(callback, "actions", None)
    if actions:
        methods = {method.upper() for method in actions}
        return methods | ({"HEAD"} if "GET" in methods else set()) | {"OPTIONS"}
    cls = view_class(callback)
    if cls is None:
        return set(METHODS)
    return {method.upper() for method in cls.http_method_names if hasattr(cls, method)}


def incident_routes():
    return [(regex, entry) for regex, entry in walk() if regex.startswith(INCIDENT_ROUTES)]


def one_incident_routes():
    return [(regex, entry) for regex, entry in incident_routes() if ONE_INCIDENT.match(regex)]


def test_every_incident_view_goes_through_the_shared_object_view_set():
    routes = incident_routes()
    assert routes, "no incident routes found under api/v1/incidents"
    strays = [
        f"{regex} -> {view_class(entry.callback) or entry.callback}"
        for regex, entry in routes
        if not (
            view_class(entry.callback) is not None
            and issubclass(view_class(entry.callback), SharedObjectViewSet)
        )
    ]
    assert strays == [], "incident views that bypass SharedObjectViewSet:\n" + "\n".join(strays)


def test_the_walk_finds_the_incident_routes_we_know_of():
    """So the guard below cannot pass by finding nothing."""
    names = {entry.name for _, entry in one_incident_routes()}
    assert {
        "incident-detail",
        "incident-status",
        "incident-shares",
        "incident-revoke-share",
        "incident-revoke-person",
        "participant-list",
        "participant-detail",
        "period-list",
        "period-detail",
        "period-activate",
        "period-iap",
        "position-list",
        "position-detail",
        "position-org-chart",
        "timeline-entry-list",
        "timeline-entry-detail",
        "task-list",
        "task-detail",
        "task-status",
        "resource-request-list",
        "resource-request-detail",
        "resource-request-transition",
        "resource-request-kinds",
        "sitrep-list",
        "sitrep-detail",
        "sitrep-verify",
        "sitrep-preview",
    } <= names


@pytest.fixture
def hidden(agency, other_agency, admin, other_admin):
    """An AMBER Harbor Police incident, shared with a partner and with one named person,
    so every nested route has something real to point at; and a GREEN one anybody in
    an agency may read."""
    duty = member_of(agency, "duty_officer", username="harbor-police.duty_officer")
    partner = AgencyFactory(name="Northgate Water Authority", slug="northgate-water")
    partner_admin = member_of(partner, "admin")
    agreement_between(agency, partner, actor_first=admin, actor_second=partner_admin)
    informant_handler = member_of(agency, "analyst", username="harbor-police.handler")
    incident = open_incident(
        duty,
        title="Covert watch on Pier 4 Kestrelwood",
        description="Surveillance of the Kestrelwood warehouse.",
    )
    share = sharing_services.share_incident(incident, actor=duty, agency=partner, level=Access.VIEW)
    sharing_services.grant_person(incident, actor=duty, person=informant_handler)
    open_incident(duty, title="Road closure on Front Street", tlp="GREEN")
    return {
        "incident": incident,
        "share_id": str(share.pk),
        "username": informant_handler.username,
        "secrets": (
            incident.title,
            "Kestrelwood",
            incident.reference,
            str(incident.public_id),
            incident.public_id.hex,
        ),
    }


@pytest.fixture(params=["outsider", "other_analyst", "other_api_client"])
def intruder(request, other_agency):
    """Someone signed in who may not see the hidden incident."""
    client = APIClient(raise_request_exception=False)
    if request.param == "outsider":
        client.force_login(UserFactory(username="outsider"))
    elif request.param == "other_analyst":
        client.force_login(member_of(other_agency, "analyst", username="esterly-fire.analyst"))
    else:
        _, token = issue_client(other_agency, "analyst", scopes=("read", "write"))
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    client.who = request.param
    return client


# Any object under an incident: an intruder must get the same 404 whatever it names.
SOME_CHILD_ID = "5b1f3c9e-8a0d-4e7b-9c2f-1d6a4e8b7c30"


def _filler(incident_id: str, hidden):
    """Fill a route's groups: the first is the incident, `format` is json, and the rest
    point at what the hidden incident really has (a named person, a share), or at some
    object under it."""
    first = True

    def values(name: str, group: str) -> str:
        nonlocal first
        if name == "format":
            return "json"
        if first:
            first = False
            return incident_id
        for candidate in (hidden["username"], "someone", hidden["share_id"], "1", SOME_CHILD_ID):
            if re.fullmatch(group, candidate):
                return candidate
        raise AssertionError(f"no value fits <{name}> ({group}); teach the walk one")

    return values


def _send(client, method: str, url: str):
    body = "{}" if method in ("POST", "PUT", "PATCH") else ""
    return client.generic(method, url, data=body, content_type="application/json")


def _comparable(response, path: str) -> tuple[int, str]:
    return response.status_code, response.content.decode().replace(path, "<path>")


FORMAT_SUFFIX = "(?P<format>"


def test_there_are_no_format_suffix_routes():
    """`<id>.json` routes would hand actions a `format` argument they do not take (a 500)."""
    assert [regex for regex, _ in one_incident_routes() if FORMAT_SUFFIX in regex] == []


def test_no_incident_route_tells_an_intruder_that_a_hidden_incident_exists(hidden, intruder):
    hidden_id = str(hidden["incident"].public_id)
    absent_id = str(uuid.uuid4())
    problems, checked = [], 0
    routes = one_incident_routes()
    for regex, entry in routes:
        url, _ = url_for(regex, _filler(hidden_id, hidden))
        absent_url, _ = url_for(regex, _filler(absent_id, hidden))
        # A greedy group may route a format suffix to its sibling (username "x.json"):
        # the same view answers either way.
        assert resolve(url).func is entry.callback, f"{url} does not reach {regex}"
        allowed = routed_methods(entry.callback)
        for method in METHODS:
            checked += 1
            response = _send(intruder, method, url)
            where = f"{intruder.who} {method} {url} ({entry.name})"
            if method == "OPTIONS":
                pass  # describes the endpoint, not the incident: compared below
            elif response.status_code == 405 and method not in allowed:
                pass
            elif response.status_code != 404:
                problems.append(f"{where}: {response.status_code}, expected 404")
            found = leaked(response, hidden["secrets"], path=url)
            if found:
                problems.append(f"{where}: reveals {found}")
            absent = _send(intruder, method, absent_url)
            if _comparable(response, url) != _comparable(absent, absent_url):
                problems.append(
                    f"{where}: answers {response.status_code} {response.content[:200]!r} but "
                    f"for an incident that does not exist {absent.status_code} "
                    f"{absent.content[:200]!r}"
                )
    assert checked >= 5 * len(METHODS)
    assert problems == [], "\n".join(problems)


def test_the_list_never_holds_the_hidden_incident(hidden, intruder):
    response = intruder.get(INCIDENTS)
    assert response.status_code == 200
    titles = [row["title"] for row in response.json()["results"]]
    expected = [] if intruder.who == "outsider" else ["Road closure on Front Street"]
    assert titles == expected
    assert response.json()["count"] == len(expected)
    assert leaked(response, hidden["secrets"], path=INCIDENTS) == []
