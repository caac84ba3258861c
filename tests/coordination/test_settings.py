"""Settings come from the environment: embedded by default, services when named,
and production refuses to start half-configured."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "CONCORD_ENV": "production",
    "SECRET_KEY": "k3#p9QzV!r2Lw8tN&m5Yc7Xb1Hf4Jd6Gs0Ua-Ei_Ro+Ty=Pl~Wn^Mq*Kz(Vx)Bj",
    "ALLOWED_HOSTS": "concord.example.org",
}
REPORT = """
import json, logging, django
from django.conf import settings
django.setup()
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "channels": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "debug": settings.DEBUG,
    "use_tz": settings.USE_TZ,
    "time_zone": settings.TIME_ZONE,
}))
"""


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {key: os.environ[key] for key in ("PATH", "HOME") if key in os.environ}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "coordination.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def settings_under(env: dict[str, str]) -> dict:
    result = run_python(REPORT, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_with_nothing_set_concord_runs_embedded():
    assert settings_under({}) == {
        "engine": "django.db.backends.sqlite3",
        "channels": "channels.layers.InMemoryChannelLayer",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "broker": "memory://",
        "debug": True,
        "use_tz": True,
        "time_zone": "UTC",
    }


def test_database_and_redis_urls_switch_to_the_services():
    found = settings_under(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/concord",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        }
    )
    assert found["engine"] == "django.db.backends.postgresql"
    assert found["channels"] == "channels_redis.core.RedisChannelLayer"
    assert found["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert found["eager"] is False
    assert found["broker"] == "redis://127.0.0.1:6379/0"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"CONCORD_ENV": "production", "ALLOWED_HOSTS": "a.example"}, "SECRET_KEY"),
        ({**PRODUCTION, "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({**PRODUCTION, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({**PRODUCTION, "DEBUG": "true"}, "DEBUG"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"CONCORD_ENV": "staging"}, "CONCORD_ENV"),
        ({"AXES_FAILURE_LIMIT": "five"}, "AXES_FAILURE_LIMIT"),
        ({"MAP_TILE_URL": "tiles.example.org/{z}/{x}/{y}.png"}, "MAP_TILE_URL"),
    ],
)
def test_a_bad_configuration_refuses_to_start_and_names_the_variable(env, named):
    result = run_python(REPORT, env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert named in result.stderr.strip().splitlines()[-1]


MAP_POLICY = """
import django
from django.conf import settings
django.setup()
print(" ".join(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]))
"""


@pytest.mark.parametrize(
    ("tile_url", "img_src"),
    [
        ("", "'self' data:"),
        ("https://tiles.example.org/{z}/{x}/{y}.png", "'self' data: https://tiles.example.org"),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "'self' data: https://*.tile.example.org"),
    ],
)
def test_the_map_tile_host_is_the_only_outside_image_source_allowed(tile_url, img_src):
    result = run_python(MAP_POLICY, {"MAP_TILE_URL": tile_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == img_src


def test_production_logs_one_json_object_a_line():
    code = REPORT + "\nlogging.getLogger('concord.test').warning('ready %s', 42)\n"
    result = run_python(code, PRODUCTION)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record["message"] == "ready 42"
    assert record["level"] == "WARNING"
    assert record["logger"] == "concord.test"
    assert "time" in record


def test_deploy_check_is_clean_in_production_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_model_change_has_its_migration(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
