"""Incident references are unique and gapless, also when many are opened at once."""

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, transaction

from incidents.models import Incident
from tests.factories import AgencyFactory, member_of, open_incident


def test_references_count_up_within_the_year(agency):
    duty = member_of(agency, "duty_officer")
    first, second = open_incident(duty), open_incident(duty)
    year = datetime.now(UTC).year
    assert (first.reference, second.reference) == (f"INC-{year}-000001", f"INC-{year}-000002")


def test_a_rolled_back_creation_gives_its_number_back(agency):
    duty = member_of(agency, "duty_officer")
    with transaction.atomic():
        open_incident(duty)
        transaction.set_rollback(True)
    assert open_incident(duty).reference.endswith("-000001")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_creation_yields_unique_gapless_references():
    agency = AgencyFactory(name="Harbor Police", slug="harbor-police")
    duty = member_of(agency, "duty_officer")
    threads_count, per_thread = 6, 5
    failures = []
    start = threading.Barrier(threads_count)

    def open_several():
        try:
            start.wait()
            for _ in range(per_thread):
                open_incident(duty)
        except Exception as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_several) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    numbers = sorted(int(ref[-6:]) for ref in Incident.objects.values_list("reference", flat=True))
    assert numbers == list(range(1, threads_count * per_thread + 1))
