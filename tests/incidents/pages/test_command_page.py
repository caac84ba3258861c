"""The command tab of the warehouse fire: Harbor Police's duty officer runs unified command
with Esterly Fire from the page: brings Northgate EMS in, plans periods and objectives,
staffs the organization chart, and takes an agency out again. Harbor Police's analyst
may look but not command; Northgate's people see nothing until they take part."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.models import (
    OperationalPeriod,
    Participant,
    ParticipantPart,
    ParticipantStatus,
    Position,
    Task,
)
from incidents.services import command
from incidents.services.participants import change_part
from tests.cases import Call, PageCapabilityCases, PageCases
from tests.factories import agreement_between, member_of

NOW = timezone.now().replace(second=0, microsecond=0)
STALE = "Someone else changed this since you opened it; here is the current version"


def local(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def tab(incident, query=""):
    return reverse("incident-command", args=[incident.public_id]) + query


def act(name, incident, *args):
    return reverse(name, args=[incident.public_id, *args])


def name_of(person):
    return person.get_full_name() or person.get_username()


@pytest.fixture
def day(joint_incident, duty):
    """The day shift: period 1, current, with one objective."""
    return command.open_period(
        joint_incident,
        actor=duty,
        starts_at=NOW - timedelta(hours=1),
        ends_at=NOW + timedelta(hours=11),
        objectives=[command.ObjectiveInput("Contain the fire")],
    )


@pytest.fixture
def staffed(day, duty, fire_duty, responder, fire_responder, analyst, fire_analyst):
    """Both commanders, operations, a branch with a division under it, and a division."""

    def fill(kind, person, **fields):
        return command.fill_position(day, actor=duty, kind=kind, person=person, **fields)

    fill("incident_commander", duty)
    fill("incident_commander", fire_duty)
    fill("operations_section_chief", responder)
    branch = fill("branch_director", analyst, name="Branch I")
    fill("division_supervisor", fire_responder, name="Division A")
    fill("division_supervisor", fire_analyst, name="Division C", reports_to=branch)
    return day


class ChartReader(HTMLParser):
    """The organization chart as (box text, [children]) read from the page's nested lists."""

    def __init__(self):
        super().__init__()
        self.top = {"text": [], "children": []}
        self.nodes = [self.top]
        self.items = []  # for each open <li> in the chart: is it a chart node?
        self.in_chart = False
        self.in_box = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "ul" and attrs.get("id") == "org-chart":
            self.in_chart = True
        if not self.in_chart:
            return
        if tag == "li":
            is_node = "org-node" in classes
            self.items.append(is_node)
            if is_node:
                node = {"text": [], "children": []}
                self.nodes[-1]["children"].append(node)
                self.nodes.append(node)
        if tag == "div" and "org-box" in classes:
            self.in_box = True

    def handle_endtag(self, tag):
        if not self.in_chart:
            return
        if tag == "div":
            self.in_box = False
        if tag == "li" and self.items.pop():
            self.nodes.pop()
            if len(self.nodes) == 1:
                self.in_chart = False

    def handle_data(self, data):
        if self.in_box and data.strip():
            self.nodes[-1]["text"].append(" ".join(data.split()))

    def tree(self):
        def shape(node):
            return (" | ".join(node["text"]), [shape(child) for child in node["children"]])

        return [shape(child) for child in self.top["children"]]


def chart_of(page: str):
    reader = ChartReader()
    reader.feed(page)
    return reader.tree()


# Reading the tab


