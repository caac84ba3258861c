"""Shapes of the sharing resources on the wire. Writes are handed to `sharing.agreements`."""

from django.db.models.manager import BaseManager
from rest_framework import serializers

from agencies.models import Agency
from coordination.api import StrictSerializerMixin
from ledger.models import AuditRecord
from sharing import audit
from sharing.markings import TLP
from sharing.models import AgreementParty, AgreementStatus, SharingAgreement

INCIDENT_TYPE_PATTERN = r"^[a-z_]{1,40}$"
MAX_INCIDENT_TYPES = 20


def agency_field(**kwargs) -> serializers.SlugRelatedField:
    """An active agency named by its slug; an unknown slug is a 400 naming it."""
    return serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Agency.objects.filter(is_active=True),
        error_messages={"does_not_exist": "No active agency has the slug '{value}'."},
        **kwargs,
    )


class AgreementPartySerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    name = serializers.CharField(source="agency.name", read_only=True)
    accepted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AgreementParty
        fields = ["agency", "name", "accepted_at", "accepted_by"]
        read_only_fields = fields


class SharingAgreementSerializer(serializers.ModelSerializer):
    proposed_by = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parties = AgreementPartySerializer(source="party_links", many=True, read_only=True)
    incident_types = serializers.ListField(child=serializers.CharField(), read_only=True)
    effective_status = serializers.ChoiceField(
        choices=AgreementStatus.choices,
        read_only=True,
        help_text="The status now: an active agreement past its end is expired",
    )

    class Meta:
        model = SharingAgreement
        fields = [
            "id",
            "name",
            "description",
            "proposed_by",
            "parties",
            "max_tlp",
            "incident_types",
            "valid_from",
            "valid_until",
            "review_due",
            "auto_join",
            "status",
            "effective_status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SharingAgreementCreateSerializer(StrictSerializerMixin, serializers.Serializer):
    agency = agency_field(help_text="The proposing agency, which the caller administers")
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    parties = agency_field(many=True, help_text="The other agencies, by slug")
    max_tlp = serializers.ChoiceField(choices=TLP.choices)
    # Checked for shape only: `sharing` never imports the incidents app's list of types
    # (the import contract), so a type no incident has simply never matches.
    incident_types = serializers.ListField(
        child=serializers.RegexField(INCIDENT_TYPE_PATTERN),
        max_length=MAX_INCIDENT_TYPES,
        required=False,
        default=list,
        help_text="Incident type values, e.g. `fire`; empty covers all types",
    )
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(required=False, allow_null=True, default=None)
    review_due = serializers.DateField(required=False, allow_null=True, default=None)
    auto_join = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Parties responsible for the place of a covered incident join it at once",
    )

    def validate(self, attrs):
        if attrs["agency"] in attrs["parties"]:
            raise serializers.ValidationError(
                {"parties": ["List the other agencies; the proposing agency is a party already."]}
            )
        return attrs


class PartyActionSerializer(StrictSerializerMixin, serializers.Serializer):
    agency = agency_field(help_text="The party agency the caller acts for, and administers")


class SuspendSerializer(PartyActionSerializer):
    # A blank reason goes on to the service, which refuses it with its own code.
    reason = serializers.CharField(allow_blank=True, max_length=2000)


class RenewSerializer(PartyActionSerializer):
    valid_until = serializers.DateTimeField(allow_null=True, help_text="null: no end date")
    review_due = serializers.DateField(required=False, allow_null=True, default=None)


def _reader(context):
    request = context.get("request")
    return getattr(request, "user", None)


class AuditRecordListSerializer(serializers.ListSerializer):
    """A page of records, as the reader may read them now: one policy question a page."""

    def to_representation(self, data):
        records = data.all() if isinstance(data, BaseManager) else data
        return super().to_representation(audit.as_read_by(_reader(self.context), records))


class AuditRecordSerializer(serializers.ModelSerializer):
    """A record as its reader may read it now (`sharing.audit.as_read_by`): about an
    object the reader may not see, it names "an incident you cannot see" and withholds
    the object's id and details. `hash` covers the stored record, not what is withheld."""

    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    other_agency = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    withheld = serializers.BooleanField(
        read_only=True,
        help_text="The record concerns an object the reader may not see now: its id, "
        "label and details are withheld",
    )

    class Meta:
        model = AuditRecord
        list_serializer_class = AuditRecordListSerializer
        fields = [
            "id",
            "at",
            "action",
            "actor",
            "actor_label",
            "agency",
            "other_agency",
            "target_type",
            "target_id",
            "target_label",
            "withheld",
            "flagged",
            "detail",
            "ip_address",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        if not hasattr(instance, "withheld"):
            [instance] = audit.as_read_by(_reader(self.context), [instance])
        return super().to_representation(instance)


class ChainVerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    broken_record = serializers.IntegerField(
        allow_null=True, help_text="The first record that does not verify"
    )
    reason = serializers.CharField(allow_null=True)
    checked = serializers.IntegerField(help_text="Records walked, up to the break if any")
