"""ICS positions (ICS 203/207) of an operational period and its organization chart."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from coordination.errors import NotFound
from incidents.api.base import IncidentChildViewSet
from incidents.error_codes import IncidentErrorCode as Code
from incidents.ics.orgchart import org_chart
from incidents.models import Position, PositionKind
from incidents.services import command as verbs

User = get_user_model()

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
POSITION_PARAMETER = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="Position id (UUID)"
)
PERIOD_QUERY = OpenApiParameter(
    "period",
    int,
    OpenApiParameter.QUERY,
    required=False,
    description="Operational period number (default: the current period)",
)


class PositionHolderSerializer(serializers.Serializer):
    username = serializers.CharField(source="get_username")
    full_name = serializers.CharField(source="get_full_name")


class PositionAgencySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PositionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    period = serializers.IntegerField(source="period.number", read_only=True)
    title = serializers.CharField(source="get_kind_display", read_only=True)
    person = PositionHolderSerializer(read_only=True)
    agency = PositionAgencySerializer(read_only=True)
    reports_to = serializers.UUIDField(
        source="reports_to.public_id", read_only=True, allow_null=True
    )
    assigned_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Position
        fields = [
            "id",
            "period",
            "kind",
            "title",
            "name",
            "person",
            "agency",
            "reports_to",
            "assigned_by",
            "assigned_at",
            "version",
        ]
        read_only_fields = fields


class PositionUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    person = serializers.CharField(max_length=150, required=False, help_text="A username")
    agency = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        help_text="Optional when the person belongs to one participating agency only",
    )
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)


class PositionCreateSerializer(PositionUpdateSerializer):
    period = serializers.IntegerField(
        min_value=1, required=False, help_text="Period number (default: the current period)"
    )
    kind = serializers.ChoiceField(choices=PositionKind.choices)
    person = serializers.CharField(max_length=150, help_text="A username")
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    reports_to = serializers.UUIDField(
        required=False,
        help_text="For branches, divisions and groups: the position they report to "
        "(default: the operations section chief)",
    )


class OrgPersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class OrgNodeSerializer(serializers.Serializer):
    """One post of the chart; `children` holds nodes of this same shape."""

    id = serializers.UUIDField(allow_null=True)
    kind = serializers.CharField()
    title = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    person = OrgPersonSerializer(allow_null=True)
    agency = PositionAgencySerializer(allow_null=True)
    children = serializers.ListField(child=serializers.DictField())


class OrgChartRootSerializer(OrgNodeSerializer):
    unified = serializers.BooleanField()
    commanders = OrgNodeSerializer(many=True)
    deputy = OrgNodeSerializer(allow_null=True)


class OrgChartSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    root = OrgChartRootSerializer()


@extend_schema(parameters=[INCIDENT_PARAMETER])
class PositionViewSet(IncidentChildViewSet):
    """Who holds which ICS post in a period, for which agency."""

    serializer_class = PositionSerializer
    action_perms = {
        "list": "view",
        "retrieve": "view",
        "create": "command",
        "partial_update": "command",
        "destroy": "command",
        "org_chart": "view",
    }

    def allowed_query_params(self) -> set[str]:
        return super().allowed_query_params() | {"period"}

    def base_queryset(self):
        return Position.objects.select_related(
            "period", "person", "agency", "reports_to", "assigned_by"
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Position.objects.none()
        return super().get_queryset()

    def incident_filter(self) -> dict:
        return {"period__incident": self.incident}

    def _period(self, number):
        """The incident's period by number, or its current one."""
        periods = self.incident.periods.all()
        if number in (None, ""):
            period = periods.filter(is_current=True).first()
            if period is None:
                raise NotFound(
                    Code.NO_CURRENT_PERIOD, "The incident has no operational period yet."
                )
            return period
        if not str(number).isdigit():
            raise ValidationError({"period": ["A period number."]})
        period = periods.filter(number=int(number)).first()
        if period is None:
            raise NotFound(Code.PERIOD_NOT_FOUND, f"There is no operational period {number}.")
        return period

    def _person(self, username):
        person = User.objects.filter(username=username).first()
        if person is None:
            raise ValidationError({"person": [f"No person has the username {username!r}."]})
        return person

    def _render(self, position, status_code=status.HTTP_200_OK):
        fresh = self.base_queryset().get(pk=position.pk)
        response = Response(PositionSerializer(fresh).data, status=status_code)
        return self.with_etag(response, fresh.version)

    @extend_schema(parameters=[PERIOD_QUERY], responses=PositionSerializer(many=True))
    def list(self, request, incident_id=None):
        period = self._period(request.query_params.get("period"))
        positions = self.filter_queryset(self.get_queryset().filter(period=period))
        page = self.paginate_queryset(positions.order_by("kind", "name", "id"))
        return self.get_paginated_response(PositionSerializer(page, many=True).data)

    @extend_schema(request=PositionCreateSerializer, responses={201: PositionSerializer})
    def create(self, request, incident_id=None):
        serializer = PositionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period = self._period(data.get("period"))
        reports_to = None
        if "reports_to" in data:
            reports_to = period.positions.filter(public_id=data["reports_to"]).first()
            if reports_to is None:
                raise ValidationError({"reports_to": ["No position of this period has that id."]})
        position = verbs.fill_position(
            period,
            actor=request.user,
            kind=data["kind"],
            person=self._person(data["person"]),
            agency=data.get("agency"),
            name=data["name"],
            reports_to=reports_to,
        )
        return self._render(position, status.HTTP_201_CREATED)

    @extend_schema(parameters=[POSITION_PARAMETER], responses=PositionSerializer)
    def retrieve(self, request, incident_id=None, pk=None):
        position = self.get_object()
        return self.with_etag(Response(PositionSerializer(position).data), position.version)

    @extend_schema(
        parameters=[POSITION_PARAMETER],
        request=PositionUpdateSerializer,
        responses=PositionSerializer,
    )
    def partial_update(self, request, incident_id=None, pk=None):
        position = self.get_object()
        version = self.expected_version
        serializer = PositionUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        verbs.reassign_position(
            position,
            actor=request.user,
            expected_version=version,
            person=self._person(data["person"]) if "person" in data else None,
            agency=data.get("agency"),
            name=data.get("name"),
        )
        return self._render(position)

    @extend_schema(parameters=[POSITION_PARAMETER], responses={204: None})
    def destroy(self, request, incident_id=None, pk=None):
        position = self.get_object()
        verbs.vacate_position(position, actor=request.user, expected_version=self.expected_version)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[PERIOD_QUERY], responses=OrgChartSerializer)
    @action(detail=False, methods=["get"], url_path="org-chart")
    def org_chart(self, request, incident_id=None):
        """The period's organization chart as a tree, command at the root."""
        unknown = sorted(set(request.query_params) - {"period", "format"})
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})
        return Response(org_chart(self._period(request.query_params.get("period"))))
