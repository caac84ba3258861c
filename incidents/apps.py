from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = "Incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incidents import models
        from sharing.policy import Child, Shareable, register, register_child

        register(
            Shareable(
                model=models.Incident,
                share_model=models.IncidentShare,
                group_grants=models.IncidentGroupGrant,
                user_grants=models.IncidentUserGrant,
                target_field="incident",
            )
        )
        # Everything under an incident is open exactly where the incident is; timeline
        # entries and situation reports carry a marking of their own that may narrow it.
        for model in (
            models.Participant,
            models.OperationalPeriod,
            models.Task,
            models.ResourceRequest,
        ):
            register_child(Child(model, models.Incident, "incident"))
        register_child(Child(models.TimelineEntry, models.Incident, "incident", "tlp"))
        register_child(Child(models.SituationReport, models.Incident, "incident", "tlp"))
        register_child(Child(models.Position, models.Incident, "period__incident"))
        register_child(Child(models.Objective, models.Incident, "period__incident"))
