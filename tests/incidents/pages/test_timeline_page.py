"""The timeline tab: Harbor Police and Esterly Fire log the warehouse fire together.
Each line keeps its own marking, and a line the API hides is not on the page either."""

import re

import pytest

from incidents.models import TimelineEntry
from incidents.services.sharing import grant_person
from incidents.services.timeline import post_entry
from sharing.access import Access
from tests.cases import Call, PageCases
from tests.factories import member_of

pytestmark = pytest.mark.django_db


def timeline_of(incident) -> str:
    return f"/incidents/{incident.public_id}/timeline/"


def post_url(incident) -> str:
    return f"/incidents/{incident.public_id}/timeline/entries/"


def correct_url(incident, entry) -> str:
    return f"/incidents/{incident.public_id}/timeline/{entry.public_id}/correct/"


def texts(page: str) -> list[str]:
    """The entries' texts in the order the page lists them."""
    return re.findall(r'<p class="entry-text">(.*?)</p>', page, re.S)


def people_wrote(incident, author, *lines, kind="note"):
    return [post_entry(incident, actor=author, kind=kind, text=line) for line in lines]


def test_a_partner_reads_the_log_newest_first(signed_in, joint_incident, duty, fire_duty):
    people_wrote(joint_incident, duty, "Cordon set on Dock Street")
    people_wrote(joint_incident, fire_duty, "Second engine on scene", kind="observation")

    response = signed_in(fire_duty).get(timeline_of(joint_incident))

    assert response.status_code == 200
    page = response.content.decode()
    assert texts(page)[:2] == ["Second engine on scene", "Cordon set on Dock Street"]
    assert '<span class="entry-agency">Esterly Fire</span>' in page
    assert '<span class="entry-author">esterly-fire.duty_officer</span>' in page


def test_a_red_line_is_absent_for_a_reader_without_a_named_grant(
    signed_in, incident, duty, analyst
):
    grant_person(incident, actor=duty, person=duty, level=Access.CONTRIBUTE)
    secret = post_entry(incident, actor=duty, kind="note", text="Informant named", tlp="RED")
    people_wrote(incident, duty, "Crews on scene")

    by_analyst = signed_in(analyst).get(timeline_of(incident)).content.decode()
    by_duty = signed_in(duty).get(timeline_of(incident)).content.decode()

    assert "Informant named" not in by_analyst
    assert str(secret.public_id) not in by_analyst
    assert "Crews on scene" in by_analyst
    assert "Informant named" in by_duty
    assert '<span class="tlp tlp-red">TLP:RED</span>' in by_duty
    assert signed_in(analyst).get(correct_url(incident, secret)).status_code == 404


# Writing


def test_an_analyst_posts_an_entry_without_javascript(signed_in, incident, analyst):
    client = signed_in(analyst)

    response = client.post(
        post_url(incident), {"kind": "observation", "text": "Smoke from Pier 4", "tlp": "AMBER"}
    )

    assert response.status_code == 302
    assert response["Location"] == timeline_of(incident)
    entry = TimelineEntry.objects.get(text="Smoke from Pier 4")
    assert (entry.kind, entry.tlp, entry.author, entry.agency.slug) == (
        "observation",
        "AMBER",
        analyst,
        "harbor-police",
    )
    page = client.get(timeline_of(incident)).content.decode()
    assert "Your entry was added to the timeline." in page
    assert texts(page)[0] == "Smoke from Pier 4"


