"""The sharing endpoints: agreements between agencies, and the audit trail.

Each queryset is already cut to what the caller may see, so anything outside it is a 404
whatever its id; a visible agreement the caller may not act on is a 403.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from agencies.access import agencies_with, member_agencies, require_administrator
from agencies.capabilities import Capability
from agencies.error_codes import AgencyErrorCode
from coordination.api import StrictQueryParamsMixin
from coordination.errors import Forbidden
from ledger import audit
from ledger.models import AuditRecord
from sharing import agreements
from sharing.api.filters import AuditRecordFilter, SharingAgreementFilter
from sharing.api.serializers import (
    AuditRecordSerializer,
    ChainVerificationSerializer,
    PartyActionSerializer,
    RenewSerializer,
    SharingAgreementCreateSerializer,
    SharingAgreementSerializer,
    SuspendSerializer,
)
from sharing.models import AgreementParty, SharingAgreement


class SharingAgreementViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Agreements the caller's agencies are party to. Administrators of a party propose,
    accept, suspend and renew them, each acting for one agency they administer."""

    serializer_class = SharingAgreementSerializer
    filterset_class = SharingAgreementFilter
    ordering_fields = ["name", "valid_from", "valid_until", "review_due", "created_at"]
    ordering = ["name", "id"]

    def get_queryset(self):
        own_side = AgreementParty.objects.filter(
            agreement=OuterRef("pk"), agency__in=member_agencies(self.request.user)
        )
        parties = AgreementParty.objects.select_related("agency", "accepted_by")
        return (
            SharingAgreement.objects.filter(Exists(own_side))
            .select_related("proposed_by")
            .prefetch_related(Prefetch("party_links", queryset=parties))
        )

    def _respond(self, agreement, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=agreement.pk)
        return Response(SharingAgreementSerializer(fresh).data, status=status_code)

    def _acting_for(self, serializer_class) -> dict:
        """The action's input, once the caller is known to administer the agency named."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        require_administrator(self.request.user, serializer.validated_data["agency"])
        return dict(serializer.validated_data)

    @extend_schema(
        request=SharingAgreementCreateSerializer, responses={201: SharingAgreementSerializer}
    )
    def create(self, request):
        """Propose an agreement; the proposing agency's side counts as accepted."""
        data = self._acting_for(SharingAgreementCreateSerializer)
        agreement = agreements.propose_agreement(
            proposer=data.pop("agency"), actor=request.user, **data
        )
        return self._respond(agreement, status.HTTP_201_CREATED)

    @extend_schema(request=PartyActionSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept for one party; the last acceptance makes the agreement active."""
        agreement = self.get_object()
        data = self._acting_for(PartyActionSerializer)
        agreements.accept_agreement(agreement, agency=data["agency"], actor=request.user)
        return self._respond(agreement)

    @extend_schema(request=SuspendSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Suspend at once: every share made under the agreement stops counting."""
        agreement = self.get_object()
        data = self._acting_for(SuspendSerializer)
        agreements.suspend_agreement(
            agreement, agency=data["agency"], actor=request.user, reason=data["reason"]
        )
        return self._respond(agreement)

    @extend_schema(request=RenewSerializer, responses=SharingAgreementSerializer)
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        """Propose new dates; the other parties must accept again before it counts."""
        agreement = self.get_object()
        data = self._acting_for(RenewSerializer)
        agreements.renew_agreement(
            agreement,
            agency=data["agency"],
            actor=request.user,
            valid_until=data["valid_until"],
            review_due=data["review_due"],
        )
        return self._respond(agreement)


class AuditRecordViewSet(
    StrictQueryParamsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """The audit trail of the agencies the caller administers, newest first: every record
    naming one of them on either side."""

    serializer_class = AuditRecordSerializer
    filterset_class = AuditRecordFilter
    ordering_fields = ["id", "at"]
    ordering = ["-id"]

    def get_queryset(self):
        administered = agencies_with(self.request.user, Capability.ADMINISTER)
        return AuditRecord.objects.filter(
            Q(agency__in=administered) | Q(other_agency__in=administered)
        ).select_related("actor", "agency", "other_agency")

    @extend_schema(responses=ChainVerificationSerializer)
    @action(detail=False, methods=["get"])
    def verify(self, request):
        """Walk the whole chain. Any administrator may ask: the answer names no content."""
        if not agencies_with(request.user, Capability.ADMINISTER).exists():
            raise Forbidden(
                AgencyErrorCode.NOT_ADMINISTRATOR,
                "Only agency administrators may verify the audit trail.",
            )
        report = audit.verify_chain()
        result = {
            "valid": report.intact,
            "broken_record": report.broken_record,
            "reason": report.reason,
            "checked": report.checked,
        }
        return Response(ChainVerificationSerializer(result).data)
