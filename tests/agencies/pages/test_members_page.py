"""Agency admin, members: Harbor Police's administrator adds people, changes their role
and deactivates them after reading what they would lose.

Access follows the API: a member of Harbor Police without the administer capability is
refused with 403; anyone else (another agency's administrator) gets the same 404 as for
an agency that does not exist; a signed-out visitor is sent to sign in.
"""

from agencies import services
from agencies.access import has_capability
from agencies.capabilities import Capability
from agencies.models import Membership
from tests.factories import UserFactory, member_of, platform_operator

MEMBERS = "/agency/harbor-police/members/"


def membership_of(user, agency):
    return Membership.objects.get(user=user, agency=agency)


def role_url(membership):
    return f"{MEMBERS}{membership.pk}/role/"


def deactivate_url(membership):
    return f"{MEMBERS}{membership.pk}/deactivate/"


def reactivate_url(membership):
    return f"{MEMBERS}{membership.pk}/reactivate/"


# The administrator's day


def test_the_admin_sees_who_holds_which_role(signed_in, admin, analyst, agency):
    response = signed_in(admin).get(MEMBERS)

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Members of Harbor Police</h1>" in page
    assert 'aria-current="page">Members</a>' in page
    assert 'href="/agency/harbor-police/agreements/"' in page
    assert 'href="/agency/harbor-police/api-clients/"' in page
    assert 'href="/agency/harbor-police/audit/"' in page
    row = page.split(f'id="member-{membership_of(analyst, agency).pk}"')[1].split("</tr>")[0]
    assert "harbor-police.analyst" in row
    assert "<td>Analyst</td>" in row
    assert "Active" in row


def test_the_admin_adds_a_person_by_e_mail_in_a_role(signed_in, admin, agency):
    newcomer = UserFactory(username="jo.marsh", email="jo.marsh@harbor.example")

    client = signed_in(admin)
    response = client.post(
        MEMBERS, {"user": "JO.MARSH@harbor.example", "role": "responder", "form_key": "add-1"}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == MEMBERS
    membership = membership_of(newcomer, agency)
    assert (membership.role.slug, membership.is_active, membership.created_by) == (
        "responder",
        True,
        admin,
    )
    assert has_capability(newcomer, agency, Capability.CONTRIBUTE)
    follow = client.get(MEMBERS).content.decode()
    assert "jo.marsh is now Responder in Harbor Police." in follow


def test_an_unknown_person_is_named_beside_the_field_with_422(signed_in, admin):
    response = signed_in(admin).post(MEMBERS, {"user": "nobody", "role": "analyst"})

    assert response.status_code == 422
    page = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_user_errors" role="alert">'
        "<li>No person has this username or e-mail address.</li></ul>"
    ) in page
    assert 'aria-invalid="true"' in page


def test_adding_someone_already_a_member_is_a_conflict_shown_above_the_form(
    signed_in, admin, analyst, agency
):
    response = signed_in(admin).post(MEMBERS, {"user": "harbor-police.analyst", "role": "viewer"})

    assert response.status_code == 409
    assert (
        "harbor-police.analyst is already a member of Harbor Police (as Analyst); "
        "change their role instead."
    ) in response.content.decode()
    assert membership_of(analyst, agency).role.slug == "analyst"


def test_a_double_submitted_add_form_adds_the_person_once(signed_in, admin, agency):
    newcomer = UserFactory(username="jo.marsh")
    client = signed_in(admin)
    form = {"user": "jo.marsh", "role": "viewer", "form_key": "add-once"}

    first = client.post(MEMBERS, form)
    second = client.post(MEMBERS, form)

    assert first.status_code == second.status_code == 302
    assert second.headers["Idempotent-Replayed"] == "true"
    assert Membership.objects.filter(user=newcomer, agency=agency).count() == 1


def test_the_admin_changes_a_members_role(signed_in, admin, analyst, agency):
    membership = membership_of(analyst, agency)

    response = signed_in(admin).post(role_url(membership), {"role": "duty_officer"})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role.slug == "duty_officer"
    assert has_capability(analyst, agency, Capability.COMMAND)


def test_the_last_administrator_cannot_give_away_the_role_409_beside_the_row(
    signed_in, admin, agency
):
    membership = membership_of(admin, agency)

    response = signed_in(admin).post(role_url(membership), {"role": "analyst"})

    assert response.status_code == 409
    page = response.content.decode()
    assert f'id="role-{membership.pk}_errors" role="alert">' in page
    assert "This would leave Harbor Police without an administrator" in page
    membership.refresh_from_db()
    assert membership.role.slug == "admin"


def test_a_role_the_agency_does_not_have_is_refused_with_422(signed_in, admin, analyst, agency):
    membership = membership_of(analyst, agency)

    response = signed_in(admin).post(role_url(membership), {"role": "no-such-role"})

    assert response.status_code == 422
    assert f'id="role-{membership.pk}_errors"' in response.content.decode()
    membership.refresh_from_db()
    assert membership.role.slug == "analyst"


# Deactivation: consequences first, then the POST


