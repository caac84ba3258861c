"""The forms of an incident's sharing tab: share with an agency, change a share's level,
name a person, and break glass.

They check what was typed; whether a share may be made (an agreement, the marking, the
sharer's rights) is the verbs' decision, and their refusal is shown beside the field it
concerns (`add_service_error`).
"""

from django import forms
from django.contrib.auth import get_user_model

from agencies.models import Agency
from coordination.errors import ServiceError
from coordination.forms import PortalForm
from sharing.access import Access
from sharing.basis import MIN_JUSTIFICATION
from sharing.error_codes import SharingErrorCode as Code

User = get_user_model()

LEVEL_CHOICES = [
    (Access.VIEW.label, "View: read the incident"),
    (Access.CONTRIBUTE.label, "Contribute: also post entries, work tasks, issue reports"),
    (Access.COMMAND.label, "Command: also edit, change status, fill positions"),
    (Access.SHARE.label, "Share: also decide who else has it"),
]

# Refusals about the recipient that the verbs raise without naming a field.
RECIPIENT_CODES = {Code.AGREEMENT_MISSING, Code.ALREADY_SHARED, Code.LEAD_SHARE}


class _SharingForm(PortalForm):
    recipient_field = "agency"

    def add_service_error(self, error: ServiceError) -> None:
        """A verb's refusal, beside the recipient when it is about the recipient."""
        if error.field is None and error.code in RECIPIENT_CODES:
            error = type(error)(error.code, error.message, field=self.recipient_field)
        super().add_service_error(error)

    def level(self) -> Access:
        return Access.named(self.cleaned_data["level"])


def _level_field(initial=Access.VIEW.label):
    return forms.ChoiceField(choices=LEVEL_CHOICES, initial=initial, label="Level")


def recipients(incident):
    """Agencies the incident could still be shared with: active, not the lead, not
    holding a share already."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(pk=incident.lead_agency_id)
        .exclude(pk__in=incident.shares.values("agency_id"))
        .order_by("name")
    )


class ShareAgencyForm(_SharingForm):
    """Share with another agency at a level, under an agreement that covers it."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        to_field_name="slug",
        empty_label="Choose an agency",
        help_text="An agreement in force between the agencies must cover this incident.",
    )
    level = _level_field()

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = recipients(incident)


class ChangeLevelForm(_SharingForm):
    """A share's new level; one per row, prefixed by the share's id."""

    level = _level_field()


class GrantPersonForm(_SharingForm):
    """Name one person on the incident (the only way into a RED incident)."""

    recipient_field = "person"

    person = forms.CharField(
        max_length=150, label="Username", help_text="The person's Concord username."
    )
    level = _level_field()

    def clean_person(self):
        username = self.cleaned_data["person"].strip()
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise forms.ValidationError(f"No person has the username {username!r}.")
        return person


class BreakGlassForm(_SharingForm):
    """Share outside any agreement, in an emergency, with a written justification."""

    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="No agency (name a person instead)",
        label="Agency",
    )
    person = forms.CharField(
        max_length=150,
        required=False,
        label="Or a person's username",
        help_text="For a RED incident, name a person: RED is never shared with agencies.",
    )
    level = _level_field()
    justification = forms.CharField(
        min_length=MIN_JUSTIFICATION,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            f"Required, at least {MIN_JUSTIFICATION} characters: why this cannot wait for an "
            "agreement. It is kept in the audit trail with your name."
        ),
        error_messages={
            "required": "Say why you break glass: the justification is required.",
            "min_length": f"Write at least {MIN_JUSTIFICATION} characters of justification.",
        },
    )

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = recipients(incident)

    @property
    def recipient_field(self) -> str:
        return "person" if self.cleaned_data.get("person") else "agency"

    def clean_person(self):
        username = self.cleaned_data["person"].strip()
        if not username:
            return None
        person = User.objects.filter(username=username, is_active=True).first()
        if person is None:
            raise forms.ValidationError(f"No person has the username {username!r}.")
        return person

    def clean(self):
        data = super().clean()
        if "agency" in data and "person" in data and bool(data["agency"]) == bool(data["person"]):
            self.add_error("agency", "Name either an agency or a person.")
        return data
