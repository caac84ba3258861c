"""Resource requests of an incident (ICS 213RR):
/api/v1/incidents/{incident_id}/resource-requests/."""

import django_filters
from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from incidents.api.base import IncidentChildViewSet
from incidents.api.tasks import PRIORITY_RANK, AgencyNameSerializer, PriorityRankOrdering
from incidents.models import (
    COMMON_RESOURCE_KINDS,
    MAX_QUANTITY,
    Priority,
    ResourceRequest,
    ResourceRequestStep,
    ResourceRequestWorkflow,
    ResourceStatus,
)
from incidents.services import resource_requests as verbs
from sharing import policy

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
REQUEST_PARAMETER = OpenApiParameter(
    "id", str, OpenApiParameter.PATH, description="Resource request id (UUID)"
)


class StepSerializer(serializers.Serializer):
    def get_fields(self):
        # "from" is a Python keyword, so the wire names are given here, not as attributes.
        return {
            "from": serializers.CharField(source="from_status", allow_null=True, read_only=True),
            "to": serializers.CharField(source="to_status", read_only=True),
            "agency": serializers.CharField(source="agency.slug", read_only=True),
            "note": serializers.CharField(read_only=True),
            "by": serializers.CharField(
                source="taken_by.username", allow_null=True, read_only=True
            ),
            "at": serializers.DateTimeField(source="taken_at", read_only=True),
        }

    def to_representation(self, instance):
        body = super().to_representation(instance)
        body["from"] = body["from"] or None
        return body


class ResourceRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    reference = serializers.SerializerMethodField(help_text='The number as shown: "RR-<n>"')
    requesting_agency = AgencyNameSerializer(read_only=True)
    supplying_agency = AgencyNameSerializer(read_only=True)
    delivery_point = serializers.JSONField(
        allow_null=True, read_only=True, help_text="GeoJSON Point"
    )
    steps = StepSerializer(many=True, read_only=True)
    allowed_steps = serializers.SerializerMethodField(
        help_text="The statuses the caller may move this request to now"
    )
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ResourceRequest
        fields = [
            "id",
            "number",
            "reference",
            "requesting_agency",
            "supplying_agency",
            "resource_kind",
            "resource_type",
            "quantity",
            "details",
            "needed_by",
            "delivery_location",
            "delivery_point",
            "priority",
            "status",
            "steps",
            "allowed_steps",
            "created_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    def get_reference(self, request) -> str:
        return f"RR-{request.number}"

    def get_allowed_steps(self, request) -> list[str]:
        return self.context["workflow"].moves(request, self.context["permissions"])


class ResourceRequestCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    requesting_agency = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        default=None,
        help_text="Defaults to the agency the caller acts for here",
    )
    supplying_agency = serializers.SlugRelatedField(
        slug_field="slug", queryset=Agency.objects.filter(is_active=True)
    )
    resource_kind = serializers.CharField(
        max_length=120, help_text="NIMS resource kind; see resource-requests/kinds/"
    )
    resource_type = serializers.CharField(
        max_length=120, required=False, allow_blank=True, help_text="NIMS type, e.g. Type 1"
    )
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    details = serializers.CharField(required=False, allow_blank=True)
    needed_by = serializers.DateTimeField(required=False, allow_null=True)
    delivery_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    delivery_point = serializers.JSONField(
        required=False, allow_null=True, help_text="GeoJSON Point"
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class ResourceRequestUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    resource_kind = serializers.CharField(max_length=120, required=False)
    resource_type = serializers.CharField(max_length=120, required=False, allow_blank=True)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY, required=False)
    details = serializers.CharField(required=False, allow_blank=True)
    needed_by = serializers.DateTimeField(required=False, allow_null=True)
    delivery_location = serializers.CharField(max_length=300, required=False, allow_blank=True)
    delivery_point = serializers.JSONField(
        required=False, allow_null=True, help_text="GeoJSON Point"
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class TransitionSerializer(StrictSerializerMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=ResourceStatus.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required to deny or cancel"
    )


class ResourceKindsSerializer(serializers.Serializer):
    kinds = serializers.ListField(child=serializers.CharField())


class ResourceRequestFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ResourceStatus.choices, distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    requesting_agency = django_filters.CharFilter(
        field_name="requesting_agency__slug", label="Requesting agency slug"
    )
    supplying_agency = django_filters.CharFilter(
        field_name="supplying_agency__slug", label="Supplying agency slug"
    )

    class Meta:
        model = ResourceRequest
        fields = []


class ResourceRequestViewSet(mixins.ListModelMixin, IncidentChildViewSet):
    """Requests between the agencies taking part; each step is taken by its own side."""

    queryset = ResourceRequest.objects.none()  # names the model for the schema
    serializer_class = ResourceRequestSerializer
    filterset_class = ResourceRequestFilter
    filter_backends = [DjangoFilterBackend, PriorityRankOrdering]
    ordering_fields = ["number", "needed_by", "priority", "created_at"]
    ordering = ["-number"]
    action_perms = {
        "list": "view",
        "kinds": "view",
        "create": "contribute",
        "retrieve": "view",
        "partial_update": "contribute",
        "transition": "contribute",
    }

    def base_queryset(self):
        steps = ResourceRequestStep.objects.select_related("agency", "taken_by")
        return (
            ResourceRequest.objects.select_related(
                "requesting_agency", "supplying_agency", "created_by"
            )
            .prefetch_related(Prefetch("steps", queryset=steps))
            .annotate(priority_rank=PRIORITY_RANK)
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["workflow"] = ResourceRequestWorkflow.for_reader(self.request.user)
        context["permissions"] = self.permissions if self.detail else self.incident_permissions
        return context

    def _render(self, request_obj, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=request_obj.pk)
        if self.detail:
            self.permissions = policy.permissions_on(self.request.user, fresh)
        body = ResourceRequestSerializer(fresh, context=self.get_serializer_context()).data
        return self.with_etag(Response(body, status=status_code), fresh.version)

    @extend_schema(parameters=[INCIDENT_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(parameters=[INCIDENT_PARAMETER], responses=ResourceKindsSerializer)
    @action(detail=False, methods=["get"])
    def kinds(self, request, incident_id=None):
        """Common NIMS resource kinds to offer; a request may name any other."""
        return Response({"kinds": list(COMMON_RESOURCE_KINDS)})

    @extend_schema(
        parameters=[INCIDENT_PARAMETER],
        request=ResourceRequestCreateSerializer,
        responses={201: ResourceRequestSerializer},
    )
    def create(self, request, incident_id=None):
        serializer = ResourceRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = verbs.request_resources(
            self.incident, actor=request.user, **serializer.validated_data
        )
        return self._render(created, status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER, REQUEST_PARAMETER], responses=ResourceRequestSerializer
    )
    def retrieve(self, request, incident_id=None, pk=None):
        found = self.get_object()
        body = ResourceRequestSerializer(found, context=self.get_serializer_context()).data
        return self.with_etag(Response(body), found.version)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER, REQUEST_PARAMETER],
        request=ResourceRequestUpdateSerializer,
        responses=ResourceRequestSerializer,
    )
    def partial_update(self, request, incident_id=None, pk=None):
        """Correct what is asked for while it is still only requested (requester side)."""
        found = self.get_object()
        version = self.expected_version
        serializer = ResourceRequestUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        verbs.update_request(
            found, actor=request.user, expected_version=version, **serializer.validated_data
        )
        return self._render(found)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER, REQUEST_PARAMETER],
        request=TransitionSerializer,
        responses=ResourceRequestSerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, incident_id=None, pk=None):
        """Take the next step: the supplier approves, denies, assigns and dispatches; the
        requester cancels before dispatch and confirms delivery."""
        found = self.get_object()
        version = self.expected_version
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verbs.take_step(
            found,
            serializer.validated_data["status"],
            actor=request.user,
            note=serializer.validated_data["note"],
            expected_version=version,
        )
        return self._render(found)
