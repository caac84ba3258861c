"""Operational periods (ICS 202) of an incident and their IAP: parse, call a verb, render."""

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from coordination.api import StrictSerializerMixin
from incidents.api.base import IncidentChildViewSet
from incidents.ics.plan import build_iap
from incidents.models import Objective, ObjectiveStatus, OperationalPeriod
from incidents.services import command as verbs
from incidents.services.incidents import record_view

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
PERIOD_PARAMETER = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="Operational period id (UUID)"
)


class ObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objective
        fields = ["order", "text", "status"]
        read_only_fields = fields


class PeriodSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    objectives = ObjectiveSerializer(many=True, read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = OperationalPeriod
        fields = [
            "id",
            "number",
            "starts_at",
            "ends_at",
            "is_current",
            "command_emphasis",
            "situational_awareness",
            "weather",
            "safety_message",
            "objectives",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class ObjectiveInputSerializer(StrictSerializerMixin, serializers.Serializer):
    text = serializers.CharField(max_length=2000)
    status = serializers.ChoiceField(choices=ObjectiveStatus.choices, default=ObjectiveStatus.OPEN)


class PeriodUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    starts_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(required=False)
    command_emphasis = serializers.CharField(required=False, allow_blank=True)
    situational_awareness = serializers.CharField(required=False, allow_blank=True)
    weather = serializers.CharField(required=False, allow_blank=True)
    safety_message = serializers.CharField(required=False, allow_blank=True)
    objectives = ObjectiveInputSerializer(
        many=True, required=False, help_text="The whole ordered list; replaces the current one"
    )


class PeriodCreateSerializer(PeriodUpdateSerializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    carry_over = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Copy the previous period's positions and its unfinished objectives",
    )


class IapPartySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class IapPersonSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()


class IapHeaderSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reference = serializers.CharField()
    title = serializers.CharField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    severity = serializers.IntegerField()
    tlp = serializers.CharField()
    lead_agency = IapPartySerializer()
    is_exercise = serializers.BooleanField()


class IapPeriodSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    is_current = serializers.BooleanField()


class IapObjectiveSerializer(serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()


class Ics202Serializer(serializers.Serializer):
    objectives = IapObjectiveSerializer(many=True)
    command_emphasis = serializers.CharField()
    situational_awareness = serializers.CharField()
    weather = serializers.CharField()
    safety_message = serializers.CharField()


class IapAgencySerializer(IapPartySerializer):
    part = serializers.CharField()


class IapPositionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    kind = serializers.CharField()
    title = serializers.CharField()
    name = serializers.CharField()
    person = IapPersonSerializer()
    agency = IapPartySerializer()


class Ics203Serializer(serializers.Serializer):
    agencies = IapAgencySerializer(many=True)
    positions = IapPositionSerializer(many=True)


class IapTaskSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    details = serializers.CharField()
    priority = serializers.CharField()
    priority_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)


class Ics204Serializer(serializers.Serializer):
    assignee = serializers.CharField()
    agency = IapPartySerializer(allow_null=True)
    person = IapPersonSerializer(allow_null=True)
    tasks = IapTaskSerializer(many=True)


class IapSerializer(serializers.Serializer):
    incident = IapHeaderSerializer()
    period = IapPeriodSerializer()
    prepared_at = serializers.DateTimeField()
    ics_202 = Ics202Serializer()
    ics_203 = Ics203Serializer()
    ics_204 = Ics204Serializer(many=True)


def _texts(data: dict) -> dict:
    """The verb's keyword arguments: objectives as the verb's own value objects."""
    data = dict(data)
    if "objectives" in data:
        data["objectives"] = [verbs.ObjectiveInput(**item) for item in data["objectives"]]
    return data


@extend_schema(parameters=[INCIDENT_PARAMETER])
class PeriodViewSet(IncidentChildViewSet):
    """An incident's operational periods in time order; exactly one is current."""

    serializer_class = PeriodSerializer
    action_perms = {
        "list": "view",
        "retrieve": "view",
        "create": "command",
        "partial_update": "command",
        "activate": "command",
        "iap": "view",
    }

    def base_queryset(self):
        return OperationalPeriod.objects.select_related("created_by").prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("order"))
        )

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return OperationalPeriod.objects.none()
        return super().get_queryset()

    def _render(self, period, status_code=status.HTTP_200_OK):
        fresh = self.base_queryset().get(pk=period.pk)
        response = Response(PeriodSerializer(fresh).data, status=status_code)
        return self.with_etag(response, fresh.version)

    @extend_schema(responses=PeriodSerializer(many=True))
    def list(self, request, incident_id=None):
        periods = self.get_queryset().order_by("starts_at")
        page = self.paginate_queryset(periods)
        return self.get_paginated_response(PeriodSerializer(page, many=True).data)

    @extend_schema(request=PeriodCreateSerializer, responses={201: PeriodSerializer})
    def create(self, request, incident_id=None):
        serializer = PeriodCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = verbs.open_period(
            self.incident, actor=request.user, **_texts(serializer.validated_data)
        )
        return self._render(period, status.HTTP_201_CREATED)

    @extend_schema(parameters=[PERIOD_PARAMETER], responses=PeriodSerializer)
    def retrieve(self, request, incident_id=None, pk=None):
        period = self.get_object()
        return self.with_etag(Response(PeriodSerializer(period).data), period.version)

    @extend_schema(
        parameters=[PERIOD_PARAMETER], request=PeriodUpdateSerializer, responses=PeriodSerializer
    )
    def partial_update(self, request, incident_id=None, pk=None):
        period = self.get_object()
        version = self.expected_version
        serializer = PeriodUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        verbs.update_period(
            period,
            actor=request.user,
            expected_version=version,
            **_texts(serializer.validated_data),
        )
        return self._render(period)

    @extend_schema(parameters=[PERIOD_PARAMETER], request=None, responses=PeriodSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, incident_id=None, pk=None):
        """Make this the current operational period."""
        period = self.get_object()
        verbs.activate_period(period, actor=request.user, expected_version=self.expected_version)
        return self._render(period)

    @extend_schema(parameters=[PERIOD_PARAMETER], responses=IapSerializer)
    @action(detail=True, methods=["get"])
    def iap(self, request, incident_id=None, pk=None):
        """The period's Incident Action Plan: ICS 202, 203 and 204 under the incident's
        marking."""
        period = self.get_object()
        period.incident = self.incident
        record_view(self.incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
        return Response(IapSerializer(build_iap(period)).data)
