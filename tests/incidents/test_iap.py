"""The printable Incident Action Plan: Harbor Police's duty officer prints the day
shift's IAP of the warehouse fire, marked TLP:AMBER at top and bottom; anyone who may not
see the incident gets the same page as for a plan that does not exist."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Task
from incidents.services import command
from ledger.models import AuditAction, AuditRecord
from tests.factories import member_of

NOW = timezone.now().replace(microsecond=0)


def iap_page(incident, number=1):
    return reverse("print-iap", args=[incident.public_id, number])


@pytest.fixture
def day(joint_incident, duty, fire_duty, other_agency):
    period = command.open_period(
        joint_incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=11),
        command_emphasis="Protect the <b>fuel depot</b>.",
        weather="Wind NW 20 kt.",
        safety_message="Stay upwind of the smoke.",
        objectives=[
            command.ObjectiveInput("Contain the fire <script>alert(1)</script>"),
            command.ObjectiveInput("Evacuate Dock Street", "in_progress"),
        ],
    )
    command.fill_position(period, actor=duty, kind="incident_commander", person=duty)
    command.fill_position(period, actor=duty, kind="incident_commander", person=fire_duty)
    Task.objects.create(
        incident=joint_incident,
        period=period,
        title="Cool the fuel tanks",
        assigned_agency=other_agency,
        priority="urgent",
    )
    return period


def test_the_duty_officer_prints_the_plan_marked_at_top_and_bottom(
    signed_in, joint_incident, duty, day
):
    response = signed_in(duty).get(iap_page(joint_incident))

    assert response.status_code == 200
    page = response.content.decode()
    header, _, rest = page.partition("<main")
    body, _, footer = rest.partition("</main>")
    assert 'class="tlp-marking tlp-top" data-tlp="AMBER">TLP:AMBER</header>' in header
    assert 'class="tlp-marking tlp-bottom" data-tlp="AMBER">TLP:AMBER</footer>' in footer
    assert "ICS 202 · Incident objectives" in body
    assert "ICS 203 · Organization assignment list" in body
    assert "ICS 204 · Assignment list" in body
    assert joint_incident.reference in body
    assert "Evacuate Dock Street</td><td>In progress" in body
    assert "Wind NW 20 kt." in body
    assert duty.get_full_name() in body
    assert fire_duty_name(day) in body
    assert "<h3>Esterly Fire</h3>" in body
    assert "<td>Cool the fuel tanks</td>" in body
    assert "<td>Urgent</td>" in body


def fire_duty_name(period):
    commanders = period.positions.filter(agency__slug="esterly-fire").select_related("person")
    return commanders.get().person.get_full_name()


def test_what_people_typed_is_escaped(signed_in, joint_incident, duty, day):
    page = signed_in(duty).get(iap_page(joint_incident)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Protect the &lt;b&gt;fuel depot&lt;/b&gt;." in page


def test_the_page_carries_a_stricter_marking_when_the_incident_has_one(
    signed_in, joint_incident, duty, day
):
    joint_incident.tlp = "AMBER+STRICT"
    joint_incident.save(update_fields=["tlp"])

    page = signed_in(duty).get(iap_page(joint_incident)).content.decode()

    assert page.count("TLP:AMBER+STRICT</") == 2


def test_printing_an_amber_plan_is_audited(signed_in, joint_incident, duty, day):
    signed_in(duty).get(iap_page(joint_incident))

    assert AuditRecord.objects.filter(action=AuditAction.VIEWED, actor=duty).exists()


def test_a_partner_agency_in_unified_command_may_print_it(
    signed_in, joint_incident, fire_analyst, day
):
    response = signed_in(fire_analyst).get(iap_page(joint_incident))

    assert response.status_code == 200
    assert "TLP:AMBER" in response.content.decode()


def test_someone_signed_out_is_sent_to_sign_in(client, joint_incident, day):
    response = client.get(iap_page(joint_incident))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_outsiders_see_nothing_of_the_plan(signed_in, joint_incident, day, northgate, outsider):
    stranger = member_of(northgate, "duty_officer", username="northgate-ems.duty_officer")
    for person in (stranger, outsider):
        response = signed_in(person).get(iap_page(joint_incident))
        page = response.content.decode()
        assert response.status_code == 404
        assert joint_incident.title not in page
        assert joint_incident.reference not in page
        assert "TLP:AMBER" not in page
        assert "Evacuate Dock Street" not in page


def test_a_plan_that_does_not_exist_is_not_found(signed_in, joint_incident, duty, day):
    assert signed_in(duty).get(iap_page(joint_incident, 2)).status_code == 404


def test_a_hidden_incident_answers_exactly_like_a_missing_plan(
    signed_in, incident, duty, fire_analyst
):
    command.open_period(incident, actor=duty, starts_at=NOW, ends_at=NOW + timedelta(hours=12))
    hidden = signed_in(fire_analyst).get(iap_page(incident))
    missing = signed_in(fire_analyst).get(iap_page(incident, 7))

    assert hidden.status_code == missing.status_code == 404
    assert without_csrf_token(hidden) == without_csrf_token(missing)


def without_csrf_token(response):
    """The page without its CSRF tokens (the sign-out form's and htmx's header), which are
    masked afresh on every page."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def test_the_page_costs_the_same_for_small_and_large_plans(
    signed_in, joint_incident, duty, day, other_agency, django_assert_max_num_queries
):
    client = signed_in(duty)
    with django_assert_max_num_queries(20) as small:
        assert client.get(iap_page(joint_incident)).status_code == 200
    for number in range(20):
        Task.objects.create(
            incident=joint_incident,
            period=day,
            title=f"Task {number}",
            assigned_person=duty if number % 2 else None,
            assigned_agency=other_agency if number % 3 else None,
        )
    command.fill_position(day, actor=duty, kind="safety_officer", person=duty)
    command.update_period(
        day,
        actor=duty,
        objectives=[command.ObjectiveInput(f"Objective {n}") for n in range(15)],
    )

    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(iap_page(joint_incident)).status_code == 200
