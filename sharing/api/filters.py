"""Query filters for the sharing endpoints (django-filter)."""

from functools import reduce
from operator import or_

import django_filters
from django.db.models import Q
from django.utils import timezone

from ledger.models import AuditAction, AuditRecord
from sharing import audit
from sharing.models import AgreementStatus, SharingAgreement


class SharingAgreementFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(
        choices=[(s.value, s.label) for s in AgreementStatus if s != AgreementStatus.EXPIRED],
        label="The stored status: what the parties decided",
    )
    effective_status = django_filters.MultipleChoiceFilter(
        choices=AgreementStatus.choices,
        method="filter_effective_status",
        label="The status now, counting an active agreement past its end as expired",
    )
    agency = django_filters.CharFilter(
        field_name="party_links__agency__slug", label="The slug of a party agency"
    )
    due_for_review = django_filters.BooleanFilter(
        method="filter_due_for_review", label="Review date today or earlier"
    )

    class Meta:
        model = SharingAgreement
        fields = ["status", "effective_status", "agency", "due_for_review"]

    def filter_effective_status(self, queryset, name, values):
        now = timezone.now()
        by_status = {status: Q(status=status) for status in AgreementStatus}
        by_status[AgreementStatus.ACTIVE] &= Q(valid_until__isnull=True) | Q(valid_until__gt=now)
        by_status[AgreementStatus.EXPIRED] = Q(status=AgreementStatus.ACTIVE, valid_until__lte=now)
        return queryset.filter(reduce(or_, (by_status[value] for value in values)))

    def filter_due_for_review(self, queryset, name, value):
        due = Q(review_due__lte=timezone.localdate())
        return queryset.filter(due) if value else queryset.exclude(due)


class AuditRecordFilter(django_filters.FilterSet):
    action = django_filters.MultipleChoiceFilter(choices=AuditAction.choices)
    agency = django_filters.CharFilter(
        method="filter_agency", label="The slug of an agency on either side of the record"
    )
    flagged = django_filters.BooleanFilter()
    since = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="gte", label="At or after (ISO 8601)"
    )
    until = django_filters.IsoDateTimeFilter(
        field_name="at", lookup_expr="lt", label="Before (ISO 8601)"
    )
    target_id = django_filters.CharFilter(
        method="filter_target_id",
        label="The id of the record's object; an object you may not see finds nothing",
    )
    actor = django_filters.CharFilter(field_name="actor__username", label="The actor's username")

    class Meta:
        model = AuditRecord
        fields = ["action", "agency", "flagged", "since", "until", "target_id", "actor"]

    def filter_agency(self, queryset, name, value):
        return queryset.filter(Q(agency__slug=value) | Q(other_agency__slug=value))

    def filter_target_id(self, queryset, name, value):
        return queryset.filter(audit.about_target(getattr(self.request, "user", None), value))
