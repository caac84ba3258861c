"""The resource requests tab of the warehouse fire (ICS 213RR): Harbor Police asks
Esterly Fire for engines on the page, Esterly Fire's duty officer approves and sends them,
Harbor Police confirms they arrived. Each side is offered its own buttons only, and
nobody else gets further than the API would let them."""

import re

import pytest
from django.urls import reverse

from incidents.models import ResourceRequest, ResourceRequestStep
from incidents.services import resource_requests as verbs
from tests.cases import STALE, Call, PageCases, PageStaleCases
from tests.factories import member_of

pytestmark = pytest.mark.postgres


def list_url(incident) -> str:
    return reverse("incident-resource-requests", args=[incident.public_id])


def create_url(incident) -> str:
    return reverse("incident-resource-request-create", args=[incident.public_id])


def detail_url(found) -> str:
    return reverse(
        "incident-resource-request-detail", args=[found.incident.public_id, found.public_id]
    )


def update_url(found) -> str:
    return reverse(
        "incident-resource-request-update", args=[found.incident.public_id, found.public_id]
    )


def step_url(found) -> str:
    return reverse(
        "incident-resource-request-transition", args=[found.incident.public_id, found.public_id]
    )


def offered(page: str) -> list[str]:
    """The steps the page offers, in order."""
    return re.findall(r'<input type="hidden" name="to" value="([a-z_]+)"', page)


def field_errors(page: str, field_id: str) -> list[str]:
    pattern = rf'<ul class="errorlist" id="{field_id}_errors" role="alert">(.*?)</ul>'
    match = re.search(pattern, page)
    return re.findall(r"<li>(.*?)</li>", match.group(1), re.S) if match else []


def asked(incident, actor, supplier, kind="Engine (fire)", quantity=2) -> ResourceRequest:
    return verbs.request_resources(
        incident, actor=actor, supplying_agency=supplier, resource_kind=kind, quantity=quantity
    )


def edit_body(found, **changes) -> dict:
    body = {
        "resource_kind": found.resource_kind,
        "resource_type": found.resource_type,
        "quantity": found.quantity,
        "priority": found.priority,
        "needed_by": "",
        "delivery_location": found.delivery_location,
        "details": found.details,
        "version": found.version,
    }
    return {**body, **changes}


@pytest.fixture
def fire(other_agency):
    return other_agency


@pytest.fixture
def engines(joint_incident, duty, fire):
    """Harbor Police asks Esterly Fire for two engines."""
    return asked(joint_incident, duty, fire)


# Asking


def test_harbor_police_asks_esterly_fire_for_engines_on_the_page(signed_in, duty, joint_incident):
    client = signed_in(duty)
    form = client.get(create_url(joint_incident)).content.decode()
    assert '<option value="Engine (fire)"></option>' in form
    assert '<option value="esterly-fire">Esterly Fire</option>' in form
    assert '<option value="harbor-police">' not in form

    response = client.post(
        create_url(joint_incident),
        {
            "supplying_agency": "esterly-fire",
            "resource_kind": "Engine (fire)",
            "resource_type": "Type 1",
            "quantity": "2",
            "priority": "urgent",
            "needed_by": "2030-05-01T14:30",
            "delivery_location": "Dock Street staging",
            "details": "Second alarm; our engines are committed.",
        },
    )

    found = joint_incident.resource_requests.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(found)
    assert (found.number, found.requesting_agency.slug, found.supplying_agency.slug) == (
        1,
        "harbor-police",
        "esterly-fire",
    )
    assert (found.resource_kind, found.resource_type, found.quantity, found.priority) == (
        "Engine (fire)",
        "Type 1",
        2,
        "urgent",
    )
    assert found.needed_by.isoformat() == "2030-05-01T14:30:00+00:00"
    assert [(s.from_status, s.to_status, s.agency.slug) for s in found.steps.all()] == [
        ("", "requested", "harbor-police")
    ]
    page = client.get(detail_url(found)).content.decode()
    assert "RR-1 sent to Esterly Fire." in page
    assert "RR-1: 2 \N{MULTIPLICATION SIGN} Engine (fire)" in page
    assert "Harbor Police (requester)" in page
    assert offered(page) == ["cancelled"]


