"""The whole demo, seeded in one transaction, in the order its rules need."""

from collections import Counter
from collections.abc import Callable

from django.db import transaction

from demo.agreements import lapse_agreements, seed_agreements
from demo.command import seed_command
from demo.incidents import seed_incidents
from demo.people import OPERATOR_USERNAME, seed_memberships, seed_people
from demo.region import seed_region


def quiet(line: str) -> None:
    """Say nothing: the default when no one asked for a line per thing created."""


def seed_demo(say: Callable[[str], None] = quiet) -> Counter:
    """Create whatever of the demo is missing, leave what exists as it is, and count both.

    The people come first (the operator among them), then the region and who belongs
    where; agreements come before the incidents shared under them, their lapses after;
    unified command needs the incidents. A failure leaves the database as it was.
    """
    counts = Counter()
    with transaction.atomic():
        people = seed_people(counts)
        agencies = seed_region(people[OPERATOR_USERNAME], counts, say)
        seed_memberships(agencies, people, counts)
        created = seed_agreements(agencies, people, counts, say)
        seed_incidents(agencies, people, counts, say)
        lapse_agreements(created, agencies, people, say)
        seed_command(agencies, people, counts, say)
    return counts
