"""The agencies endpoints: parse, check access, call the service verb, serialise.

Every queryset here is already cut to what the caller may see, so an object outside it
is a 404 whatever its id; a visible object the caller may not change is a 403.
"""

from django.db.models import Count, Q
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from agencies import services
from agencies.access import agencies_with, member_agencies, require_administrator, roles_held
from agencies.api.filters import (
    AgencyFilter,
    ApiClientFilter,
    JurisdictionFilter,
    MembershipFilter,
    RoleFilter,
)
from agencies.api.permissions import IsPlatformOperator
from agencies.api.serializers import (
    AgencySerializer,
    ApiClientCreateSerializer,
    ApiClientSerializer,
    ApiClientUpdateSerializer,
    IssuedApiClientSerializer,
    JurisdictionSerializer,
    JurisdictionUpdateSerializer,
    MembershipCreateSerializer,
    MembershipSerializer,
    MembershipUpdateSerializer,
    MeSerializer,
    RoleCreateSerializer,
    RoleSerializer,
    RoleUpdateSerializer,
)
from agencies.capabilities import Capability
from agencies.error_codes import AgencyErrorCode as Code
from agencies.models import Agency, ApiClient, Jurisdiction, Membership, Role
from coordination.api import StrictQueryParamsMixin
from coordination.errors import Forbidden
from coordination.idempotency import withhold_from_replay


class AgencyViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The directory of agencies on the portal. Each agency's admins keep its contacts."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "slug"
    ordering_fields = ["name", "slug", "kind", "created_at"]
    ordering = ["name"]

    def get_queryset(self):
        return Agency.objects.select_related("parent").prefetch_related(
            "contact_points", "responsibilities__jurisdiction"
        )

    @extend_schema(request=AgencySerializer, responses=AgencySerializer)
    def partial_update(self, request, slug=None):
        agency = self.get_object()
        require_administrator(request.user, agency)
        serializer = AgencySerializer(agency, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "contact_points" in data:
            data["contact_points"] = [dict(point) for point in data["contact_points"]]
        services.update_agency_contacts(agency, actor=request.user, **data)
        return Response(AgencySerializer(self.get_queryset().get(pk=agency.pk)).data)


class JurisdictionViewSet(StrictQueryParamsMixin, viewsets.ModelViewSet):
    """Jurisdictions and who answers for them; `?contains=lon,lat` finds those holding a point."""

    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilter
    permission_classes = [*viewsets.ModelViewSet.permission_classes, IsPlatformOperator]
    lookup_field = "slug"
    ordering_fields = ["name", "slug", "level"]
    ordering = ["name"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return Jurisdiction.objects.prefetch_related("responsibilities__agency")

    def perform_create(self, serializer):
        serializer.instance = services.define_jurisdiction(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_jurisdiction(instance, actor=self.request.user)

    @extend_schema(request=JurisdictionUpdateSerializer, responses=JurisdictionSerializer)
    def partial_update(self, request, slug=None):
        jurisdiction = self.get_object()
        serializer = JurisdictionUpdateSerializer(jurisdiction, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.change_jurisdiction(jurisdiction, actor=request.user, **serializer.validated_data)
        return Response(JurisdictionSerializer(self.get_queryset().get(pk=jurisdiction.pk)).data)


class RoleViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Roles of the agencies the caller belongs to; their admins define and change them."""

    serializer_class = RoleSerializer
    filterset_class = RoleFilter
    ordering_fields = ["name", "slug", "created_at"]
    ordering = ["agency__name", "-is_builtin", "name"]

    def get_queryset(self):
        return (
            Role.objects.filter(agency__in=member_agencies(self.request.user))
            .select_related("agency")
            .prefetch_related("capability_grants")
            .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        )

    def _respond(self, role, status_code=status.HTTP_200_OK):
        return Response(
            RoleSerializer(self.get_queryset().get(pk=role.pk)).data, status=status_code
        )

    @extend_schema(request=RoleCreateSerializer, responses={201: RoleSerializer})
    def create(self, request):
        serializer = RoleCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        require_administrator(request.user, data["agency"])
        role = services.define_role(
            data["agency"],
            actor=request.user,
            name=data["name"],
            description=data["description"],
            capabilities=data["capabilities"],
        )
        return self._respond(role, status.HTTP_201_CREATED)

    @extend_schema(request=RoleUpdateSerializer, responses=RoleSerializer)
    def partial_update(self, request, pk=None):
        role = self.get_object()
        require_administrator(request.user, role.agency)
        serializer = RoleUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.change_role(role, actor=request.user, **serializer.validated_data)
        return self._respond(role)

    def destroy(self, request, pk=None):
        role = self.get_object()
        require_administrator(request.user, role.agency)
        services.delete_role(role, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MembershipViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Who holds which role where. Admins see and manage their agency's members; everyone
    sees their own memberships. Deleting a membership deactivates it."""

    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    ordering_fields = ["created_at", "updated_at"]
    ordering = ["agency__name", "user__username"]

    def get_queryset(self):
        user = self.request.user
        if not user.is_authenticated:
            return Membership.objects.none()
        administered = agencies_with(user, Capability.ADMINISTER)
        return (
            Membership.objects.filter(Q(agency__in=administered) | Q(user=user))
            .select_related("agency", "user", "role")
            .prefetch_related("role__capability_grants")
        )

    def _respond(self, membership, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=membership.pk)
        return Response(MembershipSerializer(fresh).data, status=status_code)

    @extend_schema(request=MembershipCreateSerializer, responses={201: MembershipSerializer})
    def create(self, request):
        serializer = MembershipCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        membership = services.add_member(
            data["agency"], user=data["user"], role=data["role"], actor=request.user
        )
        return self._respond(membership, status.HTTP_201_CREATED)

    @extend_schema(request=MembershipUpdateSerializer, responses=MembershipSerializer)
    def partial_update(self, request, pk=None):
        membership = self.get_object()
        require_administrator(request.user, membership.agency)
        serializer = MembershipUpdateSerializer(membership, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.change_member(membership, actor=request.user, **serializer.validated_data)
        return self._respond(membership)

    def destroy(self, request, pk=None):
        membership = self.get_object()
        require_administrator(request.user, membership.agency)
        services.deactivate_member(membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ApiClientViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Partner API clients of the agencies the caller administers.

    An API client cannot manage API clients, even in an administering role: a leaked
    token must not be able to mint more tokens.
    """

    serializer_class = ApiClientSerializer
    filterset_class = ApiClientFilter
    ordering_fields = ["name", "created_at", "last_used_at"]
    ordering = ["agency__name", "name"]

    def get_queryset(self):
        return ApiClient.objects.filter(
            agency__in=agencies_with(self.request.user, Capability.ADMINISTER)
        ).select_related("agency", "role", "created_by")

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if isinstance(request.auth, ApiClient):
            raise Forbidden(
                Code.NOT_ADMINISTRATOR, "API clients cannot manage API clients; ask a person."
            )

    def _respond(self, client, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=client.pk)
        return Response(ApiClientSerializer(fresh).data, status=status_code)

    @extend_schema(request=ApiClientCreateSerializer, responses={201: IssuedApiClientSerializer})
    def create(self, request):
        serializer = ApiClientCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client, token = services.issue_api_client(
            data["agency"],
            name=data["name"],
            role=data["role"],
            scopes=data["scopes"],
            expires_at=data["expires_at"],
            actor=request.user,
        )
        client = self.get_queryset().get(pk=client.pk)
        client.token = token
        response = Response(IssuedApiClientSerializer(client).data, status=status.HTTP_201_CREATED)
        withhold_from_replay(
            response,
            detail=f"API client {client.name!r} was issued by the first request with this "
            "key; its token was shown in that answer only and is not kept. If it was lost, "
            "revoke the client and issue a new one.",
            location=reverse("api-client-detail", args=[client.pk]),
        )
        return response

    @extend_schema(request=ApiClientUpdateSerializer, responses=ApiClientSerializer)
    def partial_update(self, request, pk=None):
        client = self.get_object()
        require_administrator(request.user, client.agency)
        serializer = ApiClientUpdateSerializer(client, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.update_api_client(client, actor=request.user, **serializer.validated_data)
        return self._respond(client)

    @extend_schema(request=None, responses=ApiClientSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Stop the client's token from working, at once and for good."""
        client = self.get_object()
        require_administrator(request.user, client.agency)
        services.revoke_api_client(client, actor=request.user)
        return self._respond(client)


class MeView(APIView):
    """Who the caller is: a person or an API client, and the roles held in each agency."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        client = request.auth if isinstance(request.auth, ApiClient) else None
        roles = roles_held(user).select_related("agency").prefetch_related("capability_grants")
        me = {
            "username": user.get_username(),
            "full_name": client.name if client else user.get_full_name(),
            "email": user.email,
            "kind": "api_client" if client else "person",
            "is_platform_operator": user.is_staff,
            "roles": roles.order_by("agency__name"),
            "api_client": client,
        }
        return Response(MeSerializer(me).data)
