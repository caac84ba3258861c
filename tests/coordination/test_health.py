"""/healthz tells a load balancer which service is down, if any."""

import pytest


def test_all_up_is_200_with_each_check_named(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "channel_layer", "broker"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.redis
def test_against_the_real_services_each_answers(client, db):
    body = client.get("/healthz").json()
    assert body["checks"]["channel_layer"]["detail"] == "RedisChannelLayer"
    assert body["checks"]["broker"]["detail"] != "eager (tasks run in-process)"


def test_a_dead_redis_is_503_naming_the_channel_layer_and_broker(client, db, settings):
    dead = "redis://127.0.0.1:1/0"
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [dead]}}
    }
    settings.CELERY_BROKER_URL = dead
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["failing"] == ["channel_layer", "broker"]
    assert body["checks"]["database"]["ok"] is True
    assert "Error" in body["checks"]["broker"]["error"]