def test_with_htmx_the_entry_is_prepended_and_the_form_reset(signed_in, incident, analyst):
    post_entry(incident, actor=analyst, kind="observation", text="Smoke seen")
    response = signed_in(analyst).post(
        post_url(incident),
        {"kind": "decision", "text": "Evacuate block 7", "tlp": "AMBER+STRICT"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    entry = TimelineEntry.objects.get(text="Evacuate block 7")
    assert '<div hx-swap-oob="afterbegin:#timeline-entries">' in fragment
    assert f'id="entry-{entry.public_id}"' in fragment
    assert '<span class="tlp tlp-amber-strict">TLP:AMBER+STRICT</span>' in fragment
    assert re.search(r'<textarea name="text"[^>]*>\s*</textarea>', fragment)
    assert "Your entry was added to the timeline." in fragment
    # The count on the tab counts the new entry too (the first post and this one), swapped
    # in beside the list.
    count = '<p class="muted" id="timeline-count" hx-swap-oob="true">2 entries, newest first.</p>'
    assert count in fragment
    assert "<html" not in fragment


def test_the_marking_defaults_to_the_incidents(signed_in, incident, analyst):
    page = signed_in(analyst).get(timeline_of(incident)).content.decode()
    assert '<option value="AMBER" selected>TLP:AMBER</option>' in page


def test_a_marking_looser_than_the_incident_is_refused_beside_the_field(
    signed_in, incident, analyst
):
    form = {"kind": "note", "text": "Public update", "tlp": "GREEN"}

    plain = signed_in(analyst).post(post_url(incident), form)
    htmx = signed_in(analyst).post(post_url(incident), form, HTTP_HX_REQUEST="true")

    message = (
        "An entry may be marked more strictly than its incident (AMBER), never more loosely "
        "(GREEN)."
    )
    for response in (plain, htmx):
        assert response.status_code == 422
        assert (
            f'id="entry-form-tlp_errors" role="alert"><li>{message}</li>'
            in response.content.decode()
        )
    assert "<html" not in htmx.content.decode()
    assert not TimelineEntry.objects.filter(text="Public update").exists()


def test_an_empty_entry_is_refused_beside_the_text(signed_in, incident, analyst):
    response = signed_in(analyst).post(
        post_url(incident), {"kind": "note", "text": "", "tlp": "AMBER"}
    )
    assert response.status_code == 422
    assert 'id="entry-form-text_errors" role="alert"><li>This field is required.</li>' in (
        response.content.decode()
    )


def test_a_double_submitted_entry_is_written_once(signed_in, incident, analyst):
    client = signed_in(analyst)
    form = {"kind": "note", "text": "Hydrant 12 dry", "tlp": "AMBER", "form_key": "once"}

    first = client.post(post_url(incident), form, HTTP_HX_REQUEST="true")
    second = client.post(post_url(incident), form, HTTP_HX_REQUEST="true")

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert TimelineEntry.objects.filter(text="Hydrant 12 dry").count() == 1


def test_posting_is_guarded_by_csrf(signed_in, incident, analyst):
    client = signed_in(analyst, enforce_csrf_checks=True)

    response = client.post(post_url(incident), {"kind": "note", "text": "Forged", "tlp": "AMBER"})

    assert response.status_code == 403
    assert not TimelineEntry.objects.filter(text="Forged").exists()


def test_a_viewer_reads_but_may_not_write(signed_in, incident, duty, agency):
    viewer = member_of(agency, "viewer", username="harbor-police.viewer")
    (entry,) = people_wrote(incident, duty, "Cordon set")
    client = signed_in(viewer)

    page = client.get(timeline_of(incident)).content.decode()
    assert "Cordon set" in page
    assert "Add an entry" not in page
    assert "/correct/" not in page
    assert (
        client.post(post_url(incident), {"kind": "note", "text": "x", "tlp": "AMBER"}).status_code
        == 403
    )
    assert client.get(correct_url(incident, entry)).status_code == 403
    assert not TimelineEntry.objects.filter(text="x").exists()


class TestEveryTimelinePage(PageCases):
    """The warehouse fire is Harbor Police's alone: Esterly Fire finds no timeline page."""

    intruders = ("fire_analyst",)

    @pytest.fixture
    def addresses(self, duty, incident):
        (entry,) = people_wrote(incident, duty, "Cordon set")
        form = {"kind": "note", "text": "Ours", "tlp": "AMBER"}
        return [
            Call("get", timeline_of(incident)),
            Call("post", post_url(incident), form),
            Call("get", correct_url(incident, entry)),
            Call("post", correct_url(incident, entry), form),
        ]

    @pytest.fixture
    def unchanged(self, incident):
        return lambda: list(TimelineEntry.objects.filter(incident=incident).values_list("text"))


# Corrections


def test_a_correction_is_linked_to_the_entry_it_corrects(signed_in, incident, duty, analyst):
    (wrong,) = people_wrote(incident, duty, "Two people missing")
    client = signed_in(analyst)
    assert client.get(correct_url(incident, wrong)).status_code == 200

    response = client.post(
        correct_url(incident, wrong), {"kind": "note", "text": "One person missing", "tlp": "AMBER"}
    )

    correction = TimelineEntry.objects.get(text="One person missing")
    assert correction.corrects == wrong
    assert response.status_code == 302
    assert response["Location"] == f"{timeline_of(incident)}#entry-{correction.public_id}"
    page = client.get(timeline_of(incident)).content.decode()
    assert f'Corrects <a href="#entry-{wrong.public_id}">' in page
    assert f'Corrected by <a href="#entry-{correction.public_id}">' in page


def test_a_correction_marked_looser_than_its_entry_is_refused(signed_in, incident, duty):
    (strict,) = [post_entry(incident, actor=duty, kind="note", text="Staging", tlp="AMBER+STRICT")]

    response = signed_in(duty).post(
        correct_url(incident, strict), {"kind": "note", "text": "Staging moved", "tlp": "AMBER"}
    )

    assert response.status_code == 422
    assert 'id="correction-tlp_errors" role="alert"><li>A correction must be marked' in (
        response.content.decode()
    )


# Filters, pages and cost


def test_filters_by_kind_and_agency_are_kept_in_the_url(signed_in, joint_incident, duty, fire_duty):
    people_wrote(joint_incident, duty, "Police decision", kind="decision")
    people_wrote(joint_incident, duty, "Police note")
    people_wrote(joint_incident, fire_duty, "Fire decision", kind="decision")
    client = signed_in(duty)

    decisions = client.get(timeline_of(joint_incident), {"kind": "decision"}).content.decode()
    by_fire = client.get(
        timeline_of(joint_incident), {"kind": "decision", "agency": "esterly-fire"}
    ).content.decode()

    assert texts(decisions) == ["Fire decision", "Police decision"]
    assert texts(by_fire) == ["Fire decision"]
    assert '<option value="esterly-fire" selected>Esterly Fire</option>' in by_fire


def test_the_log_is_paged_keeping_its_filters(signed_in, incident, duty):
    people_wrote(incident, duty, *(f"Note {n}" for n in range(52)))

    first = signed_in(duty).get(timeline_of(incident), {"kind": "note"}).content.decode()
    second = (
        signed_in(duty).get(timeline_of(incident), {"kind": "note", "page": 2}).content.decode()
    )

    assert len(texts(first)) == 50
    assert texts(first)[0] == "Note 51"
    assert 'href="?kind=note&amp;page=2"' in first
    assert texts(second) == ["Note 1", "Note 0"]
    assert 'href="?kind=note&amp;page=1"' in second


@pytest.mark.parametrize("count", [5, 40])
def test_a_page_costs_the_same_queries_however_long_the_log(
    signed_in, joint_incident, duty, fire_duty, django_assert_max_num_queries, count
):
    for n in range(count):
        (entry,) = people_wrote(joint_incident, duty if n % 2 else fire_duty, f"Line {n}")
        if n % 5 == 0:
            post_entry(
                joint_incident, actor=duty, kind="note", text=f"Fix {n}", corrects=entry.public_id
            )
    client = signed_in(duty)

    with django_assert_max_num_queries(13):
        response = client.get(timeline_of(joint_incident))

    assert response.status_code == 200


def test_a_post_larger_than_the_portal_takes_is_refused_on_its_own_page(
    signed_in, settings, incident, analyst
):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    form = {"kind": "note", "text": "x" * 5_000, "tlp": "AMBER"}
    browser = signed_in(analyst)

    page = browser.post(post_url(incident), form)
    fragment = browser.post(post_url(incident), form, HTTP_HX_REQUEST="true")

    assert (page.status_code, fragment.status_code) == (413, 413)
    said = "That is more than the portal takes in one go (2.0\xa0KB). Nothing was saved"
    assert said in page.content.decode()
    assert "<html" in page.content.decode()
    assert said in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert not TimelineEntry.objects.filter(incident=incident, kind="note").exists()


def test_correct_is_offered_only_where_the_reader_may_correct(
    signed_in, joint_incident, analyst, fire_analyst
):
    (harbor_line,) = people_wrote(joint_incident, analyst, "Three hurt")
    link = f'href="{correct_url(joint_incident, harbor_line)}"'
    fire = signed_in(fire_analyst)

    assert link in signed_in(analyst).get(timeline_of(joint_incident)).content.decode()
    assert link not in fire.get(timeline_of(joint_incident)).content.decode()
    assert "/correct/" not in fire.get(timeline_of(joint_incident)).content.decode()
    assert fire.get(correct_url(joint_incident, harbor_line)).status_code == 403
    refused = fire.post(
        correct_url(joint_incident, harbor_line), {"kind": "note", "text": "Two", "tlp": "AMBER"}
    )
    assert refused.status_code == 403
    assert not TimelineEntry.objects.filter(corrects=harbor_line).exists()
