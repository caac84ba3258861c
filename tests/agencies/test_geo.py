"""Jurisdiction boundaries are validated with shapely; point lookup is one indexed query."""

import pytest
from django.core.exceptions import ValidationError

from agencies import services
from agencies.geo import bounding_box, covering, parse_boundary, parse_lon_lat
from agencies.models import Jurisdiction
from tests.factories import platform_operator

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[-124.0, 46.0], [-123.0, 46.0], [-123.0, 47.0], [-124.0, 47.0], [-124.0, 46.0]]
    ],
}


def polygon(*ring):
    return {"type": "Polygon", "coordinates": [list(ring)]}


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        (
            polygon([0, 0], [2, 2], [2, 0], [0, 2], [0, 0]),
            "Self-intersection",
        ),
        (polygon([0, 0], [1, 0], [1, 1], [0, 1]), "closed ring"),
        (polygon([0, 0], [1, 0], [0, 0]), "at least four positions"),
        (polygon([0, 0], [200, 0], [200, 1], [0, 0]), "out of range"),
        (polygon([0, 0], [1, 95], [1, 1], [0, 0]), "out of range"),
        (polygon([0, 0], ["a", 0], [1, 1], [0, 0]), "finite numbers"),
        (polygon([0, 0], [float("nan"), 0], [1, 1], [0, 0]), "finite numbers"),
        ({"type": "Point", "coordinates": [0, 0]}, "not 'Point'"),
        ({"type": "Polygon"}, "list of rings"),
        ([1, 2, 3], "GeoJSON object"),
        (polygon([0, 0], [1, 0], [2, 0], [0, 0]), "not a valid polygon"),
        ({"type": "MultiPolygon", "coordinates": []}, "non-empty list"),
    ],
)
def test_broken_boundaries_are_refused_with_a_message_that_says_what_to_fix(geojson, message):
    with pytest.raises(ValidationError) as error:
        parse_boundary(geojson)
    assert message in error.value.messages[0]


def test_a_valid_polygon_and_multipolygon_are_accepted():
    assert bounding_box(parse_boundary(SQUARE)) == (-124.0, 46.0, -123.0, 47.0)
    island = [[[-125.0, 46.0], [-124.5, 46.0], [-124.5, 46.5], [-125.0, 46.0]]]
    multi = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], island]}
    assert bounding_box(parse_boundary(multi)) == (-125.0, 46.0, -123.0, 47.0)


@pytest.mark.parametrize("text", ["1", "a,b", "1,2,3", "181,0", "0,-91", "nan,0"])
def test_bad_points_are_refused(text):
    with pytest.raises(ValidationError):
        parse_lon_lat(text)


@pytest.fixture
def county(db):
    return services.define_jurisdiction(
        name="Marrow County",
        slug="marrow-county",
        level="county",
        boundary=SQUARE,
        actor=platform_operator(),
    )


@pytest.fixture
def triangle_city(db):
    """A city whose bounding box is the county's south-west quarter, but which is a triangle."""
    return services.define_jurisdiction(
        name="Port Calder",
        slug="port-calder",
        level="municipal",
        boundary=polygon([-124.0, 46.0], [-123.5, 46.0], [-124.0, 46.5], [-124.0, 46.0]),
        actor=platform_operator(),
    )


def test_the_bounding_box_is_stored_for_indexed_lookup(county):
    county.refresh_from_db()
    assert (county.min_lon, county.min_lat, county.max_lon, county.max_lat) == (
        -124.0,
        46.0,
        -123.0,
        47.0,
    )


def test_a_point_is_found_in_exactly_the_jurisdictions_that_contain_it(
    county, triangle_city, django_assert_num_queries
):
    with django_assert_num_queries(1):
        inside_both = covering(Jurisdiction.objects.bbox_contains(-123.9, 46.1), -123.9, 46.1)
    assert {j.slug for j in inside_both} == {"marrow-county", "port-calder"}

    # Inside the city's bounding box, but outside the triangle: only the exact test knows.
    in_box_only = covering(Jurisdiction.objects.bbox_contains(-123.6, 46.4), -123.6, 46.4)
    assert [j.slug for j in in_box_only] == ["marrow-county"]

    on_the_edge = covering(Jurisdiction.objects.bbox_contains(-124.0, 46.2), -124.0, 46.2)
    assert {j.slug for j in on_the_edge} == {"marrow-county", "port-calder"}

    assert covering(Jurisdiction.objects.bbox_contains(-100.0, 40.0), -100.0, 40.0) == []


def test_redrawing_a_boundary_moves_its_bounding_box(county):
    services.change_jurisdiction(
        county, boundary=polygon([10, 10], [11, 10], [11, 11], [10, 10]), actor=platform_operator()
    )
    county.refresh_from_db()
    assert (county.min_lon, county.max_lat) == (10.0, 11.0)
    assert not Jurisdiction.objects.bbox_contains(-123.5, 46.5).exists()
