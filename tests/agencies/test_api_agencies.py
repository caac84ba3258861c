"""/api/v1/agencies/, /api/v1/jurisdictions/ and /api/v1/me/: the portal's directory.

Every signed-in person may read the directory; each agency's admins keep their own
contacts, and platform operators keep the jurisdictions.
"""

import pytest

from agencies import services
from agencies.models import Jurisdiction, Responsibility
from tests.factories import AgencyFactory, JurisdictionFactory, member_of, platform_operator, square

AGENCIES = "/api/v1/agencies/"
JURISDICTIONS = "/api/v1/jurisdictions/"


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


@pytest.fixture
def harbor_county(agency):
    """A county (0..10, 0..10) holding a city (2..4, 2..4); Harbor Police answers for both."""
    county = JurisdictionFactory(
        name="Harbor County", slug="harbor-county", level="county", boundary=square(0, 0, 10)
    )
    city = JurisdictionFactory(
        name="Port City", slug="port-city", level="municipal", boundary=square(2, 2, 2)
    )
    services.assign_responsibility(agency, county, "primary", actor=platform_operator())
    services.assign_responsibility(agency, city, "supporting", actor=platform_operator())
    return county, city


# Agencies


def test_anonymous_callers_cannot_read_the_directory(api, problem, agency):
    response = api.get(AGENCIES)

    problem(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="concord"'


def test_anyone_signed_in_reads_the_whole_directory(api_as, agency, other_agency, outsider):
    response = api_as(outsider).get(AGENCIES)

    assert response.json()["count"] == 2
    assert slugs(response) == ["esterly-fire", "harbor-police"]


def test_an_agency_shows_its_contacts_and_the_ground_it_answers_for(
    api_as, agency, harbor_county, outsider
):
    services.update_agency_contacts(
        agency,
        phone="+1 555 0100",
        contact_points=[{"label": "Duty desk", "phone": "+1 555 0111", "available_24_7": True}],
        actor=platform_operator(),
    )

    response = api_as(outsider).get(f"{AGENCIES}harbor-police/")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "slug": "harbor-police",
        "name": "Harbor Police",
        "kind": "law_enforcement",
        "parent": None,
        "is_active": True,
        "email": "",
        "phone": "+1 555 0100",
        "website": "",
        "address": "",
        "contact_points": [
            {
                "label": "Duty desk",
                "name": "",
                "email": "",
                "phone": "+1 555 0111",
                "radio": "",
                "available_24_7": True,
            }
        ],
        "responsibilities": [
            {
                "jurisdiction": "harbor-county",
                "jurisdiction_name": "Harbor County",
                "kind": "primary",
            },
            {"jurisdiction": "port-city", "jurisdiction_name": "Port City", "kind": "supporting"},
        ],
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }


def test_an_unknown_agency_is_not_found(api_as, problem, outsider):
    problem(api_as(outsider).get(f"{AGENCIES}atlantis-police/"), 404, "not_found")


def test_agencies_filter_by_kind_parent_and_jurisdiction(
    api_as, agency, other_agency, harbor_county, outsider
):
    AgencyFactory(
        name="Harbor Marine Unit", slug="harbor-marine", kind="law_enforcement", parent=agency
    )
    session = api_as(outsider)

    assert slugs(session.get(AGENCIES, {"kind": "fire"})) == ["esterly-fire"]
    assert slugs(session.get(AGENCIES, {"kind": ["fire", "law_enforcement"]})) == [
        "esterly-fire",
        "harbor-marine",
        "harbor-police",
    ]
    assert slugs(session.get(AGENCIES, {"parent": "harbor-police"})) == ["harbor-marine"]
    assert slugs(session.get(AGENCIES, {"jurisdiction": "port-city"})) == ["harbor-police"]


