"""Periodic housekeeping of the API's own bookkeeping."""

from celery import shared_task

from coordination.idempotency import purge_expired


@shared_task(name="coordination.purge_idempotency_keys")
def purge_idempotency_keys() -> int:
    """Forget Idempotency-Keys older than 24 hours (scheduled hourly by beat)."""
    return purge_expired()
