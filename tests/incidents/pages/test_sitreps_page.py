"""The situation reports tab: Harbor Police's analyst reads the reports she may see,
previews the next one and issues it; nobody else gets further than the API would let them."""

import re

import pytest
from django.urls import reverse

from incidents.models import SituationReport
from incidents.services.incidents import change_marking
from incidents.services.sitreps import issue_sitrep
from tests.cases import Call, PageCases
from tests.factories import member_of

pytestmark = pytest.mark.django_db

FIGURES = {
    "summary": "Fire contained to the east wing.",
    "fatalities": "0",
    "injured": "3",
    "evacuated": "120",
    "notes": "Two firefighters treated on site.",
}


def tab_url(incident) -> str:
    return reverse("incident-sitreps", args=[incident.public_id])


def issue_url(incident) -> str:
    return reverse("incident-sitrep-issue", args=[incident.public_id])


def preview_url(incident) -> str:
    return reverse("incident-sitrep-preview", args=[incident.public_id])


def print_url(incident, number) -> str:
    return reverse("print-sitrep", args=[incident.public_id, number])


def field_errors(page: str, name: str) -> list[str]:
    """The errors shown beside field `name`."""
    match = re.search(rf'<ul class="errorlist" id="id_{name}_errors" role="alert">(.*?)</ul>', page)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def test_the_analyst_sees_each_report_she_may_with_its_marking_and_signature(
    signed_in, analyst, duty, incident
):
    change_marking(incident, "RED", actor=duty)
    issue_sitrep(incident, actor=duty, summary="Named people only")
    change_marking(incident, "AMBER", actor=duty)
    issue_sitrep(incident, actor=duty, summary="Everyone")

    response = signed_in(analyst).get(tab_url(incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert re.findall(r'href="([^"]+)">View or print report', page) == [print_url(incident, 2)]
    assert print_url(incident, 1) not in page
    assert "Named people only" not in page
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in page
    assert "✓ Verified" in page
    assert "harbor-police.duty_officer" in page


def test_the_analyst_previews_the_report_and_nothing_is_issued(signed_in, analyst, incident):
    response = signed_in(analyst).get(
        preview_url(incident), {**FIGURES, "injured": "4"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: nothing is issued" in page
    assert '<span class="tlp tlp-amber">TLP:AMBER</span>' in page
    assert "Injured: 4" in page
    assert "Missing: not reported" in page
    assert incident.reference in page
    assert not SituationReport.objects.exists()


def test_a_preview_with_a_wrong_figure_says_what_to_fix(signed_in, analyst, incident):
    response = signed_in(analyst).get(preview_url(incident), {"injured": "many"})

    assert response.status_code == 422
    assert "Injured: Enter a whole number from 0 to 100,000,000, or leave it blank." in (
        response.content.decode()
    )


def test_the_analyst_issues_a_report_and_lands_back_on_the_list(signed_in, analyst, incident):
    client = signed_in(analyst)
    form = client.get(tab_url(incident)).content.decode()
    assert f'action="{issue_url(incident)}"' in form
    assert 'name="form_key"' in form

    response = client.post(issue_url(incident), {**FIGURES, "form_key": "k-1"})

    assert response.status_code == 302
    assert response["Location"] == tab_url(incident)
    report = SituationReport.objects.get(incident=incident)
    assert report.number == 1
    assert report.tlp == "AMBER"
    assert report.summary == "Fire contained to the east wing."
    assert report.figures == {
        "fatalities": 0,
        "injured": 3,
        "evacuated": 120,
        "notes": "Two firefighters treated on site.",
    }
    assert report.author == analyst
    page = client.get(tab_url(incident)).content.decode()
    assert "Situation report 1 issued, marked TLP:AMBER." in page
    assert print_url(incident, 1) in page


def test_a_negative_figure_is_refused_beside_its_field(signed_in, analyst, incident):
    response = signed_in(analyst).post(issue_url(incident), {**FIGURES, "injured": "-2"})

    assert response.status_code == 422
    page = response.content.decode()
    assert field_errors(page, "injured") == [
        "Enter a whole number from 0 to 100,000,000, or leave it blank."
    ]
    assert field_errors(page, "evacuated") == []
    assert 'aria-invalid="true"' in page
    assert not SituationReport.objects.exists()


def test_a_double_submitted_form_issues_one_report(signed_in, analyst, incident):
    client = signed_in(analyst)
    data = {**FIGURES, "form_key": "double-click"}

    first = client.post(issue_url(incident), data)
    second = client.post(issue_url(incident), data)

    assert first.status_code == second.status_code == 302
    assert second["Idempotent-Replayed"] == "true"
    assert SituationReport.objects.filter(incident=incident).count() == 1


def test_a_viewer_reads_reports_but_may_not_issue_or_preview(signed_in, agency, duty, incident):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    issue_sitrep(incident, actor=duty)
    client = signed_in(viewer)

    page = client.get(tab_url(incident)).content.decode()
    assert print_url(incident, 1) in page
    assert "Issue report" not in page
    assert client.post(issue_url(incident), FIGURES).status_code == 403
    assert client.get(preview_url(incident), FIGURES).status_code == 403
    assert SituationReport.objects.count() == 1


class TestEveryReportPage(PageCases):
    """The warehouse fire is Harbor Police's alone: Esterly Fire finds no report page."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def addresses(self, duty, incident):
        issue_sitrep(incident, actor=duty)
        return [
            Call("get", tab_url(incident)),
            Call("get", preview_url(incident), FIGURES),
            Call("post", issue_url(incident), {**FIGURES, "form_key": "probe"}),
            Call("post", issue_url(incident), FIGURES),
        ]

    @pytest.fixture
    def unchanged(self):
        return lambda: SituationReport.objects.count()


def test_the_list_costs_the_same_queries_for_one_report_or_many(
    signed_in, analyst, duty, incident, django_assert_max_num_queries
):
    client = signed_in(analyst)
    issue_sitrep(incident, actor=duty)
    with django_assert_max_num_queries(16) as few:
        assert client.get(tab_url(incident)).status_code == 200
    for _ in range(12):
        issue_sitrep(incident, actor=duty)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(tab_url(incident)).status_code == 200
