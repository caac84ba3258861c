"""Cases every resource's tests inherit instead of rewriting (NetBox's
`utilities/testing`): a test class names its people and declares its addresses, and the
cases below check the refusals every surface owes, the same way for each resource.

    class TestEveryTaskAddress(ApiCases):
        intruders = ("northgate_admin",)

        @pytest.fixture
        def addresses(self, task):
            return [Call("get", task_url(task)), Call("patch", task_url(task), {"title": "Spy"})]

What a class names (fixture names of people):
- `intruders`: people of another agency, to whom the incident is hidden;
- `readers`: people who see the incident but lack the capability the writes need.
What it declares as fixtures:
- `addresses`: every `Call` of the resource, reads and writes (anonymous, another agency);
- `reads`, `writes`: what the readers may still read (200) and may not do (403);
- `unchanged` (optional): a snapshot of what refused calls must leave as it was;
- `secrets` (optional): words of the hidden objects that no refusal may show;
- `refusal` (optional, pages): what the 403 page says;
- `versioned_change`: a change a partner system makes, without If-Match;
- `first_change`, `stale_changes`: what the first of two `editors` changes, and what the
  second then tries at the version both read;
- `listing`, `grow` (with `budget` and `sizes`): a list read in a small world, and what
  makes the world larger;
- `stale_post`, `move_on` (pages): a form at the version its page was opened at, and
  the change someone else makes meanwhile (it returns the version it leaves).
"""

from urllib.parse import urlencode

import pytest

from agencies.services import change_member, revoke_api_client
from tests.factories import issue_client, member_of

HIDDEN = "There is nothing here, or nothing you may see."
STALE = (
    "Someone else changed this since you opened it; here is the current version — "
    "re-apply your change."
)


class Call:
    """One request to a resource: `Call("post", url, {"title": "Spy"}, HTTP_HX_REQUEST="true")`."""

    def __init__(self, method, url, data=None, **options):
        self.method, self.url, self.data, self.options = method, url, data, options

    def send(self, client):
        if self.data is None:
            return getattr(client, self.method)(self.url, **self.options)
        return getattr(client, self.method)(self.url, self.data, **self.options)

    def but(self, **options):
        """The same call with more options: `call.but(HTTP_IF_MATCH='"1"')`."""
        return Call(self.method, self.url, self.data, **{**self.options, **options})

    def __repr__(self):
        return f"{self.method.upper()} {self.url}"


class Declared:
    """The defaults of what a class may declare, and its people."""

    intruders: tuple[str, ...] = ()
    readers: tuple[str, ...] = ()

    @pytest.fixture
    def intruder_people(self, request):
        return [request.getfixturevalue(name) for name in self.intruders]

    @pytest.fixture
    def reader_people(self, request):
        return [request.getfixturevalue(name) for name in self.readers]

    @pytest.fixture
    def departed(self, agency, admin):
        """A Harbor Police analyst who has left: signed in still, a member no longer."""
        person = member_of(agency, "analyst", username="harbor-police.departed")
        change_member(person.memberships.get(), is_active=False, actor=admin)
        return person

    @pytest.fixture
    def reads(self):
        return []

    @pytest.fixture
    def unchanged(self):
        return lambda: None

    @pytest.fixture
    def secrets(self):
        return []