def test_the_duty_officer_sees_who_takes_part_and_the_period(signed_in, joint_incident, duty, day):
    response = signed_in(duty).get(tab(joint_incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h2 id="participants-title">Agencies taking part</h2>' in page
    harbor = page.split('id="participant-harbor-police"')[1].split("</tr>")[0]
    assert "Lead agency" in harbor
    assert "Leads the incident" in harbor
    esterly = page.split('id="participant-esterly-fire"')[1].split("</tr>")[0]
    assert "Unified command member" in esterly
    assert "Taking part" in esterly
    assert "<td>\n              command" in esterly
    assert 'id="participant-add"' in page
    assert '<strong class="cmd-current">Current</strong>' in page
    assert "Operational period 1 (current)" in page
    assert "Contain the fire" in page
    for name in ("print-iap", "print-ics203", "print-ics204"):
        assert act(name, joint_incident, 1) in page


def test_an_analyst_reads_the_tab_without_any_command_form(
    signed_in, joint_incident, analyst, staffed
):
    response = signed_in(analyst).get(tab(joint_incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Division A" in page
    assert "<form" not in page.split('<nav class="tabs"')[1]
    assert "/command/" not in page.split('<div id="command-sections"')[1].replace(
        tab(joint_incident), ""
    )


# Participants


def test_the_duty_officer_brings_northgate_in_and_changes_its_part(
    signed_in, joint_incident, duty, admin, northgate, northgate_admin, northgate_duty
):
    agreement_between(
        joint_incident.lead_agency, northgate, actor_first=admin, actor_second=northgate_admin
    )
    client = signed_in(duty)
    assert (
        'value="northgate-ems">Northgate EMS</option>'
        in client.get(tab(joint_incident)).content.decode()
    )

    response = client.post(
        act("command-participant-add", joint_incident),
        {"agency": "northgate-ems", "part": "assisting", "form_key": "add-northgate"},
    )

    assert response.status_code == 302
    assert response["Location"] == tab(joint_incident, "#participants")
    joined = Participant.objects.get(incident=joint_incident, agency=northgate)
    assert (joined.part, joined.status) == ("assisting", "active")
    page = client.get(response["Location"]).content.decode()
    assert "Northgate EMS takes part as assisting agency." in page
    row = page.split('id="participant-northgate-ems"')[1].split("</tr>")[0]
    assert "Assisting agency" in row
    assert "contribute" in row
    assert signed_in(northgate_duty).get(tab(joint_incident)).status_code == 200

    changed = client.post(
        act("command-participant-part", joint_incident, "northgate-ems"),
        {"part": "cooperating", "version": joined.version, "form_key": "part-northgate"},
        follow=True,
    )

    assert changed.status_code == 200
    assert "Northgate EMS now takes part as cooperating agency." in changed.content.decode()
    assert Participant.objects.get(pk=joined.pk).part == ParticipantPart.COOPERATING


def test_breaking_glass_without_a_justification_is_refused_beside_the_field(
    signed_in, joint_incident, duty, northgate
):
    response = signed_in(duty).post(
        act("command-participant-add", joint_incident),
        {"agency": "northgate-ems", "part": "assisting", "break_glass": "on", "justification": "x"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    errors = re.search(r'id="participant-add-justification_errors" role="alert">(.*?)</ul>', page)
    assert "at least 20 characters" in errors.group(1)
    assert not Participant.objects.filter(incident=joint_incident, agency=northgate).exists()


def test_without_an_agreement_the_refusal_says_what_to_do(
    signed_in, joint_incident, duty, northgate
):
    response = signed_in(duty).post(
        act("command-participant-add", joint_incident),
        {"agency": "northgate-ems", "part": "assisting"},
    )

    assert response.status_code == 422
    assert "No sharing agreement in force between Harbor Police and Northgate EMS" in (
        response.content.decode()
    )


def test_removing_esterly_fire_revokes_access_vacates_posts_and_hands_back_tasks(
    signed_in, joint_incident, duty, fire_duty, staffed, other_agency
):
    task = Task.objects.create(
        incident=joint_incident,
        period=staffed,
        title="Cool the tanks",
        assigned_agency=other_agency,
    )
    client = signed_in(duty)
    page = client.get(tab(joint_incident)).content.decode()
    assert (
        'data-confirm="Remove Esterly Fire from this incident? Their access to this incident is '
        "revoked at once, the positions their people hold in the current and later operational "
        'periods are vacated, and their open tasks are handed back to the incident."'
    ) in page

    response = client.post(
        act("command-participant-remove", joint_incident, "esterly-fire"), follow=True
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Esterly Fire no longer takes part: its access is revoked, its positions vacated and "
        "its open tasks handed back."
    ) in page
    assert 'id="participant-esterly-fire"' not in page
    assert "Division Supervisor · Division A" not in page
    assert not Position.objects.filter(period=staffed, agency=other_agency).exists()
    task.refresh_from_db()
    assert task.assigned_agency is None
    assert signed_in(fire_duty).get(tab(joint_incident)).status_code == 404


def test_a_routed_proposal_is_accepted_from_the_page(
    signed_in, joint_incident, duty, admin, northgate, northgate_admin
):
    agreement_between(
        joint_incident.lead_agency, northgate, actor_first=admin, actor_second=northgate_admin
    )
    Participant.objects.create(
        incident=joint_incident, agency=northgate, part="assisting", status="proposed"
    )
    client = signed_in(duty)
    page = client.get(tab(joint_incident)).content.decode()
    row = page.split('id="participant-northgate-ems"')[1].split("</tr>")[0]
    assert "Proposed (by jurisdiction routing)" in row
    assert "Accept Northgate EMS" in row
    assert "Dismiss proposal" in row

    response = client.post(
        act("command-proposal-accept", joint_incident, "northgate-ems"), {"part": "cooperating"}
    )

    assert response.status_code == 302
    joined = Participant.objects.get(incident=joint_incident, agency=northgate)
    assert (joined.status, joined.part) == (ParticipantStatus.ACTIVE, "cooperating")


# Operational periods and objectives


def test_the_duty_officer_plans_the_night_shift_carrying_the_day_over(
    signed_in, joint_incident, duty, staffed
):
    client = signed_in(duty)
    response = client.post(
        act("command-period-open", joint_incident),
        {
            "starts_at": local(NOW + timedelta(hours=11)),
            "ends_at": local(NOW + timedelta(hours=23)),
            "carry_over": "on",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == tab(joint_incident, "?period=2#periods")
    night = OperationalPeriod.objects.get(incident=joint_incident, number=2)
    assert night.positions.count() == 6
    assert [o.text for o in night.objectives.all()] == ["Contain the fire"]
    page = client.get(response["Location"]).content.decode()
    assert "Operational period 2 is planned." in page
    assert "Organization · operational period 2" in page
    assert 'action="' + act("command-period-activate", joint_incident, 2) + '"' in page

    activated = client.post(
        act("command-period-activate", joint_incident, 2), {"version": night.version}
    )

    assert activated.status_code == 302
    night.refresh_from_db()
    assert night.is_current


def test_a_period_overlapping_another_is_refused_beside_its_start(
    signed_in, joint_incident, duty, day
):
    response = signed_in(duty).post(
        act("command-period-open", joint_incident),
        {
            "starts_at": local(NOW + timedelta(hours=10)),
            "ends_at": local(NOW + timedelta(hours=22)),
        },
    )

    assert response.status_code == 422
    page = response.content.decode()
    errors = re.search(r'id="period-open-starts_at_errors" role="alert">(.*?)</ul>', page)
    assert "would overlap operational period 1" in errors.group(1)
    assert 'aria-invalid="true"' in page
    assert joint_incident.periods.count() == 1


def test_an_end_before_the_start_is_refused_beside_the_end(signed_in, joint_incident, duty, day):
    response = signed_in(duty).post(
        act("command-period-open", joint_incident),
        {
            "starts_at": local(NOW + timedelta(hours=30)),
            "ends_at": local(NOW + timedelta(hours=20)),
        },
    )

    assert response.status_code == 422
    assert re.search(
        r'id="period-open-ends_at_errors" role="alert"><li>An operational period must end after',
        response.content.decode(),
    )


def test_a_double_submitted_period_is_planned_once(signed_in, joint_incident, duty, day):
    client = signed_in(duty)
    form = {
        "starts_at": local(NOW + timedelta(hours=11)),
        "ends_at": local(NOW + timedelta(hours=23)),
        "form_key": "night-shift-once",
    }

    first = client.post(act("command-period-open", joint_incident), form)
    second = client.post(act("command-period-open", joint_incident), form)

    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert joint_incident.periods.count() == 2


def test_a_stale_period_edit_comes_back_with_the_current_version(
    signed_in, joint_incident, duty, day
):
    command.update_period(day, actor=duty, weather="Wind NW 20 kt.")
    current = OperationalPeriod.objects.get(pk=day.pk)

    response = signed_in(duty).post(
        act("command-period-edit", joint_incident, 1),
        {
            "starts_at": local(day.starts_at),
            "ends_at": local(day.ends_at),
            "weather": "Calm.",
            "version": day.version,
        },
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert STALE in page
    edit = page.split('id="period-edit"')[1].split("</form>")[0]
    assert f'name="version" value="{current.version}"' in edit
    assert "Wind NW 20 kt.</textarea>" in edit
    assert OperationalPeriod.objects.get(pk=day.pk).weather == "Wind NW 20 kt."


def test_a_stale_part_change_comes_back_with_the_current_part(
    signed_in, joint_incident, duty, fire_duty
):
    esterly = Participant.objects.get(incident=joint_incident, agency__slug="esterly-fire")
    change_part(esterly, actor=duty, part="assisting")

    response = signed_in(duty).post(
        act("command-participant-part", joint_incident, "esterly-fire"),
        {"part": "cooperating", "version": esterly.version},
    )

    assert response.status_code == 409
    row = response.content.decode().split('id="participant-esterly-fire"')[1].split("</tr>")[0]
    assert STALE in row
    assert f'name="version" value="{esterly.version + 1}"' in row
    assert '<option value="assisting" selected>' in row


def test_objectives_are_added_and_their_status_recorded(signed_in, joint_incident, duty, day):
    client = signed_in(duty)

    added = client.post(
        act("command-objective-add", joint_incident, 1),
        {"text": "Evacuate Dock Street", "version": day.version},
    )
    assert added.status_code == 302
    day.refresh_from_db()
    status = client.post(
        act("command-objective-status", joint_incident, 1, 2),
        {"status": "met", "version": day.version},
        follow=True,
    )

    assert status.status_code == 200
    assert [(o.order, o.text, o.status) for o in day.objectives.order_by("order")] == [
        (1, "Contain the fire", "open"),
        (2, "Evacuate Dock Street", "met"),
    ]
    page = status.content.decode()
    assert "Objective 2 is now met." in page
    objective = page.split('id="objective-2"')[1].split("</li>")[0]
    assert "Status: Met" in objective


def test_a_stale_objective_status_is_refused_with_the_current_status(
    signed_in, joint_incident, duty, day
):
    command.update_period(
        day, actor=duty, objectives=[command.ObjectiveInput("Contain the fire", "in_progress")]
    )

    response = signed_in(duty).post(
        act("command-objective-status", joint_incident, 1, 1),
        {"status": "met", "version": day.version},
    )

    assert response.status_code == 409
    objective = response.content.decode().split('id="objective-1"')[1].split("</li>")[0]
    assert STALE in objective
    assert '<option value="in_progress" selected>' in objective


# Positions and the organization chart


def test_the_chart_draws_the_tree_with_vacant_posts(signed_in, joint_incident, duty, staffed):
    page = signed_in(duty).get(tab(joint_incident)).content.decode()
    holders = {
        p.person.username: name_of(p.person) for p in Position.objects.filter(period=staffed)
    }

    def box(title, username, agency):
        return f"{title} | {holders[username]} | {agency}"

    command_box = (
        f"Unified Command | Incident Commander | {holders['esterly-fire.duty_officer']} | "
        f"Esterly Fire | Incident Commander | {holders['harbor-police.duty_officer']} | "
        "Harbor Police"
    )
    assert chart_of(page) == [
        (
            command_box,
            [
                (
                    "Command staff",
                    [
                        ("Safety Officer | Vacant", []),
                        ("Public Information Officer | Vacant", []),
                        ("Liaison Officer | Vacant", []),
                    ],
                ),
                (
                    box("Operations Section Chief", "harbor-police.responder", "Harbor Police"),
                    [
                        (
                            box(
                                "Branch Director · Branch I",
                                "harbor-police.analyst",
                                "Harbor Police",
                            ),
                            [
                                (
                                    box(
                                        "Division Supervisor · Division C",
                                        "esterly-fire.analyst",
                                        "Esterly Fire",
                                    ),
                                    [],
                                )
                            ],
                        ),
                        (
                            box(
                                "Division Supervisor · Division A",
                                "esterly-fire.responder",
                                "Esterly Fire",
                            ),
                            [],
                        ),
                    ],
                ),
                ("Planning Section Chief | Vacant", []),
                ("Logistics Section Chief | Vacant", []),
                ("Finance/Admin Section Chief | Vacant", []),
            ],
        )
    ]
    assert (
        'class="org-chart-scroll" role="region" tabindex="0" '
        'aria-label="Organization chart of operational period 1"'
    ) in page


def test_an_unstaffed_period_shows_every_standing_post_vacant(
    signed_in, joint_incident, analyst, day
):
    page = signed_in(analyst).get(tab(joint_incident)).content.decode()

    tree = chart_of(page)
    assert tree[0][0] == "Incident Command | Incident Commander | Vacant"
    assert [child[0] for child in tree[0][1]] == [
        "Command staff",
        "Operations Section Chief | Vacant",
        "Planning Section Chief | Vacant",
        "Logistics Section Chief | Vacant",
        "Finance/Admin Section Chief | Vacant",
    ]
    assert "No position is filled in this period." in page


def test_the_duty_officer_fills_reassigns_and_vacates_a_post(
    signed_in, joint_incident, duty, fire_duty, fire_responder, staffed
):
    client = signed_in(duty)
    page = client.get(tab(joint_incident)).content.decode()
    fill_form = page.split('id="position-fill"')[1].split("</form>")[0]
    holder = re.search(
        rf'<option value="([^"]+)">{re.escape(name_of(fire_responder))} \(Esterly Fire\)</option>',
        fill_form,
    ).group(1)

    filled = client.post(
        act("command-position-fill", joint_incident, 1),
        {"kind": "safety_officer", "holder": holder, "name": "", "reports_to": ""},
    )

    assert filled.status_code == 302
    safety = Position.objects.get(period=staffed, kind="safety_officer")
    assert (safety.person, safety.agency.slug) == (fire_responder, "esterly-fire")
    taken = client.post(
        act("command-position-fill", joint_incident, 1),
        {"kind": "safety_officer", "holder": holder},
    )
    assert taken.status_code == 422
    errors = re.search(
        r'id="position-fill-kind_errors" role="alert">(.*?)</ul>', taken.content.decode()
    )
    assert "Safety Officer is already filled." in errors.group(1)

    page = client.get(tab(joint_incident)).content.decode()
    reassign = page.split(f'id="reassign-{safety.public_id}-holder"')[1].split("</select>")[0]
    other = re.search(
        rf'<option value="([^"]+)">{re.escape(name_of(fire_duty))} \(Esterly Fire\)</option>',
        reassign,
    ).group(1)
    moved = client.post(
        act("command-position-reassign", joint_incident, safety.public_id),
        {"holder": other, "version": safety.version},
        follow=True,
    )
    assert moved.status_code == 200
    assert f"Safety Officer is now held by {name_of(fire_duty)} (Esterly Fire)." in (
        moved.content.decode()
    )
    assert Position.objects.get(pk=safety.pk).person == fire_duty

    vacated = client.post(
        act("command-position-vacate", joint_incident, safety.public_id), follow=True
    )
    assert vacated.status_code == 200
    assert "Safety Officer (Esterly Fire) is vacant in operational period 1." in (
        vacated.content.decode()
    )
    assert not Position.objects.filter(pk=safety.pk).exists()
    assert ("Safety Officer | Vacant", []) in chart_of(vacated.content.decode())[0][1][0][1]


def test_with_htmx_the_sections_come_back_in_place(signed_in, joint_incident, duty, day):
    response = signed_in(duty).post(
        act("command-objective-add", joint_incident, 1),
        {"text": "Keep Dock Street closed", "version": day.version},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert page.startswith('\n<div id="command-sections"') or page.lstrip().startswith(
        '<div id="command-sections"'
    )
    assert "<html" not in page
    assert "The objective is added." in page
    assert "Keep Dock Street closed" in page


# Who may do what


def action_posts(incident, position):
    """Every action of the tab, with a form that would otherwise be acceptable."""
    return [
        (
            act("command-participant-add", incident),
            {"agency": "northgate-ems", "part": "assisting"},
        ),
        (act("command-proposal-accept", incident, "esterly-fire"), {"part": "assisting"}),
        (act("command-participant-part", incident, "esterly-fire"), {"part": "assisting"}),
        (act("command-participant-remove", incident, "esterly-fire"), {}),
        (
            act("command-period-open", incident),
            {
                "starts_at": local(NOW + timedelta(hours=11)),
                "ends_at": local(NOW + timedelta(hours=23)),
            },
        ),
        (act("command-period-edit", incident, 1), {"weather": "Calm."}),
        (act("command-period-activate", incident, 1), {"version": "1"}),
        (act("command-objective-add", incident, 1), {"text": "Hold", "version": "1"}),
        (act("command-objective-status", incident, 1, 1), {"status": "met", "version": "1"}),
        (act("command-position-fill", incident, 1), {"kind": "safety_officer"}),
        (act("command-position-reassign", incident, position.public_id), {"version": "1"}),
        (act("command-position-vacate", incident, position.public_id), {}),
    ]


@pytest.fixture
def actions(joint_incident, staffed):
    position = Position.objects.filter(period=staffed).first()
    return [Call("post", url, form) for url, form in action_posts(joint_incident, position)]


@pytest.fixture
def command_rows():
    """How many participants, posts and periods there are: what no refused action moves."""
    return lambda: (
        Participant.objects.count(),
        Position.objects.count(),
        OperationalPeriod.objects.count(),
    )


class TestAnAnalystMayNotCommand(PageCapabilityCases):
    """Harbor Police's analyst reads the tab; every command action is refused."""

    readers = ("analyst",)

    @pytest.fixture
    def writes(self, actions):
        return actions

    @pytest.fixture
    def refusal(self):
        return "You may see this incident but not command it."

    @pytest.fixture
    def unchanged(self, command_rows):
        return command_rows


class TestEveryCommandAddress(PageCases):
    """Northgate EMS takes no part: it finds nothing; nobody signed out does."""

    intruders = ("northgate_duty",)

    @pytest.fixture
    def addresses(self, joint_incident, actions):
        return [
            Call("get", tab(joint_incident)),
            Call("get", tab(joint_incident, "?period=1")),
            Call("get", act("print-ics203", joint_incident, 1)),
            Call("get", act("print-ics204", joint_incident, 1)),
            *actions,
        ]

    @pytest.fixture
    def secrets(self):
        return ["Warehouse fire"]

    @pytest.fixture
    def unchanged(self, command_rows):
        return command_rows


def test_a_post_without_the_csrf_token_is_refused(signed_in, joint_incident, duty, day):
    client = signed_in(duty, enforce_csrf_checks=True)

    response = client.post(
        act("command-period-open", joint_incident),
        {
            "starts_at": local(NOW + timedelta(hours=11)),
            "ends_at": local(NOW + timedelta(hours=23)),
        },
    )

    assert response.status_code == 403
    assert joint_incident.periods.count() == 1


# Cost


def test_the_tab_costs_the_same_few_queries_for_a_small_or_large_organization(
    signed_in, joint_incident, duty, day, django_assert_max_num_queries, agency, other_agency
):
    client = signed_in(duty)
    with django_assert_max_num_queries(20):
        assert client.get(tab(joint_incident)).status_code == 200

    for letter in "ABCDEFGHIJ":
        person = member_of(agency if letter < "F" else other_agency, "responder")
        command.fill_position(
            day, actor=duty, kind="division_supervisor", person=person, name=f"Division {letter}"
        )
    with django_assert_max_num_queries(20):
        page = client.get(tab(joint_incident)).content.decode()
    assert page.count('data-kind="division_supervisor"') == 10


def test_the_duty_officer_writes_the_weather_without_moving_the_period(
    signed_in, joint_incident, duty, day
):
    response = signed_in(duty).post(
        act("command-period-edit", joint_incident, 1),
        {
            "starts_at": local(day.starts_at),
            "ends_at": local(day.ends_at),
            "weather": "Wind NW 20 kt.",
            "safety_message": "Stay upwind.",
            "version": day.version,
        },
        follow=True,
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Operational period 1 is saved." in page
    assert '<dd class="cmd-text">Wind NW 20 kt.</dd>' in page
    day.refresh_from_db()
    assert (day.weather, day.safety_message, day.version) == ("Wind NW 20 kt.", "Stay upwind.", 2)
    assert not joint_incident.timeline.filter(text__contains="now runs from").exists()
