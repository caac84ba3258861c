"""The audit trail and the outbox, which `sharing` created, become `ledger`'s.

Only Django's picture of the models moves: the tables keep their names and their rows.
The append-only trigger is named after its model, so the ledger's own is installed here
on the same table and `sharing.0003` drops the old one: the table refuses UPDATE and
DELETE throughout.
"""

import django.db.models.deletion
import django.utils.timezone
import pgtrigger.compiler
import pgtrigger.migrations
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("agencies", "0001_initial"),
        ("sharing", "0002_sharingagreement_auto_join_event"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Event",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("kind", models.CharField(db_index=True, max_length=64)),
                        ("target_type", models.CharField(max_length=64)),
                        ("target_id", models.CharField(max_length=64)),
                        (
                            "tlp",
                            models.CharField(
                                blank=True,
                                help_text="The TLP marking (sharing.markings.TLP) of what it concerns; empty for an object no marking covers (an agency's own records), delivered to `agencies` only",
                                max_length=16,
                            ),
                        ),
                        ("payload", models.JSONField(blank=True, default=dict)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "agencies",
                            models.ManyToManyField(
                                blank=True, related_name="+", to="agencies.agency"
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sharing_event",
                        "ordering": ["id"],
                        "indexes": [
                            models.Index(
                                fields=["target_type", "target_id", "id"], name="event_target"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuditRecord",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "at",
                            models.DateTimeField(db_index=True, default=django.utils.timezone.now),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("object_created", "Object created"),
                                    ("viewed", "Viewed (AMBER or stricter)"),
                                    ("status_changed", "Status changed"),
                                    ("marking_changed", "Marking changed"),
                                    ("share_granted", "Shared with an agency"),
                                    ("share_revoked", "Share revoked"),
                                    ("person_granted", "Granted to a named person"),
                                    ("person_revoked", "Named grant revoked"),
                                    ("break_glass", "Break-glass share"),
                                    ("agreement_proposed", "Agreement proposed"),
                                    ("agreement_accepted", "Agreement accepted"),
                                    ("agreement_activated", "Agreement activated"),
                                    ("agreement_suspended", "Agreement suspended"),
                                    ("agreement_renewed", "Agreement renewal proposed"),
                                    ("login", "Signed in"),
                                    ("login_failed", "Failed sign-in"),
                                    ("token_used", "API token used"),
                                    ("member_added", "Member added"),
                                    ("member_changed", "Member's role changed"),
                                    ("member_deactivated", "Member deactivated"),
                                    ("role_defined", "Role defined"),
                                    ("role_changed", "Role changed"),
                                    ("role_deleted", "Role deleted"),
                                    ("api_client_issued", "API client issued"),
                                    ("api_client_updated", "API client changed"),
                                    ("api_client_revoked", "API client revoked"),
                                    ("agency_registered", "Agency registered"),
                                    ("agency_moved", "Agency moved in the hierarchy"),
                                    ("agency_deactivated", "Agency deactivated"),
                                    ("agency_reactivated", "Agency reactivated"),
                                ],
                                db_index=True,
                                max_length=32,
                            ),
                        ),
                        ("actor_label", models.CharField(blank=True, max_length=200)),
                        ("target_type", models.CharField(blank=True, max_length=64)),
                        ("target_id", models.CharField(blank=True, db_index=True, max_length=64)),
                        ("target_label", models.CharField(blank=True, max_length=300)),
                        (
                            "flagged",
                            models.BooleanField(
                                default=False, help_text="Needs attention, e.g. break-glass"
                            ),
                        ),
                        ("detail", models.JSONField(blank=True, default=dict)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("prev_hash", models.CharField(max_length=64)),
                        ("hash", models.CharField(max_length=64, unique=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "agency",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_records",
                                to="agencies.agency",
                            ),
                        ),
                        (
                            "other_agency",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="audit_records_as_other",
                                to="agencies.agency",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "sharing_auditrecord",
                        "ordering": ["-id"],
                        "indexes": [
                            models.Index(fields=["agency", "-id"], name="audit_agency_recent"),
                            models.Index(
                                fields=["other_agency", "-id"], name="audit_other_agency_recent"
                            ),
                        ],
                    },
                ),
            ],
        ),
        pgtrigger.migrations.AddTrigger(
            model_name="auditrecord",
            trigger=pgtrigger.compiler.Trigger(
                name="audit_append_only",
                sql=pgtrigger.compiler.UpsertTriggerSql(
                    func="RAISE EXCEPTION 'pgtrigger: Cannot update or delete rows from % table', TG_TABLE_NAME;",
                    hash="8bca8f57fc43962fc705899fd8b753b91e4c406b",
                    operation="UPDATE OR DELETE",
                    pgid="pgtrigger_audit_append_only_d26f0",
                    table="sharing_auditrecord",
                    when="BEFORE",
                ),
            ),
        ),
    ]
