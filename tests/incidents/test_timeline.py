"""The timeline (ICS 214): people log what happens; each line keeps its own marking, and
a line marked beyond a reader is, for that reader, not there at all."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import EntryKind, TimelineEntry
from incidents.services import sharing as sharing_verbs
from incidents.services.timeline import post_entry
from ledger.models import Event
from sharing.access import Access
from tests.cases import ApiCapabilityCases, ApiCases, Call
from tests.factories import POINT, open_incident, platform_operator

pytestmark = pytest.mark.django_db

AUTHORED = ["note", "decision", "observation", "communication"]


def timeline_of(incident) -> str:
    return f"/api/v1/incidents/{incident.public_id}/timeline/"


def entry_url(incident, entry) -> str:
    return f"{timeline_of(incident)}{entry.public_id}/"


def authored(client, incident, **params):
    """The texts of people's entries as `client` lists them (system lines left out)."""
    response = client.get(timeline_of(incident), {"kind": AUTHORED, **params})
    assert response.status_code == 200, response.content
    return [entry["text"] for entry in response.json()["results"]]


def name_on(incident, *, duty, person, level=Access.CONTRIBUTE):
    """The duty officer names `person` on the incident: the only way into RED."""
    sharing_verbs.grant_person(incident, actor=duty, person=person, level=level)


@pytest.fixture
def red_line(joint_incident, duty):
    """Harbor Police's duty officer, named on the incident, logs a RED observation."""
    name_on(joint_incident, duty=duty, person=duty)
    return post_entry(
        joint_incident,
        actor=duty,
        kind="observation",
        text="Informant says the owner set the fire",
        tlp="RED",
    )


# Writing


