"""What every page form shares: errors announced beside their fields, and a verb's
refusal (a ServiceError) shown where it belongs."""

from django import forms

from coordination.errors import ServiceError

# What a person sees when their edit was made against an older version (a 412 in the API).
STALE_EDIT = (
    "Someone else changed this since you opened it; here is the current version — "
    "re-apply your change."
)


class PortalForm(forms.Form):
    """A form whose invalid fields say so to assistive technology too."""

    def full_clean(self):
        super().full_clean()
        self._mark_invalid_fields()

    def add_service_error(self, error: ServiceError) -> None:
        """Show a verb's refusal beside the field it names, or above the form."""
        field = error.field if error.field in self.fields else None
        self.add_error(field, error.message)
        self._mark_invalid_fields()

    def _mark_invalid_fields(self) -> None:
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}_errors"]
            if self.fields[name].help_text:
                described_by.append(f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-invalid"] = "true"
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)
