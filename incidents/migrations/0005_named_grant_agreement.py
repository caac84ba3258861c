"""A named grant records the agreement it was made under, and counts only while it is in
force.

Grants named before this were not recorded with their agreement, so each is given the one
it must have been made under: none for a person inside the lead agency's organisation or
one named by breaking glass; otherwise the agreement between the lead agency and one of
the person's agencies that covers the incident (the one in force and running longest
first), or failing that the latest agreement between them. A grant that no agreement ever
linked stays without one, as before.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import F
from django.utils import timezone

# TLP 2.0, least strict first (frozen here: a migration must not follow later code).
RANK = {"CLEAR": 0, "GREEN": 1, "AMBER": 2, "AMBER+STRICT": 3, "RED": 4}


def _same_organisation(a, b) -> bool:
    return a.tree_path.startswith(b.tree_path) or b.tree_path.startswith(a.tree_path)


def _named_by_breaking_glass(AuditRecord, incident, username) -> bool:
    latest = (
        AuditRecord.objects.filter(
            action__in=["person_granted", "break_glass"],
            target_type="incidents.incident",
            target_id=str(incident.public_id),
            detail__person=username,
        )
        .order_by("-id")
        .values_list("action", flat=True)
        .first()
    )
    return latest == "break_glass"


def _agreement_for(SharingAgreement, incident, agencies):
    now = timezone.now()
    between = (
        SharingAgreement.objects.filter(party_links__agency_id=incident.lead_agency_id)
        .filter(party_links__agency__in=agencies)
        .distinct()
    )

    def in_force(agreement) -> bool:
        return (
            agreement.status == "active"
            and agreement.valid_from <= now
            and (agreement.valid_until is None or agreement.valid_until > now)
        )

    def covers(agreement) -> bool:
        return (
            not agreement.incident_types or incident.incident_type in agreement.incident_types
        ) and RANK[incident.tlp] <= RANK[agreement.max_tlp]

    longest_first = sorted(
        between.order_by(F("valid_until").desc(nulls_first=True), "pk"),
        key=lambda agreement: not in_force(agreement),
    )
    covering = [agreement for agreement in longest_first if covers(agreement)]
    if covering:
        return covering[0]
    return between.order_by("-pk").first()


def record_agreements(apps, schema_editor):
    Agency = apps.get_model("agencies", "Agency")
    AuditRecord = apps.get_model("ledger", "AuditRecord")
    Incident = apps.get_model("incidents", "Incident")
    IncidentUserGrant = apps.get_model("incidents", "IncidentUserGrant")
    SharingAgreement = apps.get_model("sharing", "SharingAgreement")
    User = apps.get_model(settings.AUTH_USER_MODEL)

    pairs = IncidentUserGrant.objects.values_list("content_object_id", "user_id").distinct()
    for incident_id, user_id in list(pairs):
        incident = Incident.objects.select_related("lead_agency").get(pk=incident_id)
        agencies = list(Agency.objects.filter(roles__group__user=user_id).distinct())
        if any(_same_organisation(agency, incident.lead_agency) for agency in agencies):
            continue
        username = User.objects.filter(pk=user_id).values_list("username", flat=True).first()
        if _named_by_breaking_glass(AuditRecord, incident, username):
            continue
        agreement = _agreement_for(SharingAgreement, incident, agencies)
        if agreement is not None:
            named = IncidentUserGrant.objects.filter(content_object_id=incident_id, user_id=user_id)
            named.update(agreement=agreement)


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
        ("incidents", "0004_lead_participants"),
        ("ledger", "0001_initial"),
        ("sharing", "0002_sharingagreement_auto_join_event"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="incidentusergrant",
            name="agreement",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="%(app_label)s_%(class)s_set",
                to="sharing.sharingagreement",
            ),
        ),
        migrations.RunPython(record_agreements, migrations.RunPython.noop),
    ]
