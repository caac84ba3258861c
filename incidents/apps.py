from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incidents.models import Incident, IncidentGroupGrant, IncidentShare, IncidentUserGrant
        from sharing.policy import Shareable, register

        register(
            Shareable(
                model=Incident,
                share_model=IncidentShare,
                group_grants=IncidentGroupGrant,
                user_grants=IncidentUserGrant,
                target_field="incident",
            )
        )