def test_an_administrator_keeps_their_agencys_contacts(api_as, agency, admin):
    response = api_as(admin).patch(
        f"{AGENCIES}harbor-police/",
        {"email": "desk@harbor.example", "contact_points": [{"label": "PIO", "name": "J. Reyes"}]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["email"] == "desk@harbor.example"
    assert [(point["label"], point["name"]) for point in response.json()["contact_points"]] == [
        ("PIO", "J. Reyes")
    ]
    agency.refresh_from_db()
    assert agency.email == "desk@harbor.example"


def test_only_the_agencys_administrators_change_its_contacts(
    api_as, problem, agency, admin, analyst, other_admin
):
    for person in (analyst, other_admin):
        response = api_as(person).patch(f"{AGENCIES}harbor-police/", {"phone": "+1 555 0199"})
        problem(response, 403, "not_administrator")

    agency.refresh_from_db()
    assert agency.phone == ""


def test_an_administrator_cannot_rename_their_agency(api_as, problem, agency, admin):
    response = api_as(admin).patch(f"{AGENCIES}harbor-police/", {"name": "Harbour Police"})

    body = problem(response, 400, "invalid")
    assert body["errors"] == {"name": ["Unknown or read-only field."]}
    agency.refresh_from_db()
    assert agency.name == "Harbor Police"


def test_listing_agencies_costs_the_same_for_3_or_15_agencies(
    api_as, outsider, django_assert_max_num_queries
):
    county = JurisdictionFactory(slug="county")
    session = api_as(outsider)

    def register(numbers):
        for number in numbers:
            registered = AgencyFactory()
            services.assign_responsibility(
                registered, county, "supporting", actor=platform_operator()
            )
            services.update_agency_contacts(
                registered, contact_points=[{"label": f"Desk {number}"}], actor=platform_operator()
            )

    register(range(3))
    with django_assert_max_num_queries(7) as few:
        assert session.get(AGENCIES).json()["count"] == 3

    register(range(3, 15))
    with django_assert_max_num_queries(7) as many:
        assert session.get(AGENCIES).json()["count"] == 15

    assert len(many) == len(few)


# Jurisdictions


def test_anyone_signed_in_lists_jurisdictions_with_who_answers_for_them(
    api_as, harbor_county, outsider
):
    response = api_as(outsider).get(JURISDICTIONS)

    assert slugs(response) == ["harbor-county", "port-city"]
    county = response.json()["results"][0]
    assert county["bbox"] == [0.0, 0.0, 10.0, 10.0]
    assert county["responsibilities"] == [
        {"agency": "harbor-police", "agency_name": "Harbor Police", "kind": "primary"}
    ]


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ("3,3", ["harbor-county", "port-city"]),
        ("8.5,1", ["harbor-county"]),
        ("10,10", ["harbor-county"]),
        ("-3.25,45", []),
    ],
)
def test_a_point_finds_the_jurisdictions_that_contain_it(
    api_as, harbor_county, outsider, point, expected
):
    response = api_as(outsider).get(JURISDICTIONS, {"contains": point})

    assert slugs(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize(
    ("point", "message"),
    [
        ("200,10", "point: [200.0, 10.0] is out of range (longitude -180..180, latitude -90..90)."),
        ("10,-91", "point: [10.0, -91.0] is out of range (longitude -180..180, latitude -90..90)."),
        ("east,north", "Expected 'longitude,latitude' as two numbers."),
        ("10", "Expected 'longitude,latitude'."),
        ("1,2,3", "Expected 'longitude,latitude'."),
        ("nan,5", "point: coordinates must be finite numbers."),
    ],
)
def test_a_point_that_is_not_a_place_is_refused(
    api_as, problem, harbor_county, outsider, point, message
):
    response = api_as(outsider).get(JURISDICTIONS, {"contains": point})

    body = problem(response, 400, "invalid")
    assert body["errors"] == {"contains": [message]}


def test_jurisdictions_filter_by_level_and_agency(
    api_as, problem, harbor_county, other_agency, outsider
):
    session = api_as(outsider)

    assert slugs(session.get(JURISDICTIONS, {"level": "county"})) == ["harbor-county"]
    assert slugs(session.get(JURISDICTIONS, {"agency": "harbor-police"})) == [
        "harbor-county",
        "port-city",
    ]
    assert slugs(session.get(JURISDICTIONS, {"agency": "esterly-fire"})) == []
    body = problem(session.get(JURISDICTIONS, {"level": "galaxy"}), 400, "invalid")
    assert list(body["errors"]) == ["level"]


def test_a_platform_operator_defines_a_jurisdiction(api_as, staff):
    response = api_as(staff).post(
        JURISDICTIONS,
        {
            "name": "Bay District",
            "slug": "bay-district",
            "level": "special_district",
            "code": "BD-1",
            "boundary": square(-71.5, 42.25, 0.5),
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["level"], body["code"]) == (
        "bay-district",
        "special_district",
        "BD-1",
    )
    assert body["bbox"] == [-71.5, 42.25, -71.0, 42.75]
    assert body["responsibilities"] == []
    assert list(Jurisdiction.objects.bbox_contains(-71.2, 42.5).values_list("slug", flat=True)) == [
        "bay-district"
    ]


def test_a_platform_operator_redraws_a_jurisdiction(api_as, harbor_county, staff):
    response = api_as(staff).patch(f"{JURISDICTIONS}port-city/", {"boundary": square(5, 5, 3)})

    assert response.status_code == 200, response.content
    assert response.json()["bbox"] == [5.0, 5.0, 8.0, 8.0]


def test_a_platform_operator_removes_a_jurisdiction_and_who_answered_for_it(
    api_as, harbor_county, staff, admin
):
    assert api_as(admin).delete(f"{JURISDICTIONS}port-city/").status_code == 403
    response = api_as(staff).delete(f"{JURISDICTIONS}port-city/")

    assert response.status_code == 204
    assert not Jurisdiction.objects.filter(slug="port-city").exists()
    assert not Responsibility.objects.filter(jurisdiction__slug="port-city").exists()


def test_only_platform_operators_change_jurisdictions(api_as, problem, harbor_county, admin):
    harbor = api_as(admin)
    refusal = "Only platform operators may change jurisdictions."

    created = problem(
        harbor.post(
            JURISDICTIONS,
            {"name": "Ours", "slug": "ours", "level": "municipal", "boundary": square(0, 0)},
        ),
        403,
        "permission_denied",
    )
    changed = problem(
        harbor.patch(f"{JURISDICTIONS}port-city/", {"name": "Our City"}), 403, "permission_denied"
    )

    assert (created["detail"], changed["detail"]) == (refusal, refusal)
    assert list(Jurisdiction.objects.values_list("name", flat=True)) == [
        "Harbor County",
        "Port City",
    ]


BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
UNCLOSED = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}
OFF_THE_MAP = {"type": "Polygon", "coordinates": [[[0, 0], [190, 0], [190, 1], [0, 1], [0, 0]]]}
A_POINT = {"type": "Point", "coordinates": [1, 1]}


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (BOWTIE, "The boundary is not a valid polygon: Self-intersection[1 1]."),
        (
            UNCLOSED,
            "polygon ring 0: the first and last positions must be the same (a closed ring).",
        ),
        (
            OFF_THE_MAP,
            "polygon ring 0 position 1: [190, 0] is out of range "
            "(longitude -180..180, latitude -90..90).",
        ),
        (A_POINT, "A boundary must be a GeoJSON Polygon or MultiPolygon, not 'Point'."),
    ],
    ids=["bowtie", "unclosed", "off-the-map", "point"],
)
def test_a_broken_boundary_is_refused(api_as, problem, staff, boundary, message):
    response = api_as(staff).post(
        JURISDICTIONS,
        {"name": "Broken", "slug": "broken", "level": "municipal", "boundary": boundary},
    )

    body = problem(response, 400, "invalid")
    assert body["errors"] == {"boundary": [message]}
    assert not Jurisdiction.objects.exists()


