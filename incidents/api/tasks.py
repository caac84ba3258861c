"""Tasks of an incident (ICS 204): /api/v1/incidents/{incident_id}/tasks/."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Case, IntegerField, Q, Value, When
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.response import Response

from agencies.access import member_agencies
from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from coordination.errors import Invalid
from incidents.api.base import IncidentChildViewSet
from incidents.error_codes import IncidentErrorCode as Code
from incidents.models import Priority, Task, TaskStatus, TaskWorkflow
from incidents.services import tasks as verbs
from sharing import policy

User = get_user_model()

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
TASK_PARAMETER = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Task id (UUID)")

PRIORITY_RANK = Case(
    *(When(priority=value, then=Value(rank)) for rank, value in enumerate(Priority.values)),
    output_field=IntegerField(),
)


class PriorityRankOrdering(OrderingFilter):
    """`ordering=priority` sorts by urgency (low < normal < high < urgent), not by the
    spelling of the value; ties fall back to the newest first so pages are stable."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        ranked = [term.replace("priority", "priority_rank") for term in ordering]
        return [*ranked, "-id"] if "-id" not in ranked else ranked


class AgencyNameSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class TaskSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    assigned_agency = AgencyNameSerializer(allow_null=True, read_only=True)
    assigned_person = serializers.SlugRelatedField(slug_field="username", read_only=True)
    period = serializers.SerializerMethodField(help_text="Operational period number")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    can_update = serializers.SerializerMethodField(
        help_text="Whether the caller may change this task's status"
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "title",
            "details",
            "assigned_agency",
            "assigned_person",
            "due_at",
            "priority",
            "status",
            "status_note",
            "period",
            "created_by",
            "created_at",
            "updated_at",
            "version",
            "can_update",
        ]
        read_only_fields = fields

    def get_period(self, task) -> int | None:
        return task.period.number if task.period is not None else None

    def get_can_update(self, task) -> bool:
        return self.context["workflow"].may_move(task, self.context["permissions"])


class TaskWriteSerializer(StrictSerializerMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    details = serializers.CharField(required=False, allow_blank=True)
    assigned_agency = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Slug of an agency taking part",
    )
    assigned_person = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        help_text="Username of an active member of an agency taking part",
    )
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    period = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text="Operational period number"
    )


class TaskStatusSerializer(StrictSerializerMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Required when blocked"
    )


class TaskFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=TaskStatus.choices, distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    assigned_agency = django_filters.CharFilter(
        field_name="assigned_agency__slug", label="Assigned agency slug"
    )
    assigned_person = django_filters.CharFilter(
        field_name="assigned_person__username", label="Assigned person's username"
    )
    period = django_filters.NumberFilter(field_name="period__number", label="Period number")
    mine = django_filters.BooleanFilter(
        method="filter_mine", label="Only tasks assigned to me or to one of my agencies"
    )

    class Meta:
        model = Task
        fields = []

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        user = self.request.user
        return queryset.filter(
            Q(assigned_person=user) | Q(assigned_agency__in=member_agencies(user))
        )


def _person(username: str | None):
    """The person named by username; an unknown name reads as one who takes no part."""
    if username is None:
        return None
    person = User.objects.filter(username=username, is_active=True).first()
    if person is None:
        raise Invalid(
            Code.NOT_A_PARTICIPANT,
            f"{username} is not an active member of an agency taking part.",
            field="assigned_person",
        )
    return person


class TaskViewSet(mixins.ListModelMixin, IncidentChildViewSet):
    """The incident's tasks; command assigns them, the assignees move them along."""

    queryset = Task.objects.none()  # names the model for the schema; rows come from base_queryset
    serializer_class = TaskSerializer
    filterset_class = TaskFilter
    filter_backends = [DjangoFilterBackend, PriorityRankOrdering]
    ordering_fields = ["due_at", "priority", "created_at"]
    ordering = ["-created_at", "-id"]
    action_perms = {
        "list": "view",
        "create": "command",
        "retrieve": "view",
        "partial_update": "command",
        "status": "contribute",
    }

    def base_queryset(self):
        return Task.objects.select_related(
            "assigned_agency", "assigned_person", "period", "created_by"
        ).annotate(priority_rank=PRIORITY_RANK)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["workflow"] = TaskWorkflow.for_reader(self.request.user)
        context["permissions"] = self.permissions if self.detail else self.incident_permissions
        return context

    def _render(self, task, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=task.pk)
        if self.detail:
            self.permissions = policy.permissions_on(self.request.user, fresh)
        body = TaskSerializer(fresh, context=self.get_serializer_context()).data
        return self.with_etag(Response(body, status=status_code), fresh.version)

    @extend_schema(parameters=[INCIDENT_PARAMETER])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER],
        request=TaskWriteSerializer,
        responses={201: TaskSerializer},
    )
    def create(self, request, incident_id=None):
        serializer = TaskWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["assigned_person"] = _person(data.get("assigned_person"))
        task = verbs.create_task(self.incident, actor=request.user, **data)
        return self._render(task, status.HTTP_201_CREATED)

    @extend_schema(parameters=[INCIDENT_PARAMETER, TASK_PARAMETER], responses=TaskSerializer)
    def retrieve(self, request, incident_id=None, pk=None):
        task = self.get_object()
        body = TaskSerializer(task, context=self.get_serializer_context()).data
        return self.with_etag(Response(body), task.version)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER, TASK_PARAMETER],
        request=TaskWriteSerializer,
        responses=TaskSerializer,
    )
    def partial_update(self, request, incident_id=None, pk=None):
        """Edit or reassign; naming either assignee replaces the whole assignment."""
        task = self.get_object()
        version = self.expected_version
        serializer = TaskWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "assigned_person" in changes:
            changes["assigned_person"] = _person(changes["assigned_person"])
        verbs.update_task(task, actor=request.user, expected_version=version, **changes)
        return self._render(task)

    @extend_schema(
        parameters=[INCIDENT_PARAMETER, TASK_PARAMETER],
        request=TaskStatusSerializer,
        responses=TaskSerializer,
    )
    @action(detail=True, methods=["post"])
    def status(self, request, incident_id=None, pk=None):
        """Move the task along: command, or the person or agency it is assigned to."""
        task = self.get_object()
        version = self.expected_version
        serializer = TaskStatusSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verbs.change_task_status(
            task,
            serializer.validated_data["status"],
            actor=request.user,
            note=serializer.validated_data["note"],
            expected_version=version,
        )
        return self._render(task)
