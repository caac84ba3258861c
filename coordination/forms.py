"""What every page form shares: errors announced beside their fields, and a verb's
refusal (a ServiceError) shown where it belongs."""

from django import forms

from coordination.errors import ServiceError


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
            if name in self.fields:
                self.fields[name].widget.attrs["aria-invalid"] = "true"
                self.fields[name].widget.attrs["aria-describedby"] = f"{self[name].auto_id}_errors"
