"""The agency-admin forms for members and API clients.

They only parse what the administrator typed; the verbs in `agencies.services` decide
(a role of another agency, a duplicate name, the last administrator, an expiry in the
past) and their refusals are put beside the field they name with `add_service_error`.
Field names follow the verbs' keyword arguments so those refusals land in the right place.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from agencies.access import least_privileged_role
from agencies.models import Agency, ApiScope
from coordination.forms import PortalForm

User = get_user_model()


class RoleField(forms.ModelChoiceField):
    """One of the agency's roles, sent as its slug and shown by name."""

    def label_from_instance(self, role):
        return role.name


def _role_field(agency: Agency, **kwargs) -> RoleField:
    return RoleField(queryset=agency.roles.all(), to_field_name="slug", empty_label=None, **kwargs)


def _offer_least_privilege_first(form: PortalForm, agency: Agency) -> None:
    """A new member or client starts in the least privileged role: more is a choice."""
    if not form.is_bound:
        form.fields["role"].initial = least_privileged_role(agency)


class AddMemberForm(PortalForm):
    user = forms.CharField(
        label="Person",
        max_length=254,
        help_text="Their username or e-mail address. They need an account already.",
    )

    def __init__(self, agency: Agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(agency, label="Role")
        _offer_least_privilege_first(self, agency)

    def clean_user(self):
        given = self.cleaned_data["user"].strip()
        people = list(User.objects.filter(Q(username=given) | Q(email__iexact=given))[:2])
        if not people:
            raise forms.ValidationError("No person has this username or e-mail address.")
        if len(people) > 1:
            raise forms.ValidationError(
                "More than one person has this e-mail address; give the username instead."
            )
        return people[0]


class ChangeRoleForm(PortalForm):
    def __init__(self, agency: Agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(agency, label="New role")


class ApiClientForm(PortalForm):
    name = forms.CharField(
        max_length=100, help_text="Say which system it is, e.g. “CAD bridge”; unique here."
    )
    scopes = forms.MultipleChoiceField(
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Read lets it fetch; write lets it change what its role may change.",
    )
    expires_at = forms.DateTimeField(
        label="Expires at",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Leave empty for a token that works until it is revoked.",
    )

    def __init__(self, agency: Agency, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(
            agency,
            label="Role",
            help_text="The client may do exactly what a person in this role may do.",
        )
        _offer_least_privilege_first(self, agency)
        self.order_fields(["name", "role", "scopes", "expires_at"])
