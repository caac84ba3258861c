"""The situation report form: the author's summary and the figures `issue_sitrep` accepts.

The form checks only the shape of what was typed; `clean_figures` in the verb stays the
rule, and its refusal comes back beside the figures.
"""

from django import forms

from coordination.forms import PortalForm
from incidents.ics.sitrep import FIGURE_COUNTS, FIGURE_NOTES, MAX_FIGURE

WHOLE_NUMBER = f"Enter a whole number from 0 to {MAX_FIGURE:,}, or leave it blank."
COUNT_LABELS = {
    "fatalities": "Fatalities",
    "injured": "Injured",
    "missing": "Missing",
    "evacuated": "Evacuated",
    "sheltered": "Sheltered",
    "structures_destroyed": "Structures destroyed",
    "structures_damaged": "Structures damaged",
}


class SitrepForm(PortalForm):
    """A report's summary and casualty and damage figures; a blank count is "not reported"."""

    summary = forms.CharField(
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What has changed and what matters now.",
    )
    notes = forms.CharField(
        required=False,
        max_length=5000,
        label="Notes on the figures",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FIGURE_COUNTS:
            self.fields[name] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=MAX_FIGURE,
                label=COUNT_LABELS[name],
                widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
                error_messages={
                    "invalid": WHOLE_NUMBER,
                    "min_value": WHOLE_NUMBER,
                    "max_value": WHOLE_NUMBER,
                },
            )
        # Notes last, after the counts they explain.
        self.order_fields(["summary", *FIGURE_COUNTS, FIGURE_NOTES])

    def count_fields(self):
        return [self[name] for name in FIGURE_COUNTS]

    def figures(self) -> dict:
        """The figures as the verb takes them: counts given, and notes if any."""
        data = self.cleaned_data
        figures = {name: data[name] for name in FIGURE_COUNTS if data.get(name) is not None}
        if data.get(FIGURE_NOTES):
            figures[FIGURE_NOTES] = data[FIGURE_NOTES]
        return figures
