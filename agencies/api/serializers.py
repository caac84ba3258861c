"""Shapes of the agencies resources on the wire. Writes are handed to `agencies.services`."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from agencies.access import require_administrator
from agencies.capabilities import Capability
from agencies.geo import bounding_box, parse_boundary
from agencies.models import (
    Agency,
    ApiClient,
    ApiScope,
    ContactPoint,
    Jurisdiction,
    Membership,
    Responsibility,
    Role,
)
from coordination.api import StrictSerializerMixin

User = get_user_model()


def role_of(agency: Agency, slug: str) -> Role:
    """One of the agency's roles by slug, or a validation error naming the agency."""
    role = agency.roles.filter(slug=slug).first()
    if role is None:
        raise serializers.ValidationError(f"{agency.name} has no role {slug!r}.")
    return role


class AgencyRoleMixin:
    """For create serializers that name an agency and one of its roles.

    The caller (the `request` in the context) must administer the agency, and that is
    checked first: anyone else gets 403 whatever they sent, and so cannot probe which
    roles the agency has or which usernames exist.
    """

    def validate(self, attrs):
        require_administrator(self.context["request"].user, attrs["agency"])
        try:
            attrs["role"] = role_of(attrs["agency"], attrs["role"])
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"role": exc.detail}) from exc
        return attrs


class ContactPointSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    class Meta:
        model = ContactPoint
        fields = ["label", "name", "email", "phone", "radio", "available_24_7"]


class AgencyResponsibilitySerializer(serializers.ModelSerializer):
    jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    jurisdiction_name = serializers.CharField(source="jurisdiction.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["jurisdiction", "jurisdiction_name", "kind"]


class AgencySerializer(StrictSerializerMixin, serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    contact_points = ContactPointSerializer(many=True, required=False)
    responsibilities = AgencyResponsibilitySerializer(many=True, read_only=True)

    class Meta:
        model = Agency
        fields = [
            "slug",
            "name",
            "kind",
            "parent",
            "is_active",
            "email",
            "phone",
            "website",
            "address",
            "contact_points",
            "responsibilities",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["slug", "name", "kind", "is_active", "created_at", "updated_at"]


class JurisdictionResponsibilitySerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Responsibility
        fields = ["agency", "agency_name", "kind"]


class JurisdictionSerializer(StrictSerializerMixin, serializers.ModelSerializer):
    boundary = serializers.JSONField(help_text="GeoJSON Polygon or MultiPolygon (lon, lat)")
    bbox = serializers.SerializerMethodField(
        help_text="[min longitude, min latitude, max longitude, max latitude]"
    )
    responsibilities = JurisdictionResponsibilitySerializer(many=True, read_only=True)

    class Meta:
        model = Jurisdiction
        fields = [
            "slug",
            "name",
            "level",
            "code",
            "boundary",
            "bbox",
            "responsibilities",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_bbox(self, jurisdiction) -> list[float]:
        return [
            jurisdiction.min_lon,
            jurisdiction.min_lat,
            jurisdiction.max_lon,
            jurisdiction.max_lat,
        ]

    def validate_boundary(self, value):
        try:
            bounding_box(parse_boundary(value))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value


class JurisdictionUpdateSerializer(JurisdictionSerializer):
    class Meta(JurisdictionSerializer.Meta):
        read_only_fields = ["slug", "created_at", "updated_at"]
        extra_kwargs = {field: {"required": False} for field in ("name", "level", "boundary")}


class CapabilityListField(serializers.ListField):
    child = serializers.ChoiceField(choices=Capability.choices)

    def to_representation(self, data):
        return sorted(data)


class RoleSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    capabilities = CapabilityListField(read_only=True)
    member_count = serializers.IntegerField(read_only=True, help_text="Active members")

    class Meta:
        model = Role
        fields = [
            "id",
            "agency",
            "slug",
            "name",
            "description",
            "capabilities",
            "is_builtin",
            "member_count",
            "created_at",
            "updated_at",
        ]


class RoleCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    agency = serializers.SlugRelatedField(slug_field="slug", queryset=Agency.objects.all())
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    capabilities = CapabilityListField(allow_empty=False)


class RoleUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    capabilities = CapabilityListField(required=False, allow_empty=False)


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["username", "full_name", "email"]


class MembershipSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user = PersonSerializer(read_only=True)
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    role_name = serializers.CharField(source="role.name", read_only=True)
    capabilities = CapabilityListField(source="role.capabilities", read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "agency",
            "user",
            "role",
            "role_name",
            "capabilities",
            "is_active",
            "created_at",
            "updated_at",
            "deactivated_at",
        ]


class MembershipCreateSerializer(AgencyRoleMixin, StrictSerializerMixin, serializers.Serializer):
    agency = serializers.SlugRelatedField(slug_field="slug", queryset=Agency.objects.all())
    user = serializers.CharField(max_length=150, help_text="The person's username")
    role = serializers.SlugField(help_text="The slug of one of the agency's roles")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = User.objects.filter(username=attrs["user"]).first()
        if user is None:
            raise serializers.ValidationError(
                {"user": [f"No person has the username {attrs['user']!r}."]}
            )
        attrs["user"] = user
        return attrs


class MembershipUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    role = serializers.SlugField(required=False, help_text="The slug of one of the agency's roles")
    is_active = serializers.BooleanField(required=False)

    def validate_role(self, slug):
        return role_of(self.instance.agency, slug)


class ApiClientSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=ApiScope.choices))
    status = serializers.ChoiceField(choices=["active", "expired", "revoked"], read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ApiClient
        fields = [
            "id",
            "agency",
            "name",
            "role",
            "scopes",
            "status",
            "token_prefix",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields


class IssuedApiClientSerializer(ApiClientSerializer):
    token = serializers.CharField(
        read_only=True, help_text="The bearer token. It is shown this once and never again."
    )

    class Meta(ApiClientSerializer.Meta):
        fields = [*ApiClientSerializer.Meta.fields, "token"]
        read_only_fields = fields


class ApiClientCreateSerializer(AgencyRoleMixin, StrictSerializerMixin, serializers.Serializer):
    agency = serializers.SlugRelatedField(slug_field="slug", queryset=Agency.objects.all())
    name = serializers.CharField(max_length=100)
    role = serializers.SlugField(help_text="The slug of one of the agency's roles")
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), allow_empty=False
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ApiClientUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False)
    role = serializers.SlugField(required=False)
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiScope.choices), allow_empty=False, required=False
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_role(self, slug):
        return role_of(self.instance.agency, slug)


class HeldRoleSerializer(serializers.Serializer):
    agency = serializers.CharField(source="agency.slug")
    agency_name = serializers.CharField(source="agency.name")
    role = serializers.CharField(source="slug")
    role_name = serializers.CharField(source="name")
    capabilities = CapabilityListField()


class MeClientSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    scopes = serializers.ListField(child=serializers.CharField())
    expires_at = serializers.DateTimeField(allow_null=True)


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    kind = serializers.ChoiceField(choices=["person", "api_client"])
    is_platform_operator = serializers.BooleanField()
    roles = HeldRoleSerializer(many=True, help_text="The roles held now, one per agency")
    api_client = MeClientSerializer(allow_null=True)
