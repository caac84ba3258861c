"""The agencies taking part in an incident: /incidents/{incident_id}/participants/.

Each is addressed by its agency's slug. Reading needs view on the incident; bringing an
agency in, changing its part and taking it out need command. Agencies proposed by
jurisdiction routing are listed with status `proposed`: adding one makes it active,
deleting one dismisses the proposal.
"""

from typing import Literal

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status
from rest_framework.response import Response

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from incidents.api.base import IncidentChildViewSet
from incidents.models import Participant, ParticipantPart
from incidents.services import participants as verbs
from sharing.access import PERMS, Access
from sharing.models import AgreementStatus, ShareKind

INCIDENT_PARAMETER = OpenApiParameter(
    "incident_id", str, OpenApiParameter.PATH, description="Incident id (UUID)"
)
AGENCY_PARAMETER = OpenApiParameter(
    "agency", str, OpenApiParameter.PATH, description="The participating agency's slug"
)


class JurisdictionRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class AgreementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    status = serializers.ChoiceField(
        source="effective_status", choices=AgreementStatus.choices, read_only=True
    )


class ParticipantShareSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ShareKind.choices, read_only=True)
    level = serializers.SerializerMethodField()
    agreement = AgreementRefSerializer(read_only=True, allow_null=True)

    def get_level(self, share) -> Literal["view", "contribute", "command", "share"]:
        return Access(share.level).label


class ParticipantSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    share = ParticipantShareSerializer(
        read_only=True,
        allow_null=True,
        help_text="What the agency holds: null while it is only proposed",
    )
    routed_from = JurisdictionRefSerializer(
        read_only=True,
        allow_null=True,
        help_text="The jurisdiction whose responsibility brought the agency in",
    )
    added_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Participant
        fields = [
            "agency",
            "agency_name",
            "part",
            "status",
            "share",
            "routed_from",
            "added_by",
            "added_at",
            "version",
        ]
        read_only_fields = fields


class ParticipantCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    agency = serializers.SlugRelatedField(
        slug_field="slug", queryset=Agency.objects.filter(is_active=True)
    )
    part = serializers.ChoiceField(choices=ParticipantPart.choices)
    level = serializers.ChoiceField(
        choices=list(PERMS),
        required=False,
        help_text="The share's level; by default what the part needs",
    )
    break_glass = serializers.BooleanField(required=False, default=False)
    justification = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if "level" in attrs:
            attrs["level"] = Access.named(attrs["level"])
        return attrs


class ParticipantUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    part = serializers.ChoiceField(choices=ParticipantPart.choices)


@extend_schema_view(
    list=extend_schema(parameters=[INCIDENT_PARAMETER]),
    create=extend_schema(
        parameters=[INCIDENT_PARAMETER],
        request=ParticipantCreateSerializer,
        responses={201: ParticipantSerializer},
    ),
    retrieve=extend_schema(parameters=[INCIDENT_PARAMETER, AGENCY_PARAMETER]),
    partial_update=extend_schema(
        parameters=[INCIDENT_PARAMETER, AGENCY_PARAMETER],
        request=ParticipantUpdateSerializer,
        responses=ParticipantSerializer,
    ),
    destroy=extend_schema(
        parameters=[INCIDENT_PARAMETER, AGENCY_PARAMETER], request=None, responses={204: None}
    ),
)
class ParticipantViewSet(mixins.ListModelMixin, IncidentChildViewSet):
    """Who takes part, in which part, under which share; command brings agencies in."""

    queryset = Participant.objects.none()
    serializer_class = ParticipantSerializer
    lookup_field = "agency__slug"
    lookup_url_kwarg = "agency"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    ordering_fields = ["added_at"]
    ordering = ["added_at", "id"]
    action_perms = {
        "list": "view",
        "create": "command",
        "retrieve": "view",
        "partial_update": "command",
        "destroy": "command",
    }

    def base_queryset(self):
        return Participant.objects.select_related(
            "agency", "share__agreement", "routed_from", "added_by"
        )

    def get_object(self):
        """A participant is judged on its incident: it has no marking of its own."""
        participant = generics.get_object_or_404(
            self.filter_queryset(self.get_queryset()), agency__slug=self.kwargs["agency"]
        )
        return self.checked(participant, judged_on=self.incident)

    def _render(self, participant, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=participant.pk)
        body = ParticipantSerializer(fresh).data
        return self.with_etag(Response(body, status=status_code), fresh.version)

    def create(self, request, incident_id=None):
        """Bring an agency in (or make a proposed one active): also a share of the incident."""
        serializer = ParticipantCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        participant = verbs.add_participant(
            self.incident, actor=request.user, **serializer.validated_data
        )
        return self._render(participant, status.HTTP_201_CREATED)

    def retrieve(self, request, incident_id=None, agency=None):
        return self._render(self.get_object())

    def partial_update(self, request, incident_id=None, agency=None):
        """Change the agency's part; send If-Match with the ETag you read."""
        participant = self.get_object()
        version = self.expected_version
        serializer = ParticipantUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verbs.change_part(
            participant,
            actor=request.user,
            part=serializer.validated_data["part"],
            expected_version=version,
        )
        return self._render(participant)

    def destroy(self, request, incident_id=None, agency=None):
        """Take the agency out (its access ends at once), or dismiss its proposal."""
        participant = self.get_object()
        verbs.remove_participant(
            participant, actor=request.user, expected_version=self.expected_version
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
