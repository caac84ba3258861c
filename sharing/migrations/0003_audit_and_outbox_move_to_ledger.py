"""The audit trail and the outbox are `ledger`'s now (see `ledger.0001`): `sharing` forgets
its models of them, leaving the tables, and drops its copy of the append-only trigger
once the ledger's guards the table."""

import pgtrigger.migrations
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sharing", "0002_sharingagreement_auto_join_event"),
        ("ledger", "0001_initial"),
    ]

    operations = [
        pgtrigger.migrations.RemoveTrigger(
            model_name="auditrecord",
            name="audit_append_only",
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="event",
                    name="actor",
                ),
                migrations.RemoveField(
                    model_name="event",
                    name="agencies",
                ),
                migrations.DeleteModel(
                    name="AuditRecord",
                ),
                migrations.DeleteModel(
                    name="Event",
                ),
            ],
        ),
    ]
