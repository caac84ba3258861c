"""GeoJSON validation and point-in-jurisdiction lookup, with shapely.

Boundaries arrive from people and partner systems; a broken polygon would make every
later "who is responsible here" answer wrong, so it is refused with a message that says
what to fix. Coordinates are WGS 84 longitude, latitude (RFC 7946 order).
"""

import math
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from shapely import Point
from shapely.errors import GEOSException
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

BOUNDARY_TYPES = ("Polygon", "MultiPolygon")


def _check_position(position: Any, where: str) -> None:
    if not isinstance(position, list | tuple) or len(position) not in (2, 3):
        raise ValidationError(
            f"{where}: a position must be [longitude, latitude].", code="invalid_position"
        )
    for value in position:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise ValidationError(
                f"{where}: coordinates must be finite numbers.", code="invalid_position"
            )
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180 or not -90 <= lat <= 90:
        raise ValidationError(
            f"{where}: [{lon}, {lat}] is out of range (longitude -180..180, latitude -90..90).",
            code="out_of_range",
        )


def _check_rings(polygon: Any, where: str) -> None:
    if not isinstance(polygon, list) or not polygon:
        raise ValidationError(f"{where}: a polygon is a list of rings.", code="invalid_geometry")
    for ring_index, ring in enumerate(polygon):
        ring_where = f"{where} ring {ring_index}"
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(
                f"{ring_where}: a ring needs at least four positions.", code="invalid_geometry"
            )
        for position_index, position in enumerate(ring):
            _check_position(position, f"{ring_where} position {position_index}")
        if list(ring[0]) != list(ring[-1]):
            raise ValidationError(
                f"{ring_where}: the first and last positions must be the same (a closed ring).",
                code="ring_not_closed",
            )


def parse_boundary(geojson: Any) -> BaseGeometry:
    """Validate a GeoJSON Polygon/MultiPolygon and return it as a shapely geometry."""
    if not isinstance(geojson, dict):
        raise ValidationError("A boundary must be a GeoJSON object.", code="invalid_geometry")
    kind = geojson.get("type")
    if kind not in BOUNDARY_TYPES:
        raise ValidationError(
            f"A boundary must be a GeoJSON Polygon or MultiPolygon, not {kind!r}.",
            code="invalid_geometry_type",
        )
    coordinates = geojson.get("coordinates")
    if kind == "Polygon":
        _check_rings(coordinates, "polygon")
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(
                "A MultiPolygon is a non-empty list of polygons.", code="invalid_geometry"
            )
        for index, polygon in enumerate(coordinates):
            _check_rings(polygon, f"polygon {index}")
    try:
        geometry = shape(geojson)
    except (GEOSException, ValueError, TypeError, IndexError) as exc:
        raise ValidationError(
            f"The boundary is not valid geometry: {exc}", code="invalid_geometry"
        ) from exc
    if not geometry.is_empty and not geometry.is_valid:
        raise ValidationError(
            f"The boundary is not a valid polygon: {explain_validity(geometry)}.",
            code="invalid_geometry",
        )
    if geometry.is_empty or geometry.area == 0:
        raise ValidationError("The boundary encloses no area.", code="invalid_geometry")
    return geometry


def bounding_box(geometry: BaseGeometry) -> tuple[float, float, float, float]:
    """(min_lon, min_lat, max_lon, max_lat)."""
    return tuple(float(value) for value in geometry.bounds)


def parse_lon_lat(text: str) -> tuple[float, float]:
    """Parse "lon,lat" from a query string, with the same range rules as boundaries."""
    parts = text.split(",")
    if len(parts) != 2:
        raise ValidationError("Expected 'longitude,latitude'.", code="invalid_position")
    try:
        lon, lat = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValidationError(
            "Expected 'longitude,latitude' as two numbers.", code="invalid_position"
        ) from None
    _check_position([lon, lat], "point")
    return lon, lat


def covering(
    candidates: Iterable[Any], lon: float, lat: float, boundary_attr: str = "boundary"
) -> list[Any]:
    """The candidates whose boundary covers the point (a point on the edge counts)."""
    point = Point(lon, lat)
    return [item for item in candidates if shape(getattr(item, boundary_attr)).covers(point)]


def parse_point(geojson: Any) -> tuple[float, float]:
    """Validate a GeoJSON Point and return its (longitude, latitude)."""
    if not isinstance(geojson, dict) or geojson.get("type") != "Point":
        raise ValidationError(
            'A location must be a GeoJSON Point: {"type": "Point", "coordinates": [lon, lat]}.',
            code="invalid_geometry_type",
        )
    position = geojson.get("coordinates")
    _check_position(position, "point")
    return float(position[0]), float(position[1])
