"""`manage.py verify_audit`: walk the audit trail's hash chain and name the first break."""

from django.core.management.base import BaseCommand, CommandError

from ledger import audit


class Command(BaseCommand):
    help = "Verify the audit trail's hash chain; exits 1 naming the first broken record."

    def handle(self, *args, **options):
        report = audit.verify_chain()
        if not report.intact:
            raise CommandError(
                f"Audit chain broken at record #{report.broken_record}: {report.reason}."
            )
        self.stdout.write(f"Audit chain intact: {report.checked} records.")
