"""The create-incident form: what a person types, shaped for `open_incident`.

The form checks what it can alone (required fields, numbers in range, known choices);
the verb checks the rest, and its refusals are shown beside the field they concern.
"""

from django import forms

from coordination.forms import PortalForm
from incidents.models import IncidentType
from sharing.markings import TLP

SEVERITY_CHOICES = [
    ("", "Choose a severity"),
    ("1", "1 (lowest)"),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", "5 (highest)"),
]
# The verb names fields as the API does; here they are the form's own.
SERVICE_FIELDS = {"type": "incident_type", "location": "latitude"}


class PointForm(PortalForm):
    """A point as latitude and longitude (WGS 84), as people read them off a map."""

    latitude = forms.FloatField(
        min_value=-90,
        max_value=90,
        help_text="Decimal degrees, north positive (e.g. 46.0182); or click the map",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        min_value=-180,
        max_value=180,
        help_text="Decimal degrees, east positive (e.g. -123.9051)",
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def geojson(self) -> dict:
        data = self.cleaned_data
        return {"type": "Point", "coordinates": [data["longitude"], data["latitude"]]}


class IncidentCreateForm(PointForm):
    """Title, type, severity, marking, description, exercise, lead agency, location.

    `lead_agencies` are the agencies the person contributes for; with several, they name
    the lead, with one, that one leads and the field is left out.
    """

    title = forms.CharField(max_length=200)
    incident_type = forms.ChoiceField(
        label="Type", choices=[("", "Choose a type"), *IncidentType.choices]
    )
    severity = forms.TypedChoiceField(coerce=int, choices=SEVERITY_CHOICES)
    tlp = forms.ChoiceField(
        label="Marking (TLP)",
        choices=TLP.choices,
        initial=TLP.AMBER,
        help_text="Who may see it: AMBER reaches the agencies it is shared with and their "
        "sub-agencies; RED only people named one by one",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)
    is_exercise = forms.BooleanField(label="This is an exercise, not a real event", required=False)
    lead_agency = forms.ModelChoiceField(
        queryset=None, to_field_name="slug", empty_label="Choose the lead agency"
    )

    field_order = [
        "title",
        "incident_type",
        "severity",
        "tlp",
        "description",
        "is_exercise",
        "lead_agency",
        "latitude",
        "longitude",
    ]

    def __init__(self, *args, lead_agencies, **kwargs):
        super().__init__(*args, **kwargs)
        if lead_agencies.count() > 1:
            self.fields["lead_agency"].queryset = lead_agencies
        else:
            del self.fields["lead_agency"]

    def add_service_error(self, error) -> None:
        """A verb's refusal beside the form field it concerns, or above the form."""
        field = SERVICE_FIELDS.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)
        self._mark_invalid_fields()

    def verb_arguments(self) -> dict:
        """The keyword arguments of `open_incident` (besides the actor)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "incident_type": data["incident_type"],
            "severity": data["severity"],
            "tlp": data["tlp"],
            "description": data["description"],
            "is_exercise": data["is_exercise"],
            "lead_agency": data.get("lead_agency"),
            "location": self.geojson(),
        }
