"""`/healthz`: is each service Concord depends on reachable right now?

Load balancers and docker-compose poll it. Each check is bounded by a short timeout so
that one dead service makes the answer 503 naming that service, not a hung request.
"""

import uuid
from time import perf_counter

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

CHECK_TIMEOUT_SECONDS = 2.0


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_channel_layer() -> str:
    """Send a message to a private channel and read it back."""
    layer = get_channel_layer()
    channel = f"healthz.{uuid.uuid4().hex}"
    message = {"type": "healthz.ping"}

    async def round_trip():
        import asyncio

        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            await layer.send(channel, message)
            return await layer.receive(channel)

    if async_to_sync(round_trip)() != message:
        raise RuntimeError("the channel layer returned a different message")
    return type(layer).__name__


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager (tasks run in-process)"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT_SECONDS) as conn:
        conn.ensure_connection(max_retries=1, timeout=CHECK_TIMEOUT_SECONDS)
        return conn.transport_cls if isinstance(conn.transport_cls, str) else "connected"


CHECKS = {
    "database": check_database,
    "channel_layer": check_channel_layer,
    "broker": check_broker,
}


@never_cache
@require_GET
def healthz(request):
    results = {}
    failing = []
    for name, check in CHECKS.items():
        started = perf_counter()
        try:
            detail = check()
        except Exception as exc:
            failing.append(name)
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        else:
            results[name] = {"ok": True, "detail": detail}
        results[name]["ms"] = round((perf_counter() - started) * 1000, 1)
    body = {"status": "ok" if not failing else "unavailable", "checks": results}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=200 if not failing else 503)