def another_agency_finds_nothing(sign_in, intruders, addresses, unchanged, secrets, hidden):
    """Every address answers each of the `intruders` 404 (`hidden` checks the body) and shows no
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
    """The API's refusals: 401 signed out or with a revoked token; for another agency,
    and for a member who has left, the 404 problem document of an address that does not
    exist."""

    def test_another_agency_or_a_departed_member_finds_nothing(
        self, api_as, intruder_people, departed, addresses, unchanged, secrets
    ):
        def not_found(response):
            return response.json()["code"] == "not_found"

        people = [*intruder_people, departed]
        another_agency_finds_nothing(api_as, people, addresses, unchanged, secrets, not_found)

    def test_anonymous_callers_and_revoked_clients_are_asked_to_sign_in(
        self, api, api_with_token, agency, admin, addresses, unchanged, problem
    ):
        bridge, token = issue_client(agency, "duty_officer", scopes=("read", "write"))
        revoke_api_client(bridge, actor=admin)
        revoked = api_with_token(token)
        before = unchanged()
        for call in addresses:
            problem(call.send(api), 401, "not_authenticated")
            problem(call.send(revoked), 401, "invalid_token")
        assert unchanged() == before


class ApiCapabilityCases(Declared):
    """Someone who sees the incident but lacks the capability: reads answer 200, every
    write 403 `not_permitted`, and nothing changes."""

    def test_without_the_capability_writes_are_refused(
        self, api_as, reader_people, reads, writes, unchanged, problem
    ):
        before = unchanged()
        for reader in reader_people:
            client = api_as(reader)
            for call in reads:
                assert call.send(client).status_code == 200, f"{reader} {call}"
            for call in writes:
                problem(call.send(client), 403, "not_permitted")
        assert unchanged() == before


class ApiVersionCases:
    """A partner system's change names the version it was read at: naming none gets 428
    `if_match_required`, naming the current one (`"1"`) goes through."""

    def test_a_partner_system_must_name_the_version(
        self, api_with_token, agency, versioned_change, problem
    ):
        _client, token = issue_client(agency, "duty_officer")
        partner = api_with_token(token)

        problem(versioned_change.send(partner), 428, "if_match_required")
        assert versioned_change.but(HTTP_IF_MATCH='"1"').send(partner).status_code == 200


class ApiStaleCases(Declared):
    """Two editors read version 1; the first changes it (leaving `unchanged()` as
    `first_leaves`); each change of the second at version 1 gets 412 `stale_version`
    naming version 2, and lands nothing."""

    editors = ("fire_duty", "duty")
    first_leaves: object

    def test_a_stale_change_is_refused_with_the_current_version(
        self, request, api_as, first_change, stale_changes, unchanged, problem
    ):
        first, second = (api_as(request.getfixturevalue(name)) for name in self.editors)
        at_one = {"HTTP_IF_MATCH": '"1"'}

        assert first_change.but(**at_one).send(first).status_code == 200
        assert unchanged() == self.first_leaves
        for call in stale_changes:
            body = problem(call.but(**at_one).send(second), 412, "stale_version")
            assert body["current_version"] == '"2"', call
        assert unchanged() == self.first_leaves


class ApiBudgetCases:
    """A listing costs the same few queries in a small world and in a larger one: the
    `looker` reads `listing` (`sizes[0]` rows), `grow()` adds rows, and the same queries
    read `sizes[1]` rows, never more than `budget`."""

    looker = "duty"
    budget: int
    sizes: tuple[int, int]

    def test_the_listing_costs_the_same_for_few_or_many(
        self, request, api_as, listing, grow, django_assert_max_num_queries
    ):
        client = api_as(request.getfixturevalue(self.looker))
        with django_assert_max_num_queries(self.budget) as few:
            small = listing.send(client)
        grow()
        with django_assert_max_num_queries(len(few.captured_queries)):
            large = listing.send(client)
        assert (rows(small), rows(large)) == self.sizes


def rows(response) -> int:
    assert response.status_code == 200, response.content
    return len(response.json()["results"])


class PageCases(Declared):
    """The pages' refusals: signed out, every address sends to the sign-in page and back;
    another agency, and a member who has left, meet the 404 page of an address that does
    not exist."""

    def test_another_agency_or_a_departed_member_finds_nothing(
        self, signed_in, intruder_people, departed, addresses, unchanged, secrets
    ):
        def not_found_page(response):
            return HIDDEN in response.content.decode()

        people = [*intruder_people, departed]
        another_agency_finds_nothing(
            signed_in, people, addresses, unchanged, secrets, not_found_page
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
    def refusal(self):
        return None

    def test_without_the_capability_writes_are_refused(
        self, signed_in, reader_people, reads, writes, unchanged, refusal
    ):
        before = unchanged()
        for reader in reader_people:
            client = signed_in(reader)
            for call in reads:
                assert call.send(client).status_code == 200, f"{reader} {call}"
            for call in writes:
                response = call.send(client)
                assert response.status_code == 403, f"{reader} {call}"
                if refusal is not None:
                    assert refusal in response.content.decode(), call
        assert unchanged() == before


class PageStaleCases(Declared):
    """The `editor` posts a form at the version the page was opened at, after `move_on()`
    changed it: 409, the page says so, carries the current version to re-apply against
    and shows what is `shown`; nothing of the stale post lands."""

    editor = "duty"

    @pytest.fixture
    def shown(self):
        return []

    def test_a_stale_post_shows_the_current_version(
        self, request, signed_in, stale_post, move_on, shown, unchanged
    ):
        client = signed_in(request.getfixturevalue(self.editor))
        version = move_on()
        before = unchanged()

        response = stale_post.send(client)

        assert response.status_code == 409
        page = response.content.decode()
        for text in (STALE, f'name="version" value="{version}"', *shown):
            assert text in page
        assert unchanged() == before
