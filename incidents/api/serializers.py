"""Shapes of incidents and their shares on the wire. Writes are handed to the verbs."""

from rest_framework import serializers

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from incidents.models import (
    Incident,
    IncidentShare,
    IncidentStatus,
    IncidentType,
    IncidentWorkflow,
    StatusChange,
)
from sharing.access import PERMS, Access
from sharing.markings import TLP


class GeoJSONField(serializers.JSONField):
    """A GeoJSON geometry; validated by the verb that stores it."""


class StatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = StatusChange
        fields = ["from_status", "to_status", "reason", "changed_by", "changed_at"]


class IncidentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    type = serializers.ChoiceField(source="incident_type", choices=IncidentType.choices)
    lead_agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    lead_agency_name = serializers.CharField(source="lead_agency.name", read_only=True)
    location = GeoJSONField(help_text='GeoJSON Point: {"type": "Point", "coordinates": [lon, lat]}')
    affected_area = GeoJSONField(allow_null=True, help_text="GeoJSON Polygon or MultiPolygon")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    updated_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "type",
            "severity",
            "status",
            "tlp",
            "location",
            "affected_area",
            "lead_agency",
            "lead_agency_name",
            "is_exercise",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = fields


class IncidentDetailSerializer(IncidentSerializer):
    permissions = serializers.SerializerMethodField(
        help_text="What the caller may do: view, contribute, command, share"
    )
    allowed_statuses = serializers.SerializerMethodField(
        help_text="The statuses the caller may move the incident to now"
    )
    status_history = StatusChangeSerializer(source="status_changes", many=True, read_only=True)

    class Meta(IncidentSerializer.Meta):
        fields = [
            *IncidentSerializer.Meta.fields,
            "permissions",
            "allowed_statuses",
            "status_history",
        ]
        read_only_fields = fields

    def get_permissions(self, incident) -> list[str]:
        return [perm for perm in PERMS if perm in self.context["permissions"]]

    def get_allowed_statuses(self, incident) -> list[str]:
        return IncidentWorkflow.moves(incident, self.context["permissions"])


class IncidentCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    type = serializers.ChoiceField(choices=IncidentType.choices)
    severity = serializers.IntegerField(min_value=1, max_value=5)
    location = GeoJSONField()
    affected_area = GeoJSONField(required=False, allow_null=True, default=None)
    tlp = serializers.ChoiceField(choices=TLP.choices, default=TLP.AMBER)
    lead_agency = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        required=False,
        default=None,
        help_text="Defaults to the creator's agency",
    )
    is_exercise = serializers.BooleanField(required=False, default=False)


class IncidentUpdateSerializer(StrictSerializerMixin, serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    type = serializers.ChoiceField(choices=IncidentType.choices, required=False)
    severity = serializers.IntegerField(min_value=1, max_value=5, required=False)
    location = GeoJSONField(required=False)
    affected_area = GeoJSONField(required=False, allow_null=True)
    tlp = serializers.ChoiceField(choices=TLP.choices, required=False)
    is_exercise = serializers.BooleanField(required=False)


class StatusRequestSerializer(StrictSerializerMixin, serializers.Serializer):
    status = serializers.ChoiceField(choices=IncidentStatus.choices)
    reason = serializers.CharField(max_length=2000)


class ShareSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    level = serializers.SerializerMethodField()
    roles = serializers.ListField(
        source="role_slugs", child=serializers.CharField(), read_only=True
    )
    agreement = serializers.SerializerMethodField()
    granted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = IncidentShare
        fields = [
            "id",
            "agency",
            "agency_name",
            "level",
            "kind",
            "whole_agency",
            "roles",
            "agreement",
            "justification",
            "granted_by",
            "granted_at",
        ]
        read_only_fields = fields

    def get_level(self, share) -> str:
        return Access(share.level).label

    def get_agreement(self, share) -> dict | None:
        return agreement_reference(share.agreement)


def agreement_reference(agreement) -> dict | None:
    """The agreement a share or named grant was made under, and whether it is in force
    (its grants count only while its status is active)."""
    if agreement is None:
        return None
    return {"id": agreement.pk, "name": agreement.name, "status": agreement.effective_status}


class AgreementReferenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()


class NamedGrantSerializer(serializers.Serializer):
    person = serializers.CharField()
    level = serializers.CharField()
    agreement = AgreementReferenceSerializer(
        allow_null=True,
        help_text="The agreement the person was named under; the grant counts only while "
        "it is active. Null for a person of the lead agency's organisation or one named "
        "by breaking glass.",
    )


class SharesSerializer(serializers.Serializer):
    agencies = ShareSerializer(many=True)
    people = NamedGrantSerializer(many=True)


class ShareRequestSerializer(StrictSerializerMixin, serializers.Serializer):
    agency = serializers.SlugRelatedField(
        slug_field="slug", queryset=Agency.objects.filter(is_active=True), required=False
    )
    person = serializers.CharField(max_length=150, required=False, help_text="A username")
    level = serializers.ChoiceField(choices=list(PERMS), default="view")
    roles = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        allow_empty=False,
        help_text="Only these roles of the agency (default: the whole agency)",
    )
    break_glass = serializers.BooleanField(required=False, default=False)
    justification = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if ("agency" in attrs) == ("person" in attrs):
            raise serializers.ValidationError("Name either an agency or a person.")
        if "person" in attrs and "roles" in attrs:
            raise serializers.ValidationError({"roles": ["Roles apply to an agency share."]})
        attrs["level"] = Access.named(attrs["level"])
        return attrs
