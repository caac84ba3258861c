"""The agency-admin forms for sharing agreements and the audit trail's filters.

Agreement forms parse and check shape; `sharing.agreements` decides (periods, parties,
markings) and its refusals are shown beside the field they name. Field names follow
the verbs' keyword arguments for that reason.
"""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from agencies.models import Agency
from coordination.forms import PortalForm
from ledger.models import AuditAction
from sharing.api.serializers import INCIDENT_TYPE_PATTERN, MAX_INCIDENT_TYPES
from sharing.markings import TLP

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _datetime_field(**kwargs) -> forms.DateTimeField:
    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
    return forms.DateTimeField(widget=widget, **kwargs)


def _date_field(**kwargs) -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **kwargs)


class PartnerField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, agency):
        return agency.name


class ProposeAgreementForm(PortalForm):
    name = forms.CharField(max_length=200, help_text="E.g. “Harbor mutual aid”.")
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="What it is for."
    )
    max_tlp = forms.ChoiceField(
        label="Highest marking shared",
        choices=TLP.choices,
        help_text="Incidents marked above this are never shared under the agreement.",
    )
    incident_types = forms.CharField(
        label="Incident types covered",
        required=False,
        help_text="Type values separated by commas, e.g. fire, hazmat, flood. "
        "Leave empty to cover every type.",
    )
    valid_from = _datetime_field(label="Valid from")
    valid_until = _datetime_field(
        label="Valid until", required=False, help_text="Leave empty for no end date."
    )
    review_due = _date_field(label="Review due", required=False)
    auto_join = forms.BooleanField(
        label="Join automatically",
        required=False,
        help_text="A party responsible for the place of a covered incident joins it at once "
        "as an assisting agency, instead of only being proposed.",
    )

    def __init__(self, agency: Agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parties"] = PartnerField(
            label="Partner agencies",
            queryset=Agency.objects.filter(is_active=True).exclude(pk=agency.pk),
            to_field_name="slug",
            widget=forms.CheckboxSelectMultiple,
            help_text="Each partner's administrator must accept before it counts.",
        )
        self.fields["valid_from"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.order_fields(["name", "description", "parties", "max_tlp", "incident_types"])

    def clean_incident_types(self) -> list[str]:
        types = sorted({part.strip() for part in self.cleaned_data["incident_types"].split(",")})
        types = [value for value in types if value]
        wrong = [value for value in types if not re.fullmatch(INCIDENT_TYPE_PATTERN, value)]
        if wrong:
            raise forms.ValidationError(
                f"Not an incident type value: {', '.join(wrong)}. "
                "Use lower-case letters and underscores, e.g. severe_weather."
            )
        if len(types) > MAX_INCIDENT_TYPES:
            raise forms.ValidationError(f"Name at most {MAX_INCIDENT_TYPES} types.")
        return types


class SuspendAgreementForm(PortalForm):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The partners see this reason in their audit trail.",
    )


class RenewAgreementForm(PortalForm):
    valid_until = _datetime_field(
        label="New end", required=False, help_text="Leave empty for no end date."
    )
    review_due = _date_field(label="Next review due", required=False)


class AuditFilterForm(PortalForm):
    """The audit trail's filters, sent with GET so a filtered view is a link to share."""

    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    actor = forms.CharField(
        required=False, max_length=150, help_text="Part of a username or API client name"
    )
    target_type = forms.ChoiceField(required=False, label="Target type")
    since = _date_field(label="From", required=False)
    until = _date_field(label="Until", required=False, help_text="Inclusive")

    def __init__(self, target_types: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = [
            ("", "Any type"),
            *((value, value) for value in target_types),
        ]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", "The end of the range is before its start.")
        return cleaned

    def filters(self) -> dict:
        """The chosen filters as queryset lookups on AuditRecord."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        lookups = {
            "action": data.get("action"),
            "actor_label__icontains": data.get("actor", "").strip(),
            "target_type": data.get("target_type"),
        }
        if data.get("since"):
            lookups["at__gte"] = datetime.combine(data["since"], time.min, zone)
        if data.get("until"):
            lookups["at__lt"] = datetime.combine(data["until"] + timedelta(days=1), time.min, zone)
        return {name: value for name, value in lookups.items() if value}
