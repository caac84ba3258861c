"""The incident timeline (ICS 214) on the wire: read it newest first, append to it.

Entries are never edited or deleted (no PATCH, no DELETE: 405); a correction is a new
entry. Each entry is judged under the stricter of its own and its incident's marking, so
a RED line on an AMBER incident is absent from the list, its count and every other
entry's `corrected_by` for anyone not named on the incident.
"""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from incidents.api.base import IncidentChildViewSet
from incidents.api.serializers import GeoJSONField
from incidents.models import EntryKind, TimelineEntry
from incidents.services import timeline as verbs
from sharing.markings import TLP

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
ENTRY_PARAMETER = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Entry id (UUID)")


class TimelineFilter(django_filters.FilterSet):
    """Every filter narrows the already-visible entries, so none reveals a hidden one."""

    kind = django_filters.MultipleChoiceFilter(choices=EntryKind.choices, distinct=False)
    tlp = django_filters.MultipleChoiceFilter(choices=TLP.choices, distinct=False)
    agency = django_filters.CharFilter(field_name="agency__slug", label="Agency slug")
    author = django_filters.CharFilter(field_name="author__username", label="Author's username")
    since = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", label="Occurred at or after"
    )
    before = django_filters.IsoDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", label="Occurred before"
    )

    class Meta:
        model = TimelineEntry
        fields = []


class TimelineEntrySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    author = serializers.CharField(source="author_label", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.SerializerMethodField()
    location = GeoJSONField(read_only=True, help_text="GeoJSON Point, or null")
    corrects = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True, help_text="The entry this one corrects"
    )
    corrected_by = serializers.SerializerMethodField(
        help_text="The corrections of this entry that the caller may see, oldest first"
    )

    class Meta:
        model = TimelineEntry
        fields = [
            "id",
            "kind",
            "text",
            "tlp",
            "author",
            "agency",
            "agency_name",
            "location",
            "corrects",
            "corrected_by",
            "occurred_at",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_agency_name(self, entry) -> str | None:
        return entry.agency.name if entry.agency is not None else None

    def get_corrected_by(self, entry) -> list[str]:
        return self.context["corrections"].get(entry.pk, [])


class TimelineEntryCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=EntryKind.choices, help_text="note, decision, observation or communication"
    )
    text = serializers.CharField(max_length=10000)
    tlp = serializers.ChoiceField(
        choices=TLP.choices, required=False, help_text="Defaults to the incident's marking"
    )
    occurred_at = serializers.DateTimeField(required=False, help_text="Defaults to now")
    location = GeoJSONField(required=False, allow_null=True, help_text="GeoJSON Point")
    agency = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="The agency you write for, if you belong to several",
    )
    corrects = serializers.UUIDField(required=False, help_text="The id of the entry corrected")


@extend_schema_view(
    list=extend_schema(parameters=[INCIDENT_PARAMETER]),
    retrieve=extend_schema(parameters=[INCIDENT_PARAMETER, ENTRY_PARAMETER]),
)
class TimelineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, IncidentChildViewSet):
    """The incident's log, newest first; people with contribute append to it."""

    # Names the model for the schema only; rows always come through `get_queryset`.
    queryset = TimelineEntry.objects.none()
    serializer_class = TimelineEntrySerializer
    filterset_class = TimelineFilter
    ordering_fields = ["occurred_at", "recorded_at"]
    ordering = ["-occurred_at", "-id"]
    action_perms = {"list": "view", "retrieve": "view", "create": "contribute"}

    def base_queryset(self):
        return TimelineEntry.objects.select_related("agency", "corrects")

    def get_queryset(self):
        # Built once per request: the visible set is asked again for the corrections.
        if not hasattr(self, "_visible_entries"):
            self._visible_entries = super().get_queryset()
        return self._visible_entries

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "corrections": {}}

    def _corrections(self, entries) -> dict[int, list[str]]:
        """Visible corrections of these entries: one query for the whole page."""
        found: dict[int, list[str]] = {}
        rows = (
            self.get_queryset()
            .filter(corrects_id__in=[entry.pk for entry in entries])
            .order_by("occurred_at", "id")
            .values_list("corrects_id", "public_id")
        )
        for corrected, correction in rows:
            found.setdefault(corrected, []).append(str(correction))
        return found

    def _render(self, entries, *, many: bool):
        listed = entries if many else [entries]
        context = {**self.get_serializer_context(), "corrections": self._corrections(listed)}
        return TimelineEntrySerializer(entries, many=many, context=context).data

    def list(self, request, incident_id=None):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._render(page, many=True))

    def retrieve(self, request, incident_id=None, pk=None):
        return Response(self._render(self.get_object(), many=False))

    @extend_schema(
        parameters=[INCIDENT_PARAMETER],
        request=TimelineEntryCreateSerializer,
        responses={201: TimelineEntrySerializer},
    )
    def create(self, request, incident_id=None):
        serializer = TimelineEntryCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = verbs.post_entry(self.incident, actor=request.user, **serializer.validated_data)
        return Response(self._render(entry, many=False), status=status.HTTP_201_CREATED)
