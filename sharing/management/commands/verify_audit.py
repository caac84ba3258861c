"""`manage.py verify_audit`: walk the audit trail's hash chain and name the first break."""

from django.core.management.base import BaseCommand, CommandError

from sharing import audit
from sharing.models import AuditRecord


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits 1 naming the first broken record."

    def handle(self, *args, **options):
        checked = 0

        def counted(records):
            nonlocal checked
            for entry in records:
                checked += 1
                yield entry

        broken = audit.verify_chain(
            counted(AuditRecord.objects.order_by("id").iterator(chunk_size=2000))
        )
        if broken is not None:
            raise CommandError(
                f"Audit chain broken at record #{broken.record_id}: {broken.reason}."
            )
        self.stdout.write(f"Audit chain intact: {checked} records.")
