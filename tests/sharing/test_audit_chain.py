"""The audit trail's hash chain: append-only in the database, and any tampering found."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import InternalError, connection, transaction

from ledger import audit
from ledger.models import AuditAction, AuditRecord


def write(count):
    """Failed sign-ins by `count` intruders, each one record."""
    return [
        audit.record(AuditAction.LOGIN_FAILED, actor_label=f"intruder-{number}")
        for number in range(count)
    ]


def verify_audit():
    """Run `manage.py verify_audit` and return what it printed."""
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_each_record_is_chained_to_the_one_before():
    first, second, third = write(3)

    assert first.prev_hash == audit.GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert first.hash == audit.chain_hash(audit.GENESIS, AuditRecord.objects.get(pk=first.pk))


@pytest.mark.django_db
def test_an_intact_chain_verifies_and_the_command_says_so():
    write(3)

    assert audit.verify_chain().intact
    assert verify_audit() == "Audit chain intact: 3 records.\n"


@pytest.mark.django_db
def test_an_empty_trail_is_intact():
    assert verify_audit() == "Audit chain intact: 0 records.\n"


@pytest.mark.django_db
def test_a_record_from_an_ipv6_address_verifies_as_it_was_written():
    audit.record(AuditAction.LOGIN, actor_label="night-shift", ip_address="2001:DB8:0:0:0:0:0:1")

    assert AuditRecord.objects.get().ip_address == "2001:db8::1"
    assert audit.verify_chain().intact


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_change_a_record():
    (entry,) = write(1)

    with pytest.raises(InternalError, match="Cannot update or delete rows"), transaction.atomic():
        AuditRecord.objects.filter(pk=entry.pk).update(target_label="nothing happened")

    assert AuditRecord.objects.get(pk=entry.pk).target_label == ""


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_to_delete_a_record():
    (entry,) = write(1)

    with pytest.raises(InternalError, match="Cannot update or delete rows"), transaction.atomic():
        AuditRecord.objects.filter(pk=entry.pk).delete()

    assert AuditRecord.objects.filter(pk=entry.pk).exists()


@pytest.mark.django_db
def test_a_record_altered_behind_the_triggers_back_is_found(tamper_audit):
    _, second, _ = write(3)

    tamper_audit("UPDATE sharing_auditrecord SET target_label = 'x' WHERE id = %s", [second.pk])

    assert audit.verify_chain() == audit.ChainReport(
        2, second.pk, "its content does not match its hash"
    )
    with pytest.raises(CommandError) as error:
        verify_audit()
    assert str(error.value) == (
        f"Audit chain broken at record #{second.pk}: its content does not match its hash."
    )


@pytest.mark.django_db
def test_a_record_deleted_from_the_middle_is_found(tamper_audit):
    _, second, third = write(3)

    tamper_audit("DELETE FROM sharing_auditrecord WHERE id = %s", [second.pk])

    assert audit.verify_chain() == audit.ChainReport(
        2, third.pk, "its link to the previous record is broken"
    )
    with pytest.raises(CommandError, match=f"record #{third.pk}: its link"):
        verify_audit()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_still_form_one_unbroken_chain():
    start = threading.Barrier(4)
    failures = []

    def writer(number):
        try:
            start.wait()
            for _ in range(10):
                with transaction.atomic():
                    audit.record(AuditAction.LOGIN, actor_label=f"writer-{number}")
        except Exception as exc:  # reported to the main thread below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert AuditRecord.objects.count() == 40
    assert audit.verify_chain().intact
    assert verify_audit() == "Audit chain intact: 40 records.\n"
