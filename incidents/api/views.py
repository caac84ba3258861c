"""The incident endpoints: parse, look up through the visibility policy, call a verb."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coordination.concurrency import etag
from coordination.errors import NotFound
from incidents.api.filters import IncidentFilter
from incidents.api.serializers import (
    IncidentCreateSerializer,
    IncidentDetailSerializer,
    IncidentSerializer,
    IncidentUpdateSerializer,
    ShareRequestSerializer,
    ShareSerializer,
    SharesSerializer,
    StatusRequestSerializer,
    agreement_reference,
)
from incidents.models import Incident
from incidents.services import incidents as verbs
from incidents.services import sharing as sharing_verbs
from sharing import grants, policy
from sharing.api.base import SharedObjectViewSet
from sharing.error_codes import SharingErrorCode

User = get_user_model()

ID_PARAMETER = OpenApiParameter("id", str, OpenApiParameter.PATH, description="Incident id (UUID)")


class IncidentViewSet(mixins.ListModelMixin, SharedObjectViewSet):
    """Incidents the caller may see; `updated_since` lets a partner poll for changes."""

    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    ordering_fields = ["reference", "created_at", "updated_at", "severity", "status", "title"]
    ordering = ["-updated_at", "-id"]
    action_perms = {
        "list": "view",
        "create": "contribute",
        "retrieve": "view",
        "partial_update": "command",
        "status": "command",
        "shares:get": "view",
        "shares:post": "share",
        "revoke_share": "share",
        "revoke_person": "share",
    }
    unversioned_actions = frozenset({"shares", "revoke_share", "revoke_person"})

    def base_queryset(self):
        incidents = Incident.objects.select_related("lead_agency", "created_by", "updated_by")
        if self.action != "list":
            incidents = incidents.prefetch_related("status_changes__changed_by")
        return incidents

    def _detail(self, incident, status_code=status.HTTP_200_OK):
        """The incident as it is now, with what the caller may do to it now."""
        fresh = self.get_queryset().get(pk=incident.pk)
        permissions = policy.permissions_on(self.request.user, fresh)
        return self._render(fresh, permissions, status_code)

    def _render(self, incident, permissions, status_code=status.HTTP_200_OK):
        body = IncidentDetailSerializer(incident, context={"permissions": permissions}).data
        return Response(body, status=status_code, headers={"ETag": etag(incident.version)})

    @extend_schema(request=IncidentCreateSerializer, responses={201: IncidentDetailSerializer})
    def create(self, request):
        serializer = IncidentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["incident_type"] = data.pop("type")
        incident = verbs.open_incident(actor=request.user, **data)
        return self._detail(incident, status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID_PARAMETER], responses=IncidentDetailSerializer)
    def retrieve(self, request, id=None):
        incident = self.get_object()
        verbs.record_view(incident, actor=request.user, ip_address=request.META.get("REMOTE_ADDR"))
        return self._render(incident, self.permissions)

    @extend_schema(
        parameters=[ID_PARAMETER],
        request=IncidentUpdateSerializer,
        responses=IncidentDetailSerializer,
    )
    def partial_update(self, request, id=None):
        incident = self.get_object()
        version = self.expected_version
        serializer = IncidentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        if "type" in changes:
            changes["incident_type"] = changes.pop("type")
        verbs.update_incident(incident, actor=request.user, expected_version=version, **changes)
        return self._detail(incident)

    @extend_schema(
        parameters=[ID_PARAMETER],
        request=StatusRequestSerializer,
        responses=IncidentDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def status(self, request, id=None):
        """Move the incident along reported -> active -> contained -> closed (or reopen)."""
        incident = self.get_object()
        version = self.expected_version
        serializer = StatusRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verbs.change_status(
            incident,
            serializer.validated_data["status"],
            actor=request.user,
            reason=serializer.validated_data["reason"],
            expected_version=version,
        )
        return self._detail(incident)

    def _shares(self, incident):
        agency_shares = incident.shares.select_related("agency", "agreement", "granted_by")
        named_grants = grants.named_grants(incident)
        people = User.objects.in_bulk([grant.user_id for grant in named_grants])
        named = [
            {
                "person": people[grant.user_id].get_username(),
                "level": grant.level.label,
                "agreement": agreement_reference(grant.agreement),
            }
            for grant in named_grants
        ]
        return {
            "agencies": ShareSerializer(agency_shares.order_by("granted_at", "id"), many=True).data,
            "people": sorted(named, key=lambda grant: grant["person"]),
        }

    @extend_schema(methods=["GET"], parameters=[ID_PARAMETER], responses=SharesSerializer)
    @extend_schema(
        methods=["POST"],
        parameters=[ID_PARAMETER],
        request=ShareRequestSerializer,
        responses={201: SharesSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def shares(self, request, id=None):
        """Who has this incident and at what level; share with an agency or a person."""
        incident = self.get_object()
        if request.method == "GET":
            return Response(self._shares(incident))
        serializer = ShareRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        common = {
            "actor": request.user,
            "level": data["level"],
            "break_glass": data["break_glass"],
            "justification": data["justification"],
        }
        if "agency" in data:
            sharing_verbs.share_incident(
                incident, agency=data["agency"], roles=data.get("roles"), **common
            )
        else:
            person = User.objects.filter(username=data["person"], is_active=True).first()
            if person is None:
                raise ValidationError(
                    {"person": [f"No person has the username {data['person']!r}."]}
                )
            sharing_verbs.grant_person(incident, person=person, **common)
        return Response(self._shares(incident), status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[ID_PARAMETER], request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"shares/(?P<share_id>[0-9]+)")
    def revoke_share(self, request, id=None, share_id=None):
        """Take back a share with an agency; it loses access at once."""
        incident = self.get_object()
        share = incident.shares.filter(pk=share_id).first()
        if share is None:
            return self._no_such_grant()
        sharing_verbs.revoke_share(share, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(parameters=[ID_PARAMETER], request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"shares/people/(?P<username>[^/]+)")
    def revoke_person(self, request, id=None, username=None):
        """Withdraw a person's named grant."""
        incident = self.get_object()
        person = User.objects.filter(username=username).first()
        if person is None:
            return self._no_such_grant()
        sharing_verbs.revoke_person(incident, actor=request.user, person=person)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _no_such_grant(self):
        raise NotFound(SharingErrorCode.GRANT_NOT_FOUND, "There is no such share on this incident.")
