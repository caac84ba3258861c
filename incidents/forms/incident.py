"""The forms of one incident's summary and edit pages: its details, its marking, its status.

They only parse what a person typed; the verbs in `incidents.services.incidents` decide
whether the change is allowed, and their refusals are shown beside the field they name.
"""

from django import forms

from coordination.forms import PortalForm
from incidents.models import Incident, IncidentStatus, IncidentType
from sharing.markings import TLP

SEVERITIES = [(level, f"{level} of 5") for level in range(1, 6)]


class StatusForm(PortalForm):
    """The header's status change: the reason is checked by the verb, which says what to fix."""

    to = forms.ChoiceField(choices=IncidentStatus.choices)
    reason = forms.CharField(max_length=500, required=False, strip=True)
    version = forms.IntegerField(min_value=1, required=False)


class IncidentForm(PortalForm):
    """What command may edit about an incident (the marking has a form of its own)."""

    # The verbs name the fields of the API; these are the same fields on the page.
    SERVICE_FIELDS = {"location": "latitude", "incident_type": "type"}

    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False)
    type = forms.ChoiceField(
        choices=IncidentType.choices,
        help_text="Changing the type withdraws shares whose agreement does not cover the new type.",
    )
    severity = forms.TypedChoiceField(choices=SEVERITIES, coerce=int)
    latitude = forms.FloatField(
        min_value=-90, max_value=90, help_text="Decimal degrees; click the map to set it."
    )
    longitude = forms.FloatField(min_value=-180, max_value=180)
    is_exercise = forms.BooleanField(
        required=False, label="This incident is an exercise, not a real event"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_from(cls, incident: Incident) -> dict:
        return {
            "title": incident.title,
            "description": incident.description,
            "type": incident.incident_type,
            "severity": incident.severity,
            "latitude": incident.latitude,
            "longitude": incident.longitude,
            "is_exercise": incident.is_exercise,
            "version": incident.version,
        }

    def changes_to(self, incident: Incident) -> dict:
        """Only what differs from the incident, in the verb's names: an untouched location
        is not routed again and an untouched type withdraws nothing."""
        data = self.cleaned_data
        wanted = {
            "title": data["title"],
            "description": data["description"],
            "incident_type": data["type"],
            "severity": data["severity"],
            "is_exercise": data["is_exercise"],
        }
        changes = {
            name: value for name, value in wanted.items() if getattr(incident, name) != value
        }
        if (data["latitude"], data["longitude"]) != (incident.latitude, incident.longitude):
            changes["location"] = {
                "type": "Point",
                "coordinates": [data["longitude"], data["latitude"]],
            }
        return changes

    def add_service_error(self, error) -> None:
        error.field = self.SERVICE_FIELDS.get(error.field, error.field)
        super().add_service_error(error)


class MarkingForm(PortalForm):
    """Re-mark the incident (TLP 2.0). Its consequences are spelt out before submit."""

    tlp = forms.ChoiceField(
        choices=TLP.choices,
        label="Marking",
        help_text=(
            "Raising the marking narrows who may read the incident: shares whose agreement "
            "does not allow the new marking are withdrawn at once, and RED admits only named "
            "people. Lowering it (needs the share permission) lets more people read it."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