def test_listing_jurisdictions_costs_the_same_for_3_or_15(
    api_as, agency, other_agency, outsider, django_assert_max_num_queries
):
    session = api_as(outsider)

    def define(numbers):
        for number in numbers:
            jurisdiction = JurisdictionFactory(boundary=square(number, 0))
            services.assign_responsibility(
                agency, jurisdiction, "primary", actor=platform_operator()
            )
            services.assign_responsibility(
                other_agency, jurisdiction, "supporting", actor=platform_operator()
            )

    define(range(3))
    with django_assert_max_num_queries(6) as few:
        assert session.get(JURISDICTIONS).json()["count"] == 3

    define(range(3, 15))
    with django_assert_max_num_queries(6) as many:
        assert session.get(JURISDICTIONS).json()["count"] == 15

    assert len(many) == len(few)


# Me


def test_a_person_sees_the_roles_they_hold_in_each_agency(api_as, agency, other_agency):
    person = member_of(
        agency, "duty_officer", username="j.reyes", first_name="Jo", last_name="Reyes"
    )
    services.add_member(
        other_agency,
        user=person,
        role=other_agency.roles.get(slug="viewer"),
        actor=platform_operator(),
    )

    response = api_as(person).get("/api/v1/me/")

    assert response.json() == {
        "username": "j.reyes",
        "full_name": "Jo Reyes",
        "email": "j.reyes@example.org",
        "kind": "person",
        "is_platform_operator": False,
        "roles": [
            {
                "agency": "esterly-fire",
                "agency_name": "Esterly Fire",
                "role": "viewer",
                "role_name": "Viewer",
                "capabilities": ["view"],
            },
            {
                "agency": "harbor-police",
                "agency_name": "Harbor Police",
                "role": "duty_officer",
                "role_name": "Duty officer",
                "capabilities": ["command", "contribute", "share", "view"],
            },
        ],
        "api_client": None,
    }


def test_a_platform_operator_in_no_agency_holds_no_roles(api_as, staff):
    me = api_as(staff).get("/api/v1/me/").json()

    assert (me["kind"], me["is_platform_operator"], me["roles"]) == ("person", True, [])


def test_a_person_of_a_deactivated_agency_holds_no_roles_there(api_as, agency):
    person = member_of(agency, "analyst")
    services.set_agency_active(agency, False, actor=platform_operator())

    assert api_as(person).get("/api/v1/me/").json()["roles"] == []
