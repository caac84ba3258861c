"""Incident list filters. Every one narrows the already-visible queryset, so none can
reveal anything about an incident the caller may not see."""

import math

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin
from rest_framework import exceptions

from agencies.geo import parse_lon_lat
from incidents.models import Incident, IncidentStatus, IncidentType
from sharing.markings import TLP

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32


def _numbers(name: str, text: str, count: int) -> list[float]:
    parts = text.split(",")
    try:
        values = [float(part) for part in parts]
    except ValueError:
        values = []
    if len(values) != count or not all(math.isfinite(v) for v in values):
        raise exceptions.ValidationError({name: [f"Expected {count} comma-separated numbers."]})
    return values


class IncidentFilter(django_filters.FilterSet):
    # distinct=False: these columns never join, and DISTINCT over every column would sort
    # the whole visible set on disk.
    status = django_filters.MultipleChoiceFilter(choices=IncidentStatus.choices, distinct=False)
    type = django_filters.MultipleChoiceFilter(
        field_name="incident_type", choices=IncidentType.choices, distinct=False
    )
    tlp = django_filters.MultipleChoiceFilter(choices=TLP.choices, distinct=False)
    severity_min = django_filters.NumberFilter(field_name="severity", lookup_expr="gte")
    severity_max = django_filters.NumberFilter(field_name="severity", lookup_expr="lte")
    agency = django_filters.CharFilter(field_name="lead_agency__slug", label="Lead agency slug")
    exercise = django_filters.BooleanFilter(field_name="is_exercise")
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        label="Changed at or after (poll for changes with the newest updated_at you saw)",
    )
    updated_before = django_filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="lt")
    near = django_filters.CharFilter(method="filter_near", label="longitude,latitude,km")
    bbox = django_filters.CharFilter(
        method="filter_bbox", label="min longitude,min latitude,max longitude,max latitude"
    )
    search = django_filters.CharFilter(
        method="filter_search", label="Text in the reference, title or description"
    )

    class Meta:
        model = Incident
        fields = []

    def filter_near(self, queryset, name, value):
        lon, lat, km = _numbers(name, value, 3)
        try:
            parse_lon_lat(f"{lon},{lat}")
        except ValidationError as exc:
            raise exceptions.ValidationError({name: exc.messages}) from exc
        if not 0 < km <= 20000:
            raise exceptions.ValidationError({name: ["The distance must be 0 to 20,000 km."]})
        # An indexed box first, then the great-circle distance on what remains.
        dlat = km / KM_PER_DEGREE
        dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        boxed = queryset.filter(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lon - dlon,
            longitude__lte=lon + dlon,
        )
        cosine = Sin(Radians(Value(lat))) * Sin(Radians(F("latitude"))) + Cos(
            Radians(Value(lat))
        ) * Cos(Radians(F("latitude"))) * Cos(Radians(F("longitude")) - Radians(Value(lon)))
        distance = Value(EARTH_RADIUS_KM) * ACos(
            Greatest(Least(cosine, Value(1.0)), Value(-1.0)), output_field=FloatField()
        )
        return boxed.alias(distance_km=distance).filter(distance_km__lte=km)

    def filter_bbox(self, queryset, name, value):
        west, south, east, north = _numbers(name, value, 4)
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise exceptions.ValidationError(
                {name: ["Expected west,south,east,north within -180..180 and -90..90."]}
            )
        return queryset.filter(
            longitude__gte=west, longitude__lte=east, latitude__gte=south, latitude__lte=north
        )

    def filter_search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(reference__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text)
        )