def test_an_analyst_logs_a_note_marked_as_the_incident_by_default(api_as, analyst, incident):
    when = timezone.now() - timedelta(minutes=10)
    response = api_as(analyst).post(
        timeline_of(incident),
        {
            "kind": "observation",
            "text": "Smoke visible from Pier 4",
            "occurred_at": when.isoformat(),
            "location": POINT,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    entry = TimelineEntry.objects.get(public_id=body["id"])
    assert body == {
        "id": str(entry.public_id),
        "kind": "observation",
        "text": "Smoke visible from Pier 4",
        "tlp": "AMBER",
        "author": "harbor-police.analyst",
        "agency": "harbor-police",
        "agency_name": "Harbor Police",
        "location": POINT,
        "corrects": None,
        "corrected_by": [],
        "occurred_at": body["occurred_at"],
        "recorded_at": body["recorded_at"],
    }
    assert entry.occurred_at == when
    assert Event.objects.filter(kind="incident.entry_posted", payload__entry=body["id"]).exists()


def test_an_entry_may_be_marked_more_strictly_than_its_incident(api_as, analyst, incident):
    response = api_as(analyst).post(
        timeline_of(incident), {"kind": "note", "text": "Staging", "tlp": "AMBER+STRICT"}
    )
    assert response.status_code == 201
    assert response.json()["tlp"] == "AMBER+STRICT"


def test_a_marking_looser_than_the_incident_is_refused(api_as, analyst, incident, problem):
    body = problem(
        api_as(analyst).post(timeline_of(incident), {"kind": "note", "text": "x", "tlp": "GREEN"}),
        400,
        "marking_looser_than_incident",
    )
    assert body["errors"] == {"tlp": [body["detail"]]}
    assert not TimelineEntry.objects.filter(text="x").exists()


@pytest.mark.parametrize("kind", ["system", "status_change"])
def test_system_and_status_lines_are_written_by_concord_alone(
    api_as, analyst, incident, problem, kind
):
    response = api_as(analyst).post(timeline_of(incident), {"kind": kind, "text": "Forged"})
    problem(response, 400, "kind_not_authored")
    assert not TimelineEntry.objects.filter(text="Forged").exists()


def test_an_entry_far_in_the_future_is_refused_but_a_skewed_clock_is_not(
    api_as, analyst, incident, problem
):
    client = api_as(analyst)
    later = timezone.now() + timedelta(hours=1)
    problem(
        client.post(
            timeline_of(incident), {"kind": "note", "text": "x", "occurred_at": later.isoformat()}
        ),
        400,
        "occurred_in_future",
    )
    skewed = timezone.now() + timedelta(minutes=1)
    response = client.post(
        timeline_of(incident), {"kind": "note", "text": "y", "occurred_at": skewed.isoformat()}
    )
    assert response.status_code == 201


def test_a_location_that_is_not_a_point_is_refused(api_as, analyst, incident, problem):
    response = api_as(analyst).post(
        timeline_of(incident),
        {"kind": "note", "text": "x", "location": {"type": "Point", "coordinates": [200, 0]}},
        format="json",
    )
    problem(response, 400, "invalid_location")


def test_unknown_fields_are_refused(api_as, analyst, incident, problem):
    response = api_as(analyst).post(
        timeline_of(incident), {"kind": "note", "text": "x", "author": "someone-else"}
    )
    assert problem(response, 400, "invalid")["errors"] == {
        "author": ["Unknown or read-only field."]
    }


def test_a_person_of_two_agencies_writes_for_the_one_they_name(
    api_as, analyst, joint_incident, other_agency
):
    from agencies import services as agency_services

    agency_services.add_member(
        other_agency,
        user=analyst,
        role=other_agency.roles.get(slug="analyst"),
        actor=platform_operator(),
    )
    response = api_as(analyst).post(
        timeline_of(joint_incident), {"kind": "note", "text": "x", "agency": "esterly-fire"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["agency"] == "esterly-fire"


def test_naming_an_agency_one_does_not_belong_to_is_refused(
    api_as, analyst, joint_incident, problem
):
    response = api_as(analyst).post(
        timeline_of(joint_incident), {"kind": "note", "text": "x", "agency": "esterly-fire"}
    )
    problem(response, 403, "not_a_member")


def test_a_red_entry_from_someone_not_named_is_refused_and_nothing_is_kept(
    api_as, analyst, incident, problem
):
    before = TimelineEntry.objects.count()
    events = Event.objects.count()
    response = api_as(analyst).post(
        timeline_of(incident), {"kind": "note", "text": "Secret", "tlp": "RED"}
    )
    problem(response, 403, "not_permitted")
    assert TimelineEntry.objects.count() == before
    assert Event.objects.count() == events


def test_a_named_person_may_log_red(api_as, duty, analyst, incident):
    name_on(incident, duty=duty, person=analyst)
    response = api_as(analyst).post(
        timeline_of(incident), {"kind": "note", "text": "Secret", "tlp": "RED"}
    )
    assert response.status_code == 201
    assert response.json()["tlp"] == "RED"


# Corrections


def test_a_correction_names_the_entry_it_corrects(api_as, analyst, incident):
    client = api_as(analyst)
    wrong = client.post(timeline_of(incident), {"kind": "observation", "text": "3 trapped"}).json()
    fixed = client.post(
        timeline_of(incident),
        {"kind": "observation", "text": "Correction: 2 trapped", "corrects": wrong["id"]},
    ).json()

    assert fixed["corrects"] == wrong["id"]
    original = client.get(f"{timeline_of(incident)}{wrong['id']}/").json()
    assert original["corrected_by"] == [fixed["id"]]
    listed = {
        e["id"]: e["corrected_by"] for e in client.get(timeline_of(incident)).json()["results"]
    }
    assert listed[wrong["id"]] == [fixed["id"]]
    assert listed[fixed["id"]] == []


def test_a_correction_is_marked_at_least_as_strictly_as_what_it_corrects(
    api_as, analyst, incident, problem
):
    client = api_as(analyst)
    strict = client.post(
        timeline_of(incident), {"kind": "note", "text": "a", "tlp": "AMBER+STRICT"}
    ).json()
    response = client.post(
        timeline_of(incident), {"kind": "note", "text": "b", "corrects": strict["id"]}
    )
    problem(response, 400, "marking_looser_than_corrected")


def test_a_correction_of_an_entry_elsewhere_or_unknown_is_refused(
    api_as, duty, analyst, incident, problem
):
    elsewhere = post_entry(open_incident(duty, title="Other"), actor=duty, kind="note", text="a")
    client = api_as(analyst)
    for target in (str(elsewhere.public_id), "00000000-0000-0000-0000-000000000000"):
        response = client.post(
            timeline_of(incident), {"kind": "note", "text": "b", "corrects": target}
        )
        problem(response, 400, "unknown_entry")


def test_nobody_corrects_a_line_they_cannot_see(
    api_as, fire_analyst, joint_incident, red_line, problem
):
    response = api_as(fire_analyst).post(
        timeline_of(joint_incident),
        {"kind": "note", "text": "guess", "tlp": "RED", "corrects": str(red_line.public_id)},
    )
    problem(response, 400, "unknown_entry")


# A RED line on an AMBER incident


def test_a_red_line_is_absent_for_someone_who_sees_the_amber_incident(
    api_as, duty, fire_analyst, joint_incident, red_line, problem
):
    amber = post_entry(joint_incident, actor=duty, kind="observation", text="Roof collapsed")
    fire = api_as(fire_analyst)

    listing = fire.get(timeline_of(joint_incident)).json()
    ids = [entry["id"] for entry in listing["results"]]
    assert str(red_line.public_id) not in ids
    assert str(amber.public_id) in ids
    assert listing["count"] == len(ids) == TimelineEntry.objects.exclude(tlp="RED").count()
    assert "Informant" not in str(listing)
    problem(fire.get(entry_url(joint_incident, red_line)), 404, "not_found")

    # The duty officer, named, sees it.
    assert api_as(duty).get(entry_url(joint_incident, red_line)).status_code == 200


def test_a_red_correction_does_not_show_in_corrected_by(
    api_as, duty, fire_analyst, joint_incident, red_line
):
    amber = post_entry(joint_incident, actor=duty, kind="observation", text="Cause unknown")
    red_fix = post_entry(
        joint_incident,
        actor=duty,
        kind="observation",
        text="Cause: arson, per informant",
        tlp="RED",
        corrects=amber.public_id,
    )

    seen_by_fire = api_as(fire_analyst).get(entry_url(joint_incident, amber)).json()
    assert seen_by_fire["corrected_by"] == []
    listed = api_as(fire_analyst).get(timeline_of(joint_incident)).json()["results"]
    assert {e["id"]: e["corrected_by"] for e in listed}[str(amber.public_id)] == []
    seen_by_duty = api_as(duty).get(entry_url(joint_incident, amber)).json()
    assert seen_by_duty["corrected_by"] == [str(red_fix.public_id)]


def test_filtering_by_marking_reveals_nothing_hidden(
    api_as, fire_analyst, joint_incident, red_line
):
    response = api_as(fire_analyst).get(timeline_of(joint_incident), {"tlp": "RED"})
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}


# Reading


def test_the_timeline_reads_newest_first(api_as, duty, analyst, incident):
    now = timezone.now()
    for text, minutes in (("middle", 20), ("oldest", 30), ("newest", 10)):
        post_entry(
            incident,
            actor=analyst,
            kind="note",
            text=text,
            occurred_at=now - timedelta(minutes=minutes),
        )
    assert authored(api_as(duty), incident) == ["newest", "middle", "oldest"]


def test_the_timeline_filters_by_kind_agency_author_time_and_marking(
    api_as, duty, analyst, fire_analyst, joint_incident
):
    now = timezone.now()
    post_entry(
        joint_incident, actor=analyst, kind="note", text="a", occurred_at=now - timedelta(hours=3)
    )
    post_entry(
        joint_incident, actor=duty, kind="decision", text="b", occurred_at=now - timedelta(hours=2)
    )
    post_entry(
        joint_incident,
        actor=fire_analyst,
        kind="observation",
        text="c",
        tlp="AMBER+STRICT",
        occurred_at=now - timedelta(hours=1),
    )
    client = api_as(duty)

    assert authored(client, joint_incident, kind=["decision"]) == ["b"]
    assert authored(client, joint_incident, agency="esterly-fire") == ["c"]
    assert authored(client, joint_incident, author="harbor-police.analyst") == ["a"]
    since = (now - timedelta(hours=2, minutes=30)).isoformat()
    before = (now - timedelta(minutes=90)).isoformat()
    assert authored(client, joint_incident, since=since) == ["c", "b"]
    assert authored(client, joint_incident, since=since, before=before) == ["b"]
    assert authored(client, joint_incident, tlp=["AMBER+STRICT"]) == ["c"]


def test_an_unknown_query_parameter_is_refused(api_as, duty, incident, problem):
    response = api_as(duty).get(timeline_of(incident), {"writer": "someone"})
    problem(response, 400, "invalid")


def test_system_lines_of_the_verbs_appear_on_the_timeline(api_as, duty, joint_incident):
    kinds = [e["kind"] for e in api_as(duty).get(timeline_of(joint_incident)).json()["results"]]
    assert EntryKind.SYSTEM in kinds


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_timeline_is_append_only(api_as, duty, incident, method, problem):
    entry = post_entry(incident, actor=duty, kind="note", text="Fixed forever")
    response = getattr(api_as(duty), method)(entry_url(incident, entry), {"text": "Changed"})
    problem(response, 405, "method_not_allowed")
    entry.refresh_from_db()
    assert entry.text == "Fixed forever"


# Who may


class TestEveryTimelineAddress(ApiCases):
    """The warehouse fire is Harbor Police's alone: Esterly Fire finds no timeline."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def addresses(self, duty, incident):
        entry = post_entry(incident, actor=duty, kind="note", text="Ours")
        return [
            Call("get", timeline_of(incident)),
            Call("get", entry_url(incident, entry)),
            Call("post", timeline_of(incident), {"kind": "note", "text": "x"}),
        ]

    @pytest.fixture
    def unchanged(self, incident):
        return lambda: list(TimelineEntry.objects.filter(incident=incident).values_list("text"))


class TestWritingNeedsContribute(ApiCapabilityCases):
    """A viewer of Harbor Police reads the timeline and may not write on it."""

    readers = ("viewer",)

    @pytest.fixture
    def reads(self, incident):
        return [Call("get", timeline_of(incident))]

    @pytest.fixture
    def writes(self, incident):
        return [Call("post", timeline_of(incident), {"kind": "note", "text": "x"})]


# Cost


def test_a_timeline_page_costs_the_same_for_few_or_many_entries(
    api_as, duty, analyst, incident, django_assert_max_num_queries
):
    client = api_as(duty)
    first = post_entry(incident, actor=analyst, kind="note", text="first")
    post_entry(incident, actor=analyst, kind="note", text="fix", corrects=first.public_id)
    with django_assert_max_num_queries(10):
        few = client.get(timeline_of(incident)).json()
    for number in range(30):
        entry = post_entry(incident, actor=analyst, kind="note", text=f"n{number}")
        post_entry(
            incident, actor=duty, kind="note", text=f"fix {number}", corrects=entry.public_id
        )
    with django_assert_max_num_queries(10):
        many = client.get(timeline_of(incident)).json()
    assert few["count"] < many["count"]
    assert len(many["results"]) == 50


def test_only_the_entrys_agency_or_command_corrects_it(
    api_as, problem, duty, analyst, fire_analyst, fire_duty, joint_incident
):
    """Esterly Fire's analyst may contribute to the joint incident, but Harbor Police's
    entry is Harbor Police's to put right (or command's: both agencies' duty officers
    command it)."""
    harbor_line = post_entry(joint_incident, actor=analyst, kind="observation", text="3 hurt")
    asked = {"kind": "observation", "text": "2 hurt", "corrects": str(harbor_line.public_id)}

    refused = api_as(fire_analyst).post(timeline_of(joint_incident), asked)

    problem(refused, 403, "not_the_entrys_agency")
    assert not TimelineEntry.objects.filter(corrects=harbor_line).exists()
    assert api_as(analyst).post(timeline_of(joint_incident), asked).status_code == 201
    assert api_as(fire_duty).post(timeline_of(joint_incident), asked).status_code == 201


def test_concords_own_lines_are_not_corrected(api_as, problem, duty, joint_incident):
    system_line = TimelineEntry.objects.filter(
        incident=joint_incident, kind=EntryKind.SYSTEM
    ).first()
    asked = {"kind": "note", "text": "Not so", "corrects": str(system_line.public_id)}

    problem(api_as(duty).post(timeline_of(joint_incident), asked), 400, "entry_not_correctable")
    assert not TimelineEntry.objects.filter(corrects=system_line).exists()
