from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "sharing"
    verbose_name = "Sharing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from agencies.extensions import on_role_defined
        from sharing import signals  # noqa: F401 - audits sign-ins
        from sharing.grants import grant_existing_shares_to_new_role
        from sharing.policy import forget_permission_ids

        on_role_defined(grant_existing_shares_to_new_role)
        post_migrate.connect(forget_permission_ids, dispatch_uid="concord_forget_permission_ids")
