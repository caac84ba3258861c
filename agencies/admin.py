"""The Django admin for platform operators: agencies, jurisdictions, members, clients.

Every change is handed to the service verbs, so groups, hierarchy paths and bounding
boxes stay right whichever door a change comes through. Roles are defined by each
agency's own administrators and shown here read-only.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from agencies import services
from agencies.geo import parse_boundary
from agencies.models import Agency, ApiClient, Jurisdiction, Membership, Responsibility, Role
from coordination.errors import ServiceError


class ServiceErrorsAsMessages:
    """A rule a service refuses shows as an error message, and nothing is saved."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ServiceError as error:
            messages.error(request, error.message)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Agency)
class AgencyAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "kind", "parent", "is_active", "email", "phone", "website", "address"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            services.update_agency(Agency.objects.get(pk=obj.pk), actor=request.user, **changed)
            return
        data = dict(form.cleaned_data)
        data.pop("is_active", None)
        created = services.register_agency(actor=request.user, **data)
        obj.pk, obj.tree_path = created.pk, created.tree_path

    def has_delete_permission(self, request, obj=None):
        return False


class JurisdictionForm(forms.ModelForm):
    class Meta:
        model = Jurisdiction
        fields = ["name", "slug", "level", "code", "boundary"]

    def clean_boundary(self):
        boundary = self.cleaned_data["boundary"]
        try:
            parse_boundary(boundary)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return boundary


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 1
    autocomplete_fields = ["agency"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = JurisdictionForm
    list_display = ["name", "slug", "level", "code"]
    list_filter = ["level"]
    search_fields = ["name", "slug", "code"]
    inlines = [ResponsibilityInline]

    def save_model(self, request, obj, form, change):
        data = dict(form.cleaned_data)
        if change:
            data.pop("slug")
            services.change_jurisdiction(
                Jurisdiction.objects.get(pk=obj.pk), actor=request.user, **data
            )
            obj.refresh_from_db()
        else:
            created = services.define_jurisdiction(actor=request.user, **data)
            obj.pk = created.pk


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "slug", "is_builtin", "capability_list"]
    list_filter = ["is_builtin", "agency"]
    search_fields = ["name", "agency__name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("agency")
            .prefetch_related("capability_grants")
        )

    @admin.display(description="Capabilities")
    def capability_list(self, role):
        return ", ".join(role.sorted_capabilities)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "role", "is_active"]

    def clean(self):
        cleaned = super().clean()
        agency, role = cleaned.get("agency"), cleaned.get("role")
        if agency and role and role.agency_id != agency.pk:
            self.add_error("role", f"{role.name} is not a role of {agency.name}.")
        return cleaned


@admin.register(Membership)
class MembershipAdmin(ServiceErrorsAsMessages, admin.ModelAdmin):
    form = MembershipForm
    list_display = ["user", "agency", "role", "is_active", "created_at"]
    list_filter = ["is_active", "agency"]
    search_fields = ["user__username", "user__email", "agency__name"]
    autocomplete_fields = ["user", "agency"]

    def get_readonly_fields(self, request, obj=None):
        return ["user", "agency"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            services.change_member(
                Membership.objects.get(pk=obj.pk),
                actor=request.user,
                role=form.cleaned_data["role"],
                is_active=form.cleaned_data["is_active"],
            )
        else:
            created = services.add_member(
                form.cleaned_data["agency"],
                user=form.cleaned_data["user"],
                role=form.cleaned_data["role"],
                actor=request.user,
            )
            obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "role", "token_prefix", "expires_at", "revoked_at"]
    list_filter = ["agency"]
    search_fields = ["name", "agency__name", "token_prefix"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected API clients")
    def revoke(self, request, queryset):
        for client in queryset:
            services.revoke_api_client(client, actor=request.user)
        self.message_user(request, f"Revoked {queryset.count()} API client(s).")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
