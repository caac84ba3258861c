"""Query filters for the agencies endpoints (django-filter)."""

import django_filters
from django.core.exceptions import ValidationError
from rest_framework import exceptions

from agencies.geo import covering, parse_lon_lat
from agencies.models import (
    Agency,
    AgencyKind,
    ApiClient,
    Jurisdiction,
    JurisdictionLevel,
    Membership,
    Role,
)


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=AgencyKind.choices)
    parent = django_filters.CharFilter(field_name="parent__slug")
    is_active = django_filters.BooleanFilter()
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains")
    jurisdiction = django_filters.CharFilter(field_name="jurisdictions__slug", distinct=True)

    class Meta:
        model = Agency
        fields = ["kind", "parent", "is_active", "name", "jurisdiction"]


class JurisdictionFilter(django_filters.FilterSet):
    level = django_filters.MultipleChoiceFilter(choices=JurisdictionLevel.choices)
    agency = django_filters.CharFilter(field_name="agencies__slug", distinct=True)
    contains = django_filters.CharFilter(
        method="filter_contains", label="Contains the point 'longitude,latitude'"
    )

    class Meta:
        model = Jurisdiction
        fields = ["level", "agency", "contains"]

    def filter_contains(self, queryset, name, value):
        try:
            lon, lat = parse_lon_lat(value)
        except ValidationError as exc:
            raise exceptions.ValidationError({"contains": exc.messages}) from exc
        candidates = queryset.bbox_contains(lon, lat).only("pk", "boundary")
        return queryset.filter(pk__in=[item.pk for item in covering(candidates, lon, lat)])


class MembershipFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__slug")
    role = django_filters.CharFilter(field_name="role__slug")
    user = django_filters.CharFilter(field_name="user__username")
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Membership
        fields = ["agency", "role", "user", "is_active"]


class RoleFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__slug")
    is_builtin = django_filters.BooleanFilter()

    class Meta:
        model = Role
        fields = ["agency", "is_builtin"]


class ApiClientFilter(django_filters.FilterSet):
    agency = django_filters.CharFilter(field_name="agency__slug")
    role = django_filters.CharFilter(field_name="role__slug")
    revoked = django_filters.BooleanFilter(
        field_name="revoked_at", lookup_expr="isnull", exclude=True
    )

    class Meta:
        model = ApiClient
        fields = ["agency", "role", "revoked"]
