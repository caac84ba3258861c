"""The filters shared by the board and the map, read from the query string.

Every filter narrows a queryset that `sharing.policy.visible` has already cut to what the
reader may see, so no filter (the agency one included, which looks at participants) can
tell anything about an incident the reader may not see. A value that does not validate
is reported beside its field and left out; the other filters still apply.
"""

import django_filters
from django import forms
from django.db.models import Case, IntegerField, Q, Value, When

from agencies.access import member_agencies
from agencies.models import Agency
from coordination.forms import PortalForm
from incidents.models import IncidentStatus, IncidentType, Participant
from sharing.markings import RANK, TLP

SEVERITY_CHOICES = [(str(n), f"{n} or higher") for n in range(1, 6)]
# Statuses in lifecycle order, so sorting by status reads as the incident's progress.
STATUS_ORDER = list(IncidentStatus.values)


def _rank(field: str, ranks: dict[str, int]) -> Case:
    return Case(
        *(When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()),
        output_field=IntegerField(),
    )


# The sortable columns: the key in `sort=` and what it orders by (whitelisted, so a
# query string never names an arbitrary field).
SORT_COLUMNS = {
    "reference": ("Reference", "reference"),
    "title": ("Title", "title"),
    "tlp": ("Marking", "tlp_rank"),
    "severity": ("Severity", "severity"),
    "status": ("Status", "status_rank"),
    "type": ("Type", "incident_type"),
    "lead_agency": ("Lead agency", "lead_agency__name"),
    "updated_at": ("Last change", "updated_at"),
}
DEFAULT_SORT = "-updated_at"
# The default first: an unbound select shows its first option, which must be the order used.
SORT_CHOICES = sorted(
    (
        (f"{sign}{key}", f"{label} ({'descending' if sign else 'ascending'})")
        for key, (label, _) in SORT_COLUMNS.items()
        for sign in ("", "-")
    ),
    key=lambda choice: choice[0] != DEFAULT_SORT,
)
RANKS = {
    "tlp_rank": _rank("tlp", {str(marking): rank for marking, rank in RANK.items()}),
    "status_rank": _rank("status", {status: n for n, status in enumerate(STATUS_ORDER)}),
}


class BoardFilterForm(PortalForm):
    """The filter form, with the portal's aria-invalid marking of bad fields."""


class IncidentBoardFilter(django_filters.FilterSet):
    """Status, type, severity, marking, agency, "mine", text search and sort order."""

    q = django_filters.CharFilter(
        method="filter_search",
        label="Search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    status = django_filters.MultipleChoiceFilter(
        choices=IncidentStatus.choices,
        distinct=False,
        label="Status",
        widget=forms.CheckboxSelectMultiple,
    )
    type = django_filters.ChoiceFilter(
        field_name="incident_type",
        choices=IncidentType.choices,
        empty_label="Any type",
        label="Type",
    )
    severity = django_filters.ChoiceFilter(
        field_name="severity",
        choices=SEVERITY_CHOICES,
        method="filter_severity",
        empty_label="Any severity",
        label="Severity",
    )
    tlp = django_filters.ChoiceFilter(
        choices=TLP.choices, empty_label="Any marking", label="Marking"
    )
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.filter(is_active=True).only("pk", "name", "slug"),
        to_field_name="slug",
        method="filter_agency",
        empty_label="Any agency",
        label="Agency (lead or taking part)",
    )
    mine = django_filters.BooleanFilter(
        method="filter_mine",
        label="Only my agencies' incidents",
        widget=forms.CheckboxInput,
    )
    sort = django_filters.ChoiceFilter(
        choices=SORT_CHOICES, method="keep", empty_label=None, label="Sort by"
    )

    class Meta:
        form = BoardFilterForm
        fields = []

    def filter_search(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(
            Q(reference__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text)
        )

    def filter_severity(self, queryset, name, value):
        return queryset.filter(severity__gte=int(value))

    def filter_agency(self, queryset, name, value):
        return queryset.filter(_led_by_or_joined(Q(agency=value), Q(lead_agency=value)))

    def filter_mine(self, queryset, name, value):
        if not value:
            return queryset
        mine = member_agencies(self.request.user).values("pk")
        return queryset.filter(_led_by_or_joined(Q(agency__in=mine), Q(lead_agency__in=mine)))

    def keep(self, queryset, name, value):
        """The sort is applied last, in `filter_queryset`, after every filter."""
        return queryset

    def filter_queryset(self, queryset):
        return sort_incidents(super().filter_queryset(queryset), self.sort_key())

    def sort_key(self) -> str:
        """The valid sort asked for, else the default (newest change first)."""
        if self.is_bound and "sort" not in self.form.errors:
            return self.form.cleaned_data.get("sort") or DEFAULT_SORT
        return DEFAULT_SORT


def _led_by_or_joined(participant: Q, lead: Q) -> Q:
    """Led by, or actively taking part through: one IN (subquery), so no row repeats."""
    joined = Participant.objects.taking_part().filter(participant)
    return lead | Q(pk__in=joined.values("incident_id"))


def sort_incidents(queryset, sort: str):
    """Order by a whitelisted column, then by id so pages never overlap."""
    descending = sort.startswith("-")
    _, expression = SORT_COLUMNS[sort.removeprefix("-")]
    if expression in RANKS:
        queryset = queryset.alias(**{expression: RANKS[expression]})
    prefix = "-" if descending else ""
    return queryset.order_by(f"{prefix}{expression}", f"{prefix}id")
