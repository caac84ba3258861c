"""Situation reports (ICS 209) on the wire: issue one, read it, check its signature.

A report is immutable, so its ETag is its digest; `verify` recomputes the digest from
what the database holds now, and `preview` shows what a report issued now would say.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from incidents.api.base import IncidentChildViewSet
from incidents.ics import sitrep
from incidents.ics.sitrep import MAX_FIGURE
from incidents.models import SituationReport
from incidents.services import sitreps as verbs
from sharing.markings import TLP

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
REPORT_PARAMETER = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="Situation report id (UUID)"
)


class SituationReportSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    author = serializers.CharField(source="author_label", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    period = serializers.SerializerMethodField(help_text="The operational period's number")

    class Meta:
        model = SituationReport
        fields = [
            "id",
            "number",
            "tlp",
            "issued_at",
            "author",
            "agency",
            "agency_name",
            "period",
            "summary",
            "digest",
        ]
        read_only_fields = fields

    def get_period(self, report) -> int | None:
        return report.period.number if report.period is not None else None


class SituationReportDetailSerializer(SituationReportSerializer):
    figures = serializers.JSONField(read_only=True)
    snapshot = serializers.JSONField(read_only=True)

    class Meta(SituationReportSerializer.Meta):
        fields = [*SituationReportSerializer.Meta.fields, "figures", "snapshot"]
        read_only_fields = fields


def _count() -> serializers.IntegerField:
    """One figure of the report: a count of people or structures, bounded."""
    return serializers.IntegerField(min_value=0, max_value=MAX_FIGURE, required=False)


class FiguresSerializer(StrictSerializerMixin, serializers.Serializer):
    fatalities = _count()
    injured = _count()
    missing = _count()
    evacuated = _count()
    sheltered = _count()
    structures_destroyed = _count()
    structures_damaged = _count()
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class SituationReportIssueSerializer(StrictSerializerMixin, serializers.Serializer):
    summary = serializers.CharField(max_length=20000, required=False, allow_blank=True)
    figures = FiguresSerializer(required=False, help_text="Casualty and damage figures")
    agency = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="The agency you issue for, if you belong to several",
    )


class VerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    digest = serializers.CharField(help_text="The digest recorded when the report was issued")
    computed = serializers.CharField(help_text="The digest of the report as it is stored now")


class PreviewSerializer(serializers.Serializer):
    tlp = serializers.ChoiceField(choices=TLP.choices)
    snapshot = serializers.JSONField()


@extend_schema_view(
    list=extend_schema(parameters=[INCIDENT_PARAMETER]),
    retrieve=extend_schema(parameters=[INCIDENT_PARAMETER, REPORT_PARAMETER]),
)
class SituationReportViewSet(mixins.ListModelMixin, IncidentChildViewSet):
    """The incident's situation reports, newest first."""

    # Names the model for the schema only; rows always come through `get_queryset`.
    queryset = SituationReport.objects.none()
    serializer_class = SituationReportSerializer
    ordering_fields = ["number", "issued_at"]
    ordering = ["-number"]
    action_perms = {
        "list": "view",
        "retrieve": "view",
        "verify": "view",
        "create": "contribute",
        "preview": "contribute",
    }

    def base_queryset(self):
        return SituationReport.objects.select_related("incident", "agency", "period")

    def _detail(self, report, status_code=status.HTTP_200_OK):
        body = SituationReportDetailSerializer(report).data
        return Response(body, status=status_code, headers={"ETag": f'"{report.digest}"'})

    def retrieve(self, request, incident_id=None, pk=None):
        return self._detail(self.get_object())

    @extend_schema(
        parameters=[INCIDENT_PARAMETER],
        request=SituationReportIssueSerializer,
        responses={201: SituationReportDetailSerializer},
    )
    def create(self, request, incident_id=None):
        serializer = SituationReportIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = verbs.issue_sitrep(self.incident, actor=request.user, **serializer.validated_data)
        return self._detail(report, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER, REPORT_PARAMETER], responses=VerificationSerializer
    )
    @action(detail=True, methods=["get"])
    def verify(self, request, incident_id=None, pk=None):
        """Whether the report still says exactly what its author signed."""
        report = self.get_object()
        computed = sitrep.compute_digest(report)
        return Response(
            {"valid": computed == report.digest, "digest": report.digest, "computed": computed}
        )

    @extend_schema(parameters=[INCIDENT_PARAMETER], responses=PreviewSerializer)
    @action(detail=False, methods=["get"])
    def preview(self, request, incident_id=None):
        """The snapshot a report issued now would carry; nothing is kept."""
        return Response(sitrep.preview(self.incident, actor=request.user))