def test_a_kind_not_on_the_list_is_taken_as_typed(signed_in, duty, joint_incident):
    response = signed_in(duty).post(
        create_url(joint_incident),
        {
            "supplying_agency": "esterly-fire",
            "resource_kind": "Thermal imaging drone",
            "quantity": "1",
            "priority": "normal",
        },
    )

    assert response.status_code == 302
    assert joint_incident.resource_requests.get().resource_kind == "Thermal imaging drone"


def test_a_request_for_nothing_is_sent_back_with_errors_beside_the_fields(
    signed_in, duty, joint_incident
):
    response = signed_in(duty).post(
        create_url(joint_incident),
        {"supplying_agency": "northgate-ems", "resource_kind": "", "quantity": "0"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert field_errors(page, "id_quantity") == ["Ensure this value is greater than or equal to 1."]
    assert field_errors(page, "id_resource_kind") == ["This field is required."]
    assert field_errors(page, "id_supplying_agency") == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not joint_incident.resource_requests.exists()


def test_a_viewer_may_not_ask(signed_in, agency, joint_incident):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    client = signed_in(viewer)

    assert create_url(joint_incident) not in client.get(list_url(joint_incident)).content.decode()
    assert client.get(create_url(joint_incident)).status_code == 403
    response = client.post(
        create_url(joint_incident),
        {"supplying_agency": "esterly-fire", "resource_kind": "Engine (fire)", "quantity": "1"},
    )
    assert response.status_code == 403
    assert not joint_incident.resource_requests.exists()


def test_a_double_submitted_request_is_sent_once(signed_in, duty, joint_incident):
    client = signed_in(duty)
    body = {
        "supplying_agency": "esterly-fire",
        "resource_kind": "Water tender",
        "quantity": "1",
        "priority": "normal",
        "form_key": "c0ffee-request-once",
    }

    first = client.post(create_url(joint_incident), body)
    second = client.post(create_url(joint_incident), body)

    assert (first.status_code, second.status_code) == (302, 302)
    assert second["Location"] == first["Location"]
    assert joint_incident.resource_requests.count() == 1


# The workflow, each side its own buttons


def test_each_side_is_offered_only_its_own_steps(
    signed_in, duty, fire_duty, fire_responder, responder, engines
):
    as_requester = signed_in(duty).get(detail_url(engines)).content.decode()
    as_supplier = signed_in(fire_duty).get(detail_url(engines)).content.decode()
    as_fire_responder = signed_in(fire_responder).get(detail_url(engines)).content.decode()
    as_harbor_responder = signed_in(responder).get(detail_url(engines)).content.decode()

    assert offered(as_requester) == ["cancelled"]
    assert "(as Harbor Police, requester)" in as_requester
    assert offered(as_supplier) == ["approved", "denied"]
    assert "(as Esterly Fire, supplier)" in as_supplier
    assert ">Cancel request</button>" not in as_supplier
    assert offered(as_fire_responder) == []
    assert "Nothing for you to do on this request now" in as_fire_responder
    assert offered(as_harbor_responder) == ["cancelled"]


def test_the_list_says_whose_move_it_is(signed_in, duty, fire_duty, engines):
    requester_row = signed_in(duty).get(list_url(engines.incident)).content.decode()
    supplier_row = signed_in(fire_duty).get(list_url(engines.incident)).content.decode()

    assert "Awaiting you</span> Cancel request</td>" in requester_row
    assert "Awaiting you</span> Approve, Deny</td>" in supplier_row
    assert "<td>Harbor Police</td>\n            <td>Esterly Fire</td>" in supplier_row
    assert "1 request</caption>" in supplier_row


def test_engines_are_approved_sent_and_received_through_the_pages(
    signed_in, duty, fire_duty, engines
):
    supplier, requester = signed_in(fire_duty), signed_in(duty)

    for client, to, note in (
        (supplier, "approved", "Two engines from station 3"),
        (supplier, "assigned", "E31 and E32"),
        (supplier, "en_route", ""),
        (requester, "delivered", "Arrived at staging"),
    ):
        engines.refresh_from_db()
        response = client.post(
            step_url(engines), {"to": to, "note": note, "version": engines.version}
        )
        assert response.status_code == 302, response.content
        assert response["Location"] == detail_url(engines)

    engines.refresh_from_db()
    assert engines.status == "delivered"
    assert [
        (s.to_status, s.agency.slug, s.taken_by.username, s.note) for s in engines.steps.all()
    ] == [
        ("requested", "harbor-police", "harbor-police.duty_officer", ""),
        ("approved", "esterly-fire", "esterly-fire.duty_officer", "Two engines from station 3"),
        ("assigned", "esterly-fire", "esterly-fire.duty_officer", "E31 and E32"),
        ("en_route", "esterly-fire", "esterly-fire.duty_officer", ""),
        ("delivered", "harbor-police", "harbor-police.duty_officer", "Arrived at staging"),
    ]
    page = requester.get(detail_url(engines)).content.decode()
    assert "RR-1 is now delivered." in page
    assert "Esterly Fire (supplier)" in page
    assert "Two engines from station 3" in page
    assert offered(page) == []
    assert "the request is delivered, which is final" in page


def test_a_step_of_the_other_side_is_refused(signed_in, duty, fire_duty, engines):
    approve = signed_in(duty).post(step_url(engines), {"to": "approved", "version": 1})
    cancel = signed_in(fire_duty).post(
        step_url(engines), {"to": "cancelled", "note": "No", "version": 1}
    )

    assert (approve.status_code, cancel.status_code) == (403, 403)
    assert "Moving this request to approved is for Esterly Fire" in approve.content.decode()
    engines.refresh_from_db()
    assert (engines.status, engines.steps.count()) == ("requested", 1)


def test_denying_says_why_beside_the_note_and_asks_first(signed_in, fire_duty, engines):
    client = signed_in(fire_duty)
    page = client.get(detail_url(engines)).content.decode()
    assert 'data-confirm="Deny this request?' in page

    response = client.post(step_url(engines), {"to": "denied", "note": "", "version": 1})

    assert response.status_code == 422
    assert field_errors(response.content.decode(), "step-denied-note") == [
        "Say why the request is denied."
    ]
    engines.refresh_from_db()
    assert engines.status == "requested"


class TestAStepOnAStalePage(PageStaleCases):
    """Harbor Police cancels on a page opened before Esterly Fire approved."""

    @pytest.fixture
    def stale_post(self, engines):
        return Call(
            "post", step_url(engines), {"to": "cancelled", "note": "Not needed", "version": 1}
        )

    @pytest.fixture
    def move_on(self, engines, fire_duty):
        def approve():
            verbs.take_step(engines, "approved", actor=fire_duty)
            return 2

        return approve

    @pytest.fixture
    def unchanged(self, engines):
        return lambda: ResourceRequest.objects.get(pk=engines.pk).status


def test_a_double_submitted_step_is_taken_once(signed_in, fire_duty, engines):
    client = signed_in(fire_duty)
    body = {"to": "approved", "note": "", "version": 1, "form_key": "step-once-1"}

    first = client.post(step_url(engines), body)
    second = client.post(step_url(engines), body)

    assert (first.status_code, second.status_code) == (302, 302)
    assert ResourceRequestStep.objects.filter(request=engines, to_status="approved").count() == 1


# Correcting what was asked


def test_the_requester_corrects_the_quantity_before_anyone_acts(signed_in, duty, engines):
    client = signed_in(duty)
    assert 'name="version" value="1"' in client.get(detail_url(engines)).content.decode()

    response = client.post(update_url(engines), edit_body(engines, quantity="3"))

    assert response.status_code == 302
    engines.refresh_from_db()
    assert (engines.quantity, engines.version) == (3, 2)
    assert "RR-1 corrected." in client.get(detail_url(engines)).content.decode()


def test_a_correction_with_no_quantity_is_sent_back(signed_in, duty, engines):
    response = signed_in(duty).post(update_url(engines), edit_body(engines, quantity="0"))

    assert response.status_code == 422
    assert field_errors(response.content.decode(), "id_quantity") == [
        "Ensure this value is greater than or equal to 1."
    ]


def test_a_correction_made_against_an_old_version_shows_the_current_one(signed_in, duty, engines):
    verbs.update_request(engines, actor=duty, quantity=4, expected_version=1)

    response = signed_in(duty).post(update_url(engines), edit_body(engines, quantity="3"))

    assert response.status_code == 409
    page = response.content.decode()
    assert STALE in page
    assert 'name="quantity" value="4"' in page
    assert 'name="version" value="2"' in page
    engines.refresh_from_db()
    assert engines.quantity == 4


def test_only_the_requester_corrects_and_only_before_anyone_acts(
    signed_in, duty, fire_duty, engines
):
    supplier = signed_in(fire_duty)
    assert update_url(engines) not in supplier.get(detail_url(engines)).content.decode()
    assert supplier.post(update_url(engines), edit_body(engines, quantity="9")).status_code == 403

    verbs.take_step(engines, "approved", actor=fire_duty)
    engines.refresh_from_db()
    requester = signed_in(duty)
    assert update_url(engines) not in requester.get(detail_url(engines)).content.decode()
    late = requester.post(update_url(engines), edit_body(engines, quantity="9"))
    assert late.status_code == 409
    assert "RR-1 is approved; only a request not yet acted on can change." in (
        late.content.decode()
    )
    engines.refresh_from_db()
    assert engines.quantity == 2


# Who gets in


class TestEveryResourceRequestPage(PageCases):
    """Northgate EMS takes no part: it finds no request page; nobody signed out does."""

    intruders = ("northgate_duty",)

    @pytest.fixture
    def addresses(self, joint_incident, engines):
        spy = {"supplying_agency": "esterly-fire", "resource_kind": "Spy", "quantity": "1"}
        return [
            Call("get", list_url(joint_incident)),
            Call("get", create_url(joint_incident)),
            Call("post", create_url(joint_incident), spy),
            Call("get", detail_url(engines)),
            Call("post", update_url(engines), edit_body(engines, quantity="9")),
            Call("post", step_url(engines), {"to": "cancelled", "note": "x", "version": 1}),
        ]

    @pytest.fixture
    def unchanged(self, joint_incident):
        requests = joint_incident.resource_requests
        return lambda: list(requests.values_list("status", "quantity"))


def test_a_step_posted_without_its_csrf_token_is_refused(signed_in, fire_duty, engines):
    client = signed_in(fire_duty, enforce_csrf_checks=True)

    response = client.post(step_url(engines), {"to": "approved", "version": 1})

    assert response.status_code == 403
    engines.refresh_from_db()
    assert engines.status == "requested"


def test_the_list_and_a_request_cost_the_same_for_few_or_many(
    signed_in, duty, fire_duty, fire, joint_incident, engines, django_assert_max_num_queries
):
    client = signed_in(fire_duty)
    with django_assert_max_num_queries(14):
        assert "1 request</caption>" in client.get(list_url(joint_incident)).content.decode()
    with django_assert_max_num_queries(15):
        client.get(detail_url(engines))
    for number in range(20):
        more = asked(joint_incident, duty, fire, kind=f"Kind {number}")
        verbs.take_step(more, "approved", actor=fire_duty, note="Yes")
        verbs.take_step(more, "assigned", actor=fire_duty)
    for to in ("approved", "assigned", "en_route"):
        engines = verbs.take_step(engines, to, actor=fire_duty, note=f"Now {to}")
    with django_assert_max_num_queries(14):
        assert "21 requests</caption>" in client.get(list_url(joint_incident)).content.decode()
    with django_assert_max_num_queries(15):
        assert "Now en_route" in client.get(detail_url(engines)).content.decode()
