from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = "Agencies"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from agencies.api import schema  # noqa: F401 - registers the OpenAPI auth scheme
