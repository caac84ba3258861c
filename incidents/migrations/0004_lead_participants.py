"""Every existing incident gets its lead agency as its lead participant."""

from django.db import migrations


def add_lead_participants(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Participant = apps.get_model("incidents", "Participant")
    IncidentShare = apps.get_model("incidents", "IncidentShare")
    for incident in Incident.objects.filter(participants__isnull=True).iterator():
        share = IncidentShare.objects.filter(incident=incident, kind="lead").first()
        Participant.objects.create(
            incident=incident,
            agency_id=incident.lead_agency_id,
            part="lead",
            status="active",
            share=share,
            added_by_id=incident.created_by_id,
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_unified_command")]

    operations = [migrations.RunPython(add_lead_participants, migrations.RunPython.noop)]
