"""The timeline tab's forms: filter the log, write an entry, correct one."""

from django import forms

from coordination.forms import PortalForm
from incidents.models import AUTHORED_KINDS, EntryKind
from sharing.markings import TLP

AUTHORED_CHOICES = [(kind.value, kind.label) for kind in AUTHORED_KINDS]


class EntryForm(PortalForm):
    """A new line of the log. The marking defaults to the incident's; the verb refuses a
    looser one, and its refusal is shown beside the marking."""

    kind = forms.ChoiceField(choices=AUTHORED_CHOICES, initial=EntryKind.NOTE)
    text = forms.CharField(max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))
    tlp = forms.ChoiceField(
        choices=TLP.choices,
        label="Marking",
        help_text="The incident's marking or stricter; RED reaches only people named on it.",
    )


class TimelineFilterForm(forms.Form):
    """Filters kept in the URL; they narrow the entries the reader may already see."""

    kind = forms.ChoiceField(choices=[("", "All kinds"), *EntryKind.choices], required=False)
    agency = forms.ChoiceField(required=False)

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", "All agencies"),
            *((agency.slug, agency.name) for agency in agencies),
        ]

    def narrow(self, entries):
        """The entries that pass the filters; an unknown kind or agency matches none."""
        if not self.is_valid():
            return entries.none()
        if self.cleaned_data["kind"]:
            entries = entries.filter(kind=self.cleaned_data["kind"])
        if self.cleaned_data["agency"]:
            entries = entries.filter(agency__slug=self.cleaned_data["agency"])
        return entries
