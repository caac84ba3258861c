"""The resource requests tab's forms (ICS 213RR): ask another agency, correct what was
asked, take a step of the workflow.

They only parse what a person typed; incidents/services/resource_requests.py decides
who may do it, and its refusals are put beside the field they name.
"""

from django import forms

from agencies.access import agencies_with
from agencies.capabilities import Capability
from coordination.forms import PortalForm
from incidents.forms.tasks import UNFINISHED, local_datetime_field
from incidents.models import (
    MAX_QUANTITY,
    OPEN_REQUEST_STATUSES,
    Priority,
    ResourceStatus,
    agencies_taking_part,
)

KINDS_LIST_ID = "resource-kinds"


class RequestFieldsForm(PortalForm):
    """What is asked for: the fields a requester writes and may correct."""

    resource_kind = forms.CharField(
        label="Kind of resource",
        max_length=120,
        help_text="Pick a common NIMS kind or type your own.",
        widget=forms.TextInput(attrs={"list": KINDS_LIST_ID, "autocomplete": "off"}),
    )
    resource_type = forms.CharField(
        label="NIMS type", max_length=120, required=False, help_text="For example Type 1."
    )
    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)
    priority = forms.ChoiceField(choices=Priority.choices, initial=Priority.NORMAL)
    needed_by = local_datetime_field("Needed by")
    delivery_location = forms.CharField(
        label="Deliver to", max_length=300, required=False, help_text="Staging area or address."
    )
    details = forms.CharField(
        label="Justification and notes",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    FIELDS = (
        "resource_kind",
        "resource_type",
        "quantity",
        "priority",
        "needed_by",
        "delivery_location",
        "details",
    )


class RequestCreateForm(RequestFieldsForm):
    """A new request to another agency taking part, on behalf of one's own.

    The requesting agency is asked only of someone who could act for several agencies
    taking part; otherwise the verb picks the one they act for here.
    """

    requesting_agency = forms.ModelChoiceField(
        label="Requesting agency", queryset=None, to_field_name="slug", required=False
    )
    supplying_agency = forms.ModelChoiceField(
        label="Ask this agency", queryset=None, to_field_name="slug"
    )

    field_order = ["requesting_agency", "supplying_agency"]

    def __init__(self, *args, incident, user, **kwargs):
        super().__init__(*args, **kwargs)
        taking_part = agencies_taking_part(incident).order_by("name")
        own = taking_part.filter(pk__in=agencies_with(user, Capability.CONTRIBUTE))
        own_agencies = list(own)
        if len(own_agencies) > 1:
            self.fields["requesting_agency"].queryset = own
            self.fields["requesting_agency"].empty_label = "The agency you act for here"
            self.fields["supplying_agency"].queryset = taking_part
        else:
            del self.fields["requesting_agency"]
            self.fields["supplying_agency"].queryset = taking_part.exclude(
                pk__in=[agency.pk for agency in own_agencies]
            )
        self.fields["supplying_agency"].empty_label = "Choose an agency taking part"

    def arguments(self) -> dict:
        """The request_resources verb's keyword arguments."""
        data = self.cleaned_data
        arguments = {name: data[name] for name in self.FIELDS}
        arguments["supplying_agency"] = data["supplying_agency"]
        arguments["requesting_agency"] = data.get("requesting_agency")
        return arguments


class RequestEditForm(RequestFieldsForm):
    """A correction of what was asked, against the version the requester saw."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    @classmethod
    def values_of(cls, request) -> dict:
        """The request as the form shows it, as initial values or as the data a stale
        editor is handed back (to the minute, as the input shows it)."""
        values = {name: getattr(request, name) for name in cls.FIELDS}
        if request.needed_by:
            values["needed_by"] = request.needed_by.replace(second=0, microsecond=0)
        else:
            values["needed_by"] = ""
        values["version"] = request.version
        return values

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


class StepForm(PortalForm):
    """One step of the workflow; denying and cancelling must say why."""

    to = forms.ChoiceField(choices=ResourceStatus.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, note_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        note = self.fields["note"]
        if note_required:
            # The browser asks first; the verb's own refusal is the one that counts.
            note.label = "Why (required)"
            note.widget.attrs["required"] = True
        else:
            note.label = "Note (optional)"


class RequestFilterForm(forms.Form):
    """Filters kept in the URL; they narrow the requests the reader may already see."""

    status = forms.ChoiceField(
        required=False,
        choices=[("", "Any status"), (UNFINISHED, "Not finished"), *ResourceStatus.choices],
    )

    def narrow(self, requests):
        if not self.is_valid():
            return requests
        status = self.cleaned_data["status"]
        if status == UNFINISHED:
            return requests.filter(status__in=OPEN_REQUEST_STATUSES)
        return requests.filter(status=status) if status else requests
