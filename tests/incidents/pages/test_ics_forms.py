"""The printable ICS 203 and ICS 204 of the warehouse fire's day shift: Harbor Police's
duty officer prints who holds which post and each division's assignments, marked TLP:AMBER
at top and bottom; an agency the incident is not shared with finds nothing there."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Task
from incidents.services import command
from ledger.models import AuditAction, AuditRecord
from tests.factories import member_of

NOW = timezone.now().replace(second=0, microsecond=0)


def printed(name, incident, number=1):
    return reverse(name, args=[incident.public_id, number])


def name_of(person):
    return person.get_full_name() or person.get_username()


def parts(page: str) -> tuple[str, str, str]:
    header, _, rest = page.partition("<main")
    body, _, footer = rest.partition("</main>")
    return header, body, footer


@pytest.fixture
def day(joint_incident, duty):
    return command.open_period(
        joint_incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=11),
    )


@pytest.fixture
def staffed(day, duty, fire_duty, responder, fire_responder, analyst, fire_analyst):
    """Both commanders, operations, Branch I with Division C under it, and Division A."""

    def fill(kind, person, **fields):
        return command.fill_position(day, actor=duty, kind=kind, person=person, **fields)

    fill("incident_commander", duty)
    fill("incident_commander", fire_duty)
    fill("operations_section_chief", responder)
    branch = fill("branch_director", analyst, name="Branch I")
    fill("division_supervisor", fire_responder, name="Division A")
    fill("division_supervisor", fire_analyst, name="Division C", reports_to=branch)
    return day


@pytest.fixture
def assignments(joint_incident, staffed, fire_responder, fire_analyst, other_agency):
    def task(title, **fields):
        return Task.objects.create(incident=joint_incident, period=staffed, title=title, **fields)

    return [
        task("Cool the fuel tanks", assigned_person=fire_responder, priority="urgent"),
        task("Hold the east fence", assigned_person=fire_analyst),
        task("Bring a water tender", assigned_agency=other_agency),
    ]


def test_ics_203_lists_every_post_and_its_holder_marked_top_and_bottom(
    signed_in, joint_incident, duty, fire_duty, responder, fire_responder, analyst, staffed
):
    response = signed_in(duty).get(printed("print-ics203", joint_incident))

    assert response.status_code == 200
    header, body, footer = parts(response.content.decode())
    assert 'class="tlp-marking tlp-top" data-tlp="AMBER">TLP:AMBER</header>' in header
    assert 'class="tlp-marking tlp-bottom" data-tlp="AMBER">TLP:AMBER</footer>' in footer
    assert "<h1>ICS 203 · Organization assignment list</h1>" in body
    assert joint_incident.reference in body
    assert (
        f'<th scope="row">Incident Commander</th><td>{name_of(fire_duty)}</td>'
        "<td>Esterly Fire</td><td></td>"
    ) in body
    assert (
        '<th scope="row">Safety Officer</th><td>Vacant</td><td></td><td>Unified Command</td>'
    ) in body
    assert '<th scope="row">Planning Section Chief</th><td>Vacant</td>' in body
    operations = body.split('<h2 id="ics203-2">Operations Section</h2>')[1].split("</table>")[0]
    rows = [row.split("</th>")[0] for row in operations.split('<th scope="row">')[1:]]
    assert rows == [
        "Operations Section Chief",
        "Branch Director Branch I",
        "Division Supervisor Division C",
        "Division Supervisor Division A",
    ]
    assert (
        f'<th scope="row">Division Supervisor Division A</th><td>{name_of(fire_responder)}</td>'
        "<td>Esterly Fire</td><td>Operations Section Chief</td>"
    ) in operations
    assert "<td>Esterly Fire</td><td>Branch Director Branch I</td>" in operations
    assert '<th scope="row">Esterly Fire</th><td>Unified command member</td>' in body


def test_ics_204_gives_each_division_its_assignments(
    signed_in, joint_incident, duty, fire_responder, fire_analyst, analyst, assignments
):
    response = signed_in(duty).get(printed("print-ics204", joint_incident))

    assert response.status_code == 200
    header, body, footer = parts(response.content.decode())
    assert 'data-tlp="AMBER">TLP:AMBER</header>' in header
    assert 'data-tlp="AMBER">TLP:AMBER</footer>' in footer
    units = body.split('<section class="ics-form"')[1:]
    titles = [unit.split("</h2>")[0].rsplit(">", 1)[1] for unit in units]
    assert titles == [
        "Division Supervisor Division C",
        "Division Supervisor Division A",
        "Other assignments of the period",
    ]
    division_c, division_a, others = units
    assert f"Branch I ({name_of(analyst)}, Harbor Police)" in division_c
    assert '<th scope="row">Hold the east fence</th>' in division_c
    assert f"<dd>{name_of(fire_responder)} (Esterly Fire)</dd>" in division_a
    assert '<th scope="row">Cool the fuel tanks</th>' in division_a
    assert "<td>Urgent</td>" in division_a
    assert "<h3>Esterly Fire</h3>" in others
    assert '<th scope="row">Bring a water tender</th>' in others


def test_ics_204_of_an_unstaffed_period_says_so(signed_in, joint_incident, duty, day):
    body = parts(signed_in(duty).get(printed("print-ics204", joint_incident)).content.decode())[1]

    assert "No division or group is staffed in this period." in body
    assert "No other assignments in this period." in body
    assert "<dd>Vacant</dd>" in body


def test_printing_is_audited_like_any_view_of_an_amber_incident(
    signed_in, joint_incident, duty, day
):
    signed_in(duty).get(printed("print-ics203", joint_incident))

    assert AuditRecord.objects.filter(
        action=AuditAction.VIEWED, actor=duty, target_id=str(joint_incident.public_id)
    ).exists()


@pytest.mark.parametrize("name", ["print-ics203", "print-ics204"])
def test_another_agency_and_a_missing_period_are_the_same_404(
    signed_in, joint_incident, duty, northgate, day, name
):
    stranger = member_of(northgate, "duty_officer", username="northgate-ems.duty_officer")

    hidden = signed_in(stranger).get(printed(name, joint_incident))
    missing = signed_in(duty).get(printed(name, joint_incident, 9))

    assert hidden.status_code == missing.status_code == 404
    assert b"Warehouse fire" not in hidden.content


@pytest.mark.parametrize("name", ["print-ics203", "print-ics204"])
def test_anonymous_readers_are_sent_to_sign_in(client, joint_incident, day, name):
    response = client.get(printed(name, joint_incident))

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={printed(name, joint_incident)}"


@pytest.mark.parametrize("name", ["print-ics203", "print-ics204"])
def test_the_forms_cost_the_same_queries_for_few_or_many_divisions(
    signed_in, joint_incident, duty, day, agency, other_agency, name, django_assert_max_num_queries
):
    client = signed_in(duty)
    with django_assert_max_num_queries(14):
        assert client.get(printed(name, joint_incident)).status_code == 200

    for letter in "ABCDEFGHIJ":
        person = member_of(agency if letter < "F" else other_agency, "responder")
        command.fill_position(
            day, actor=duty, kind="division_supervisor", person=person, name=f"Division {letter}"
        )
        Task.objects.create(
            incident=joint_incident, period=day, title=f"Hold line {letter}", assigned_person=person
        )
    with django_assert_max_num_queries(14):
        page = client.get(printed(name, joint_incident)).content.decode()
    assert page.count("Division Supervisor Division") == 10
