"""`manage.py seed_demo`: the Marrow County demo region and its incidents, for `make run`."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from coordination.errors import ServiceError
from demo.people import DEMO_PASSWORD, OPERATOR_USERNAME
from demo.seed import quiet, seed_demo

COUNTED = ("agencies", "jurisdictions", "users", "agreements", "incidents", "command_structures")


class Command(BaseCommand):
    help = (
        "Create the fictional Marrow County demo region (agencies, jurisdictions, roles, "
        "one demo user per role, sharing agreements and incidents), leaving whatever "
        "already exists as it is."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Seed even when CONCORD_ENV=production (every demo account shares a "
            "published password).",
        )

    def handle(self, *args, allow_production: bool = False, verbosity: int = 1, **options):
        # Every demo account signs in with a published password (`make run` prints it): on
        # a production portal they would be open doors, so seeding there must be deliberate.
        if settings.PRODUCTION and not allow_production:
            raise CommandError(
                "Refusing to seed demo data: CONCORD_ENV is production, and every demo "
                f"account's password is the published {DEMO_PASSWORD!r}. "
                "Pass --allow-production if you really mean it."
            )
        try:
            counts = seed_demo(say=self.stdout.write if verbosity > 1 else quiet)
        except ServiceError as exc:
            raise CommandError(f"Could not seed the demo region: {exc.message}") from exc

        self.stdout.write("Demo region: Marrow County, State of Westmarch")
        for kind in COUNTED:
            self.stdout.write(
                f"  {kind + ':':<15}{counts[f'{kind}_created']:>3} created, "
                f"{counts[f'{kind}_present']} already present"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign in at {reverse('login')} as <agency-slug>.<role>, "
                f"e.g. harbor-police.duty_officer, password: {DEMO_PASSWORD}\n"
                f"Django admin at {reverse('admin:index')}: {OPERATOR_USERNAME} / {DEMO_PASSWORD}"
            )
        )
        if settings.PRODUCTION:
            self.stderr.write(
                self.style.WARNING(
                    "This is a production portal: change or disable the demo accounts."
                )
            )