def test_deactivation_shows_what_the_person_loses_before_anything_happens(
    signed_in, admin, agency, other_agency
):
    person = member_of(agency, "duty_officer", username="harbor-police.watch")
    services.add_member(
        other_agency,
        user=person,
        role=other_agency.roles.get(slug="viewer"),
        actor=platform_operator(),
    )
    membership = membership_of(person, agency)

    response = signed_in(admin).get(deactivate_url(membership))

    assert response.status_code == 200
    page = response.content.decode()
    consequences = page.split('id="consequences">')[1].split("</ul>")[0]
    assert "The role <strong>Duty officer</strong> in Harbor Police" in consequences
    assert "Command incidents: edit, change status, fill positions" in consequences
    assert "Share incidents with other agencies and people" in consequences
    assert "Incident command positions they hold for Harbor Police" in consequences
    assert "They keep their other roles:\n        Viewer in Esterly Fire." in consequences
    assert 'data-confirm="Deactivate harbor-police.watch in Harbor Police?"' in page
    membership.refresh_from_db()
    assert membership.is_active

    done = signed_in(admin).post(deactivate_url(membership))

    assert done.status_code == 302
    assert done.headers["Location"] == MEMBERS
    membership.refresh_from_db()
    assert not membership.is_active
    assert membership.deactivated_at is not None
    assert not has_capability(person, agency, Capability.VIEW)


def test_someone_with_no_other_role_is_told_named_grants_stop_too(
    signed_in, admin, analyst, agency
):
    page = signed_in(admin).get(deactivate_url(membership_of(analyst, agency))).content.decode()

    assert "They hold no other role, so grants made to them by name" in page


def test_the_last_administrator_cannot_deactivate_themselves(signed_in, admin, agency):
    membership = membership_of(admin, agency)
    page = signed_in(admin).get(deactivate_url(membership)).content.decode()
    assert "<strong>This is you:</strong>" in page

    response = signed_in(admin).post(deactivate_url(membership))

    assert response.status_code == 409
    assert "This would leave Harbor Police without an administrator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.is_active


def test_a_deactivated_member_is_brought_back_in_their_role(signed_in, admin, analyst, agency):
    membership = membership_of(analyst, agency)
    client = signed_in(admin)
    client.post(deactivate_url(membership))
    listed = client.get(MEMBERS).content.decode()
    assert "Reactivate as Analyst" in listed

    response = client.post(reactivate_url(membership))

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active
    assert has_capability(analyst, agency, Capability.VIEW)


# Who may not


def every_url(membership):
    return [
        ("get", MEMBERS, {}),
        ("post", MEMBERS, {"user": "outsider", "role": "admin"}),
        ("post", role_url(membership), {"role": "admin"}),
        ("get", deactivate_url(membership), {}),
        ("post", deactivate_url(membership), {}),
        ("post", reactivate_url(membership), {}),
    ]


def test_a_member_without_administer_is_refused_with_403_everywhere(
    signed_in, admin, analyst, agency, outsider
):
    client = signed_in(analyst)
    target = membership_of(admin, agency)

    for method, url, data in every_url(target):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, (method, url)
    assert not Membership.objects.filter(user=outsider).exists()
    target.refresh_from_db()
    assert (target.role.slug, target.is_active) == ("admin", True)


def test_another_agencys_admin_gets_404_for_every_url(
    signed_in, admin, analyst, agency, other_admin, outsider
):
    client = signed_in(other_admin)

    for method, url, data in every_url(membership_of(analyst, agency)):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert b"There is nothing here, or nothing you may see." in response.content
    assert not Membership.objects.filter(user=outsider).exists()


def test_another_agencys_membership_is_404_under_ones_own_agency(signed_in, admin, other_admin):
    foreign = other_admin.memberships.get()

    assert signed_in(admin).get(deactivate_url(foreign)).status_code == 404
    assert signed_in(admin).post(role_url(foreign), {"role": "viewer"}).status_code == 404


def test_a_signed_out_visitor_is_sent_to_sign_in(client, admin, agency):
    for url in [MEMBERS, deactivate_url(membership_of(admin, agency))]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login/?next={url}"
    response = client.post(MEMBERS, {"user": "x", "role": "admin"})
    assert response.headers["Location"] == f"/login/?next={MEMBERS}"


def test_a_post_without_the_csrf_token_is_refused(signed_in, admin, agency):
    UserFactory(username="jo.marsh")
    client = signed_in(admin, enforce_csrf_checks=True)

    response = client.post(MEMBERS, {"user": "jo.marsh", "role": "viewer"})

    assert response.status_code == 403
    assert not Membership.objects.filter(user__username="jo.marsh").exists()


# The landing page


def test_an_admin_of_one_agency_lands_on_its_members(signed_in, admin):
    response = signed_in(admin).get("/agency/")

    assert response.status_code == 302
    assert response.headers["Location"] == MEMBERS


def test_an_admin_of_two_agencies_chooses_one(signed_in, admin, other_agency):
    services.add_member(
        other_agency,
        user=admin,
        role=other_agency.roles.get(slug="admin"),
        actor=platform_operator(),
    )

    response = signed_in(admin).get("/agency/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h2>Esterly Fire</h2>" in page
    assert "<h2>Harbor Police</h2>" in page
    assert 'href="/agency/esterly-fire/members/"' in page
    assert 'href="/agency/harbor-police/audit/"' in page


def test_someone_who_administers_nothing_is_refused(signed_in, analyst):
    assert signed_in(analyst).get("/agency/").status_code == 403


# Cost


def test_the_members_list_costs_the_same_for_few_and_many(
    signed_in, admin, agency, django_assert_max_num_queries
):
    client = signed_in(admin)
    with django_assert_max_num_queries(12):
        assert client.get(MEMBERS).status_code == 200
    for number in range(15):
        member_of(agency, ["analyst", "viewer", "responder"][number % 3], username=f"p{number}")
    with django_assert_max_num_queries(12):
        page = client.get(MEMBERS)
    assert page.content.decode().count('<tr id="member-') == 16


def test_adding_a_person_offers_the_least_privileged_role_first(signed_in, admin, agency):
    page = signed_in(admin).get(MEMBERS).content.decode()
    add_form = page[page.index('name="user"') :]

    assert '<option value="viewer" selected>' in add_form
    assert '<option value="admin" selected>' not in add_form
