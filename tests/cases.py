"""Cases every resource's tests inherit instead of rewriting (NetBox's
`utilities/testing`): a test class declares its addresses and people as fixtures, and
the cases below check the refusals every surface owes, the same way for each resource.

    class TestTaskAddresses(ApiCases):
        @pytest.fixture
        def addresses(self, task):
            return [Call("get", tasks_url(task.incident)), Call("patch", task_url(task), {})]

The fixtures a class declares:
- `addresses`: every `Call` of the resource, reads and writes (anonymous, another agency);
- `intruders`: people of another agency, to whom the incident is hidden;
- `unchanged` (optional): a snapshot of what the writes must leave as it was;
- `secrets` (optional): words of the hidden objects that no refusal may show;
- `reader`, `reads`, `writes`: someone who sees the incident but lacks the capability,
  what they may still read (200) and what they may not do (403); on the pages, the
  `refusal` (optional) the 403 page gives.
"""

from urllib.parse import urlencode

import pytest

HIDDEN = "There is nothing here, or nothing you may see."


class Call:
    """One request to a resource: `Call("post", url, {"title": "Spy"}, HTTP_HX_REQUEST="true")`."""

    def __init__(self, method, url, data=None, **options):
        self.method, self.url, self.data, self.options = method, url, data, options

    def send(self, client):
        if self.data is None:
            return getattr(client, self.method)(self.url, **self.options)
        return getattr(client, self.method)(self.url, self.data, **self.options)

    def __repr__(self):
        return f"{self.method.upper()} {self.url}"


class Declared:
    """The defaults of what a class may declare."""

    @pytest.fixture
    def unchanged(self):
        return lambda: None

    @pytest.fixture
    def secrets(self):
        return []


def another_agency_finds_nothing(sign_in, intruders, addresses, unchanged, secrets, hidden):
    """Every address answers each intruder 404 (`hidden` checks the body) and shows no
    secret; nothing changes."""
    before = unchanged()
    for person in intruders:
        client = sign_in(person)
        for call in addresses:
            response = call.send(client)
            assert response.status_code == 404, f"{person} {call}: {response.content}"
            body = response.content.decode()
            assert hidden(response), f"{person} {call}: {body}"
            for secret in secrets:
                assert secret not in body, f"{call} shows {secret!r}"
    assert unchanged() == before


class ApiCases(Declared):
    """The API's refusals: 401 signed out, and for another agency the 404 problem
    document of an address that does not exist."""

    def test_another_agency_finds_nothing_at_any_address(
        self, api_as, intruders, addresses, unchanged, secrets
    ):
        def not_found(response):
            return response.json()["code"] == "not_found"

        another_agency_finds_nothing(api_as, intruders, addresses, unchanged, secrets, not_found)

    def test_anonymous_callers_are_asked_to_sign_in(self, api, addresses, unchanged, problem):
        before = unchanged()
        for call in addresses:
            problem(call.send(api), 401, "not_authenticated")
        assert unchanged() == before


class ApiCapabilityCases(Declared):
    """Someone who sees the incident but lacks the capability: reads answer 200, every
    write 403 `not_permitted`, and nothing changes."""

    def test_without_the_capability_writes_are_refused(
        self, api_as, reader, reads, writes, unchanged, problem
    ):
        client = api_as(reader)
        before = unchanged()
        for call in reads:
            assert call.send(client).status_code == 200, call
        for call in writes:
            problem(call.send(client), 403, "not_permitted")
        assert unchanged() == before


class PageCases(Declared):
    """The pages' refusals: signed out, every address sends to the sign-in page and back;
    another agency meets the 404 page of an address that does not exist."""

    def test_another_agency_finds_nothing_at_any_address(
        self, signed_in, intruders, addresses, unchanged, secrets
    ):
        def not_found_page(response):
            return HIDDEN in response.content.decode()

        another_agency_finds_nothing(
            signed_in, intruders, addresses, unchanged, secrets, not_found_page
        )

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, addresses, unchanged):
        before = unchanged()
        for call in addresses:
            response = getattr(client, call.method)(call.url)
            assert response.status_code == 302, call
            assert response["Location"] == f"/login/?{urlencode({'next': call.url}, safe='/')}"
        assert unchanged() == before


class PageCapabilityCases(Declared):
    """Someone who sees the incident but lacks the capability: pages read 200, every
    write answers 403 (saying why, where the class names a `refusal`), nothing changes."""

    @pytest.fixture
    def reads(self):
        return []

    @pytest.fixture
    def refusal(self):
        return None

    def test_without_the_capability_writes_are_refused(
        self, signed_in, reader, reads, writes, unchanged, refusal
    ):
        client = signed_in(reader)
        before = unchanged()
        for call in reads:
            assert call.send(client).status_code == 200, call
        for call in writes:
            response = call.send(client)
            assert response.status_code == 403, call
            if refusal is not None:
                assert refusal in response.content.decode(), call
        assert unchanged() == before
