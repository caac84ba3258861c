"""Situation reports (ICS 209): a signed snapshot of the incident, kept as issued, that
never carries anything its own marking does not admit."""

import re
from datetime import timedelta

import pytest
from django.db import IntegrityError, InternalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.ics.sitrep import build_snapshot
from incidents.models import Incident, SituationReport, TimelineEntry
from incidents.services import command, resource_requests, tasks
from incidents.services import sharing as sharing_verbs
from incidents.services.command import ObjectiveInput
from incidents.services.incidents import change_marking
from incidents.services.sitreps import clean_figures, issue_sitrep
from incidents.services.timeline import post_entry
from ledger.models import Event
from sharing.access import Access
from tests.cases import ApiBudgetCases, ApiCases, Call, PageCases
from tests.factories import member_of

pytestmark = pytest.mark.django_db

FIGURES = {"fatalities": 0, "injured": 3, "evacuated": 120, "notes": "Two firefighters"}


def sitreps_of(incident) -> str:
    return f"/api/v1/incidents/{incident.public_id}/sitreps/"


def sitrep_url(incident, report) -> str:
    return f"{sitreps_of(incident)}{report.public_id}/"


def printable_url(incident, report) -> str:
    return f"/incidents/{incident.public_id}/sitreps/{report.number}/"


@pytest.fixture
def period(joint_incident, duty, fire_duty):
    """The first operational period: two objectives, an Incident Commander per agency."""
    now = timezone.now()
    current = command.open_period(
        joint_incident,
        actor=duty,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=11),
        objectives=[
            ObjectiveInput("Protect exposures on Pier 4"),
            ObjectiveInput("Evacuate Dock Street", status="met"),
        ],
    )
    command.fill_position(current, actor=duty, kind="incident_commander", person=duty)
    command.fill_position(current, actor=duty, kind="incident_commander", person=fire_duty)
    return current


def add_work(incident, *, duty, other_agency, count: int):
    """`count` open tasks for Esterly Fire and `count` resource requests of it."""
    for number in range(count):
        tasks.create_task(
            incident, actor=duty, title=f"Hold line {number}", assigned_agency=other_agency
        )
        resource_requests.request_resources(
            incident,
            actor=duty,
            supplying_agency=other_agency,
            resource_kind="Engine (fire)",
            quantity=1,
        )


# Issuing


