"""The command tab's forms: participants, operational periods and objectives, positions.

They only parse what a person typed; the verbs in incidents/services/participants.py and
incidents/services/command.py decide whether it may be done, and their refusals are put
beside the field they name (`PortalForm.add_service_error`).
"""

from dataclasses import dataclass

from django import forms

from coordination.forms import PortalForm
from incidents.models import ObjectiveStatus, ParticipantPart, PositionKind
from incidents.services.participants import DEFAULT_LEVEL

# The parts an agency may be given; the lead's part follows from the incident.
PART_CHOICES = [(part.value, part.label) for part in ParticipantPart if part in DEFAULT_LEVEL]
# What datetime-local inputs send, and what they are shown with.
LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


@dataclass(frozen=True)
class Holder:
    """A person who may fill an ICS post: a member of an agency taking part. The form
    offers them by membership, so one choice names both the person and the agency."""

    key: str
    person: object
    agency: object

    @property
    def label(self) -> str:
        name = self.person.get_full_name() or self.person.get_username()
        return f"{name} ({self.agency.name})"


def _when(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_FORMAT),
        help_text="UTC",
    )


class VersionForm(PortalForm):
    """The version the person saw, so a stale edit is refused rather than overwriting."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ParticipantAddForm(PortalForm):
    """Bring an agency in. Without an agreement in force the share needs broken glass."""

    agency = forms.ChoiceField(label="Agency")
    part = forms.ChoiceField(label="Takes part as", choices=PART_CHOICES)
    break_glass = forms.BooleanField(
        label="Break glass (no agreement covers this incident)", required=False
    )
    justification = forms.CharField(
        label="Justification for breaking glass",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {agency.slug: agency for agency in agencies}
        self.fields["agency"].choices = [
            ("", "Choose an agency"),
            *((agency.slug, agency.name) for agency in agencies),
        ]

    def clean_agency(self):
        return self.agencies[self.cleaned_data["agency"]]


class ProposalAcceptForm(PortalForm):
    """Accept a proposal from jurisdiction routing: the agency joins in the part chosen."""

    part = forms.ChoiceField(
        label="Takes part as", choices=PART_CHOICES, initial=ParticipantPart.ASSISTING
    )


class ParticipantPartForm(VersionForm):
    part = forms.ChoiceField(label="Part", choices=PART_CHOICES)


class PeriodOpenForm(PortalForm):
    starts_at = _when("Starts")
    ends_at = _when("Ends")
    carry_over = forms.BooleanField(
        label="Carry over the previous period's positions and unfinished objectives",
        required=False,
    )


class PeriodEditForm(VersionForm):
    starts_at = _when("Starts")
    ends_at = _when("Ends")
    command_emphasis = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )
    situational_awareness = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )
    weather = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )
    safety_message = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )

    @classmethod
    def values_of(cls, period) -> dict:
        """The period as the form shows it: what a stale editor is handed back."""
        return {
            "starts_at": period.starts_at.strftime(LOCAL_FORMAT),
            "ends_at": period.ends_at.strftime(LOCAL_FORMAT),
            "command_emphasis": period.command_emphasis,
            "situational_awareness": period.situational_awareness,
            "weather": period.weather,
            "safety_message": period.safety_message,
            "version": period.version,
        }


class ObjectiveAddForm(VersionForm):
    text = forms.CharField(
        label="New objective", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ObjectiveStatusForm(VersionForm):
    status = forms.ChoiceField(label="Status", choices=ObjectiveStatus.choices)


class HolderField(forms.ChoiceField):
    """A choice among the people who may hold a post, cleaned to the Holder itself."""

    def __init__(self, **kwargs):
        super().__init__(label="Person", **kwargs)
        self.holders: dict[str, Holder] = {}

    def offer(self, holders) -> None:
        self.holders = {holder.key: holder for holder in holders}
        self.choices = [("", "Choose a person"), *((h.key, h.label) for h in holders)]

    def clean(self, value):
        return self.holders[super().clean(value)]


class HolderRefusals:
    """The verbs name a post's holder as person and agency; these forms offer them as one
    choice, so a refusal about either is shown beside it."""

    def add_service_error(self, error) -> None:
        if error.field in ("person", "agency"):
            error = type(error)(error.code, error.message, field="holder")
        super().add_service_error(error)


class PositionFillForm(HolderRefusals, PortalForm):
    kind = forms.ChoiceField(label="Position", choices=PositionKind.choices)
    name = forms.CharField(
        label="Name of the branch, division or group",
        required=False,
        max_length=100,
        help_text='Only for branches, divisions and groups, e.g. "Division A".',
    )
    holder = HolderField()
    reports_to = forms.ChoiceField(
        label="Reports to",
        required=False,
        help_text="Only for branches, divisions and groups; by default the Operations "
        "Section Chief.",
    )

    def __init__(self, *args, holders=(), supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].offer(holders)
        self.supervisors = {str(position.public_id): position for position in supervisors}
        self.fields["reports_to"].choices = [
            ("", "Operations Section Chief (default)"),
            *((key, str(position)) for key, position in self.supervisors.items()),
        ]

    def clean_reports_to(self):
        return self.supervisors.get(self.cleaned_data["reports_to"])


class PositionReassignForm(HolderRefusals, VersionForm):
    holder = HolderField()
    name = forms.CharField(label="Name", required=False, max_length=100)

    def __init__(self, *args, holders=(), named=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].offer(holders)
        if not named:
            del self.fields["name"]