def test_an_analyst_issues_a_signed_report_of_the_incident_as_it_stands(
    api_as, analyst, duty, joint_incident, period, other_agency
):
    add_work(joint_incident, duty=duty, other_agency=other_agency, count=1)
    done = tasks.create_task(
        joint_incident, actor=duty, title="Done already", assigned_agency=other_agency
    )
    tasks.change_task_status(done, "done", actor=duty)
    post_entry(joint_incident, actor=duty, kind="decision", text="Defensive mode")
    post_entry(joint_incident, actor=duty, kind="note", text="Coffee arrived")

    response = api_as(analyst).post(
        sitreps_of(joint_incident),
        {"summary": "Fire contained to the warehouse.", "figures": FIGURES},
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    report = SituationReport.objects.get(public_id=body["id"])
    assert response["ETag"] == f'"{report.digest}"'
    assert re.fullmatch(r"[0-9a-f]{64}", body["digest"])
    assert {
        key: body[key] for key in body if key not in ("id", "issued_at", "snapshot", "digest")
    } == {
        "number": 1,
        "tlp": "AMBER",
        "author": "harbor-police.analyst",
        "agency": "harbor-police",
        "agency_name": "Harbor Police",
        "period": 1,
        "summary": "Fire contained to the warehouse.",
        "figures": FIGURES,
    }
    snapshot = body["snapshot"]
    assert snapshot["incident"] == {
        "id": str(joint_incident.public_id),
        "reference": joint_incident.reference,
        "title": "Warehouse fire on Dock Street",
        "type": "fire",
        "severity": 3,
        "status": "reported",
        "tlp": "AMBER",
        "lead_agency": {"slug": "harbor-police", "name": "Harbor Police"},
        "location": joint_incident.location,
        "is_exercise": False,
    }
    assert snapshot["participants"] == [
        {"agency": "harbor-police", "agency_name": "Harbor Police", "part": "lead"},
        {"agency": "esterly-fire", "agency_name": "Esterly Fire", "part": "unified_command"},
    ]
    assert snapshot["period"]["number"] == 1
    assert sorted(
        (p["kind"], p["person"], p["agency"]) for p in snapshot["period"]["positions"]
    ) == [
        ("incident_commander", "esterly-fire.duty_officer", "esterly-fire"),
        ("incident_commander", "harbor-police.duty_officer", "harbor-police"),
    ]
    assert snapshot["period"]["objectives"] == [
        {"order": 1, "text": "Protect exposures on Pier 4", "status": "open"},
        {"order": 2, "text": "Evacuate Dock Street", "status": "met"},
    ]
    assert [(t["title"], t["assigned_agency"], t["status"]) for t in snapshot["open_tasks"]] == [
        ("Hold line 0", "esterly-fire", "open")
    ]
    assert snapshot["resource_requests"]["counts"] == {"requested": 1}
    assert [r["resource_kind"] for r in snapshot["resource_requests"]["open"]] == ["Engine (fire)"]
    assert [e["text"] for e in snapshot["significant_events"]] == ["Defensive mode"]


def test_issuing_a_report_is_logged_and_announced(api_as, analyst, joint_incident):
    body = api_as(analyst).post(sitreps_of(joint_incident), {"summary": "s"}, format="json").json()
    line = TimelineEntry.objects.filter(incident=joint_incident, kind="system").first()
    assert line.text == "Situation report 1 issued by harbor-police.analyst (Harbor Police)."
    event = Event.objects.get(kind="incident.sitrep_issued")
    assert event.payload["sitrep"] == body["id"]
    assert event.payload["number"] == 1


def test_reports_are_numbered_per_incident_and_listed_newest_first(
    api_as, duty, analyst, joint_incident
):
    for summary in ("first", "second"):
        issue_sitrep(joint_incident, actor=analyst, summary=summary)
    listing = api_as(duty).get(sitreps_of(joint_incident)).json()
    assert [(r["number"], r["summary"]) for r in listing["results"]] == [
        (2, "second"),
        (1, "first"),
    ]
    assert "snapshot" not in listing["results"][0]


@pytest.mark.parametrize(
    "figures",
    [
        {"injured": -1},
        {"injured": "three"},
        {"looters": 4},
        {"injured": 1.5},
        {"evacuated": 99_999_999_999_999},
    ],
)
def test_figures_must_be_known_whole_counts(api_as, analyst, joint_incident, problem, figures):
    response = api_as(analyst).post(sitreps_of(joint_incident), {"figures": figures}, format="json")
    problem(response, 400, "invalid")
    assert not SituationReport.objects.exists()


def test_the_verb_itself_refuses_figures_it_does_not_know():
    from coordination.errors import Invalid

    with pytest.raises(Invalid) as refused:
        clean_figures({"injured": True})
    assert refused.value.code == "invalid_figures"
    with pytest.raises(Invalid) as beyond:
        clean_figures({"evacuated": 100_000_001})
    assert beyond.value.code == "invalid_figures"
    assert clean_figures({"evacuated": 100_000_000}) == {"evacuated": 100_000_000}


def test_the_preview_shows_the_snapshot_without_issuing(api_as, analyst, joint_incident, period):
    response = api_as(analyst).get(f"{sitreps_of(joint_incident)}preview/")
    assert response.status_code == 200
    assert response.json()["tlp"] == "AMBER"
    assert response.json()["snapshot"]["period"]["number"] == 1
    assert not SituationReport.objects.exists()


# What never lands in a report


def test_a_stricter_line_never_lands_in_a_report(api_as, duty, fire_analyst, joint_incident):
    sharing_verbs.grant_person(joint_incident, actor=duty, person=duty, level=Access.CONTRIBUTE)
    post_entry(joint_incident, actor=duty, kind="observation", text="Informant: arson", tlp="RED")
    post_entry(joint_incident, actor=duty, kind="decision", text="Strict plan", tlp="AMBER+STRICT")
    post_entry(joint_incident, actor=duty, kind="decision", text="Open plan")

    # Even issued by the named duty officer, who sees every line.
    by_duty = issue_sitrep(joint_incident, actor=duty)
    response = api_as(fire_analyst).post(sitreps_of(joint_incident), {}, format="json")

    for snapshot in (by_duty.snapshot, response.json()["snapshot"]):
        assert [e["text"] for e in snapshot["significant_events"]] == ["Open plan"]
        assert "Informant" not in str(snapshot)


def test_only_the_latest_twenty_significant_events_are_reported(duty, joint_incident):
    now = timezone.now()
    for number in range(25):
        post_entry(
            joint_incident,
            actor=duty,
            kind="observation",
            text=f"o{number}",
            occurred_at=now - timedelta(minutes=100 - number),
        )
    events = build_snapshot(joint_incident)["significant_events"]
    assert [e["text"] for e in events] == [f"o{number}" for number in range(24, 4, -1)]


def test_a_report_issued_under_red_stays_red_when_the_incident_is_lowered(
    api_as, duty, analyst, incident, problem
):
    change_marking(incident, "RED", actor=duty)
    red = issue_sitrep(incident, actor=duty, summary="Named people only")
    change_marking(incident, "AMBER", actor=duty)
    amber = issue_sitrep(incident, actor=duty, summary="Everyone")
    client = api_as(analyst)

    listing = client.get(sitreps_of(incident)).json()
    assert [r["number"] for r in listing["results"]] == [amber.number]
    assert listing["count"] == 1
    problem(client.get(sitrep_url(incident, red)), 404, "not_found")
    problem(client.get(f"{sitrep_url(incident, red)}verify/"), 404, "not_found")
    assert client.get(printable_url(incident, red)).status_code == 404
    assert client.get(printable_url(incident, amber)).status_code == 200


# Signed and immutable


def test_a_report_verifies_until_someone_alters_it_behind_the_databases_back(
    api_as, duty, analyst, joint_incident, tamper_audit
):
    report = issue_sitrep(joint_incident, actor=analyst, summary="3 injured", figures=FIGURES)
    client = api_as(duty)
    verified = client.get(f"{sitrep_url(joint_incident, report)}verify/").json()
    assert verified == {"valid": True, "digest": report.digest, "computed": report.digest}
    assert "NOT VERIFIED" not in client.get(printable_url(joint_incident, report)).content.decode()

    tamper_audit(
        "UPDATE incidents_situationreport SET figures = %s WHERE id = %s",
        ['{"injured": 0}', report.pk],
    )

    tampered = client.get(f"{sitrep_url(joint_incident, report)}verify/").json()
    assert tampered["valid"] is False
    assert tampered["digest"] == report.digest
    assert tampered["computed"] != report.digest
    assert "NOT VERIFIED" in client.get(printable_url(joint_incident, report)).content.decode()


def test_the_database_refuses_to_change_or_delete_a_report(analyst, joint_incident):
    report = issue_sitrep(joint_incident, actor=analyst, summary="as issued")
    report.summary = "rewritten"
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        report.save()
    with pytest.raises((InternalError, IntegrityError)), transaction.atomic():
        SituationReport.objects.filter(pk=report.pk).delete()
    report.refresh_from_db()
    assert report.summary == "as issued"


def test_the_detail_carries_the_digest_as_its_etag(api_as, duty, analyst, joint_incident):
    report = issue_sitrep(joint_incident, actor=analyst, figures=FIGURES)
    response = api_as(duty).get(sitrep_url(joint_incident, report))
    assert response["ETag"] == f'"{report.digest}"'
    assert response.json()["figures"] == FIGURES


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_report_cannot_be_edited_through_the_api(
    api_as, duty, analyst, joint_incident, method, problem
):
    report = issue_sitrep(joint_incident, actor=analyst)
    response = getattr(api_as(duty), method)(sitrep_url(joint_incident, report), {"summary": "x"})
    problem(response, 405, "method_not_allowed")


# The printable 209


def test_the_printable_report_shows_its_marking_figures_and_signature(
    signed_in, analyst, joint_incident, period
):
    report = issue_sitrep(
        joint_incident,
        actor=analyst,
        summary="<script>alert('x')</script> contained",
        figures=FIGURES,
    )
    response = signed_in(analyst).get(printable_url(joint_incident, report))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("TLP:AMBER") == 2
    assert joint_incident.reference in page
    assert report.digest in page
    assert "verified: the report is as its author issued it." in page
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert '<th scope="row">Evacuated</th><td>120</td>' in page
    assert "Protect exposures on Pier 4" in page


def test_an_unknown_report_number_is_not_found(signed_in, analyst, joint_incident):
    assert (
        signed_in(analyst).get(f"/incidents/{joint_incident.public_id}/sitreps/7/").status_code
        == 404
    )


# Who may


@pytest.fixture
def report(duty, incident):
    """Harbor Police's first report on its own warehouse fire."""
    return issue_sitrep(incident, actor=duty)


class TestEveryReportAddress(ApiCases):
    """The warehouse fire is Harbor Police's alone: Esterly Fire finds no report."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def addresses(self, incident, report):
        return [
            Call("get", sitreps_of(incident)),
            Call("get", sitrep_url(incident, report)),
            Call("get", f"{sitrep_url(incident, report)}verify/"),
            Call("get", f"{sitreps_of(incident)}preview/"),
            Call("post", sitreps_of(incident), {}, format="json"),
        ]

    @pytest.fixture
    def unchanged(self):
        return lambda: SituationReport.objects.count()


class TestThePrintableReport(PageCases):
    """The printable report is a page: signed in, and of an incident one may see."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def addresses(self, incident, report):
        return [Call("get", printable_url(incident, report))]


def test_a_viewer_reads_reports_but_may_not_issue_or_preview(
    api_as, agency, duty, incident, problem
):
    issue_sitrep(incident, actor=duty)
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    client = api_as(viewer)
    assert client.get(sitreps_of(incident)).json()["count"] == 1
    problem(client.post(sitreps_of(incident), {}, format="json"), 403, "not_permitted")
    problem(client.get(f"{sitreps_of(incident)}preview/"), 403, "not_permitted")


# Cost


def test_the_snapshot_costs_the_same_whatever_the_size_of_the_incident(
    duty, joint_incident, period, other_agency
):
    add_work(joint_incident, duty=duty, other_agency=other_agency, count=1)
    incident = Incident.objects.select_related("lead_agency").get(pk=joint_incident.pk)
    with CaptureQueriesContext(connection) as few:
        small = build_snapshot(incident, period)
    add_work(joint_incident, duty=duty, other_agency=other_agency, count=15)
    command.fill_position(period, actor=duty, kind="safety_officer", person=duty)
    for number in range(10):
        post_entry(joint_incident, actor=duty, kind="decision", text=f"d{number}")
    with CaptureQueriesContext(connection) as many:
        large = build_snapshot(incident, period)

    assert len(small["open_tasks"]) == 1
    assert len(large["open_tasks"]) == 16
    assert len(large["resource_requests"]["open"]) == 16
    assert len(few.captured_queries) == len(many.captured_queries) == 7


class TestTheReportList(ApiBudgetCases):
    """Harbor Police's duty officer lists one report, then eleven."""

    budget, sizes = 9, (1, 11)

    @pytest.fixture
    def listing(self, analyst, joint_incident):
        issue_sitrep(joint_incident, actor=analyst)
        return Call("get", sitreps_of(joint_incident))

    @pytest.fixture
    def grow(self, analyst, joint_incident):
        def ten_more():
            for _ in range(10):
                issue_sitrep(joint_incident, actor=analyst)

        return ten_more
