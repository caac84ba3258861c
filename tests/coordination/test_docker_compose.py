"""The docker-compose stack and its image: the production shape users run on their machines.

Docker cannot build or run here, so these tests check what can be checked without it:
Compose's own validation (`docker compose config`) where a Compose client is installed,
and the structure of docker-compose.yml and the Dockerfile everywhere.
"""

import json
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"

SERVICES = ("postgres", "redis", "web", "worker", "beat")
CONCORD_SERVICES = ("web", "worker", "beat")
READY_CONDITIONS = {"service_healthy", "service_completed_successfully"}
A_SECRET_KEY = "compose-config-test-key-" + "x" * 40


def compose_command() -> list[str]:
    """`docker compose` (the plugin) or the standalone `docker-compose` v2, else skip."""
    if shutil.which("docker"):
        probe = subprocess.run(
            ["docker", "compose", "version"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        probe = subprocess.run(
            ["docker-compose", "version", "--short"], capture_output=True, text=True, timeout=60
        )
        if probe.returncode == 0 and not probe.stdout.strip().startswith("1."):
            return ["docker-compose"]
    pytest.skip(
        "no Docker Compose v2 client here (neither `docker compose` nor `docker-compose`); "
        "docker-compose.yml is still checked structurally below"
    )


def run_compose_config(secret_key: str | None) -> subprocess.CompletedProcess:
    command = compose_command()
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    return subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config", "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_validates_the_file():
    result = run_compose_config(A_SECRET_KEY)
    assert result.returncode == 0, result.stderr


def test_compose_refuses_to_start_without_a_secret_key():
    dotenv = ROOT / ".env"
    if dotenv.exists() and "SECRET_KEY" in dotenv.read_text():
        pytest.skip("a local .env file sets SECRET_KEY for Compose")
    result = run_compose_config(None)
    assert result.returncode != 0
    assert "set SECRET_KEY" in result.stderr + result.stdout


@pytest.fixture(scope="module")
def compose() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    lines = [
        line for line in DOCKERFILE.read_text().splitlines() if not line.lstrip().startswith("#")
    ]
    text = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    instructions = []
    for line in text.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), arguments.strip()))
    return instructions


def test_the_five_services_exist(services):
    assert set(SERVICES) <= set(services)


def test_each_long_running_service_is_health_checked_or_waits_for_healthy_services(services):
    for name in SERVICES:
        service = services[name]
        depends_on = service.get("depends_on") or {}
        assert isinstance(depends_on, dict), f"{name}: depends_on needs conditions"
        waits_for_ready = bool(depends_on) and all(
            dependency.get("condition") in READY_CONDITIONS for dependency in depends_on.values()
        )
        assert "healthcheck" in service or waits_for_ready, name


def test_every_dependency_exists_and_can_report_its_condition(services):
    for name, service in services.items():
        for dependency, spec in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown service {dependency}"
            if spec.get("condition") == "service_healthy":
                assert "healthcheck" in services[dependency], (
                    f"{name} waits for {dependency} to be healthy, but it has no health check"
                )


def test_concord_processes_run_one_image_build(services):
    names = [name for name in services if name in CONCORD_SERVICES or name == "migrate"]
    builds = {(repr(services[name].get("build")), services[name].get("image")) for name in names}
    assert len(builds) == 1, builds
    ((build, _image),) = builds
    assert build != "None", "the Concord services must be built from the Dockerfile"


def test_concord_processes_run_in_production_mode_with_a_required_secret(services):
    for name in CONCORD_SERVICES:
        environment = services[name]["environment"]
        assert environment["CONCORD_ENV"] == "production", name
        assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?"), name
        assert environment["DATABASE_URL"].startswith("postgres://"), name
        assert "@postgres:5432/" in environment["DATABASE_URL"], name
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name


def host_port(port) -> str:
    """The host side of a port mapping ("" when Docker picks it)."""
    if isinstance(port, dict):
        return str(port.get("published") or "")
    parts = str(port).split("/")[0].split(":")
    return parts[-2] if len(parts) > 1 else ""


def test_web_and_worker_can_be_scaled(services):
    """`--scale web=N` must not ask N containers for one fixed host port."""
    for name in ("web", "worker"):
        service = services[name]
        assert "container_name" not in service, name
        for port in service.get("ports", []):
            published = host_port(port)
            assert not published or "-" in published, f"{name} pins host port {port}"


def test_web_health_check_asks_healthz_without_curl(services):
    test = services["web"]["healthcheck"]["test"]
    command = " ".join(test) if isinstance(test, list) else test
    assert "/healthz" in command
    assert "python" in command
    assert "curl" not in command


def test_dockerfile_runs_daphne_as_a_non_root_user():
    instructions = dockerfile_instructions()
    keywords = [keyword for keyword, _ in instructions]
    stages = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    assert stages[-1] == "python:3.11-slim", "the image that runs is the Python one"
    cmd = [arguments for keyword, arguments in instructions if keyword == "CMD"][-1]
    assert json.loads(cmd)[:1] == ["daphne"]
    assert "coordination.asgi:application" in cmd
    assert "EXPOSE" in keywords
    user = [arguments for keyword, arguments in instructions if keyword == "USER"][-1]
    assert user.split(":")[0] not in {"root", "0"}


def test_dockerfile_copies_every_package_and_the_page_assets():
    """A new app listed in pyproject.toml must also reach the image."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    includes = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in includes}
    copied = set()
    for keyword, arguments in dockerfile_instructions():
        if keyword == "COPY":
            copied.update(source.rstrip("/") for source in arguments.split()[:-1])
    needed = {"templates", "static", "manage.py", "pyproject.toml", "README.md"}
    missing = (packages | needed) - copied
    assert not missing, f"the Dockerfile does not copy {sorted(missing)}"


def test_dockerfile_builds_the_pinned_front_end_files_into_static():
    instructions = dockerfile_instructions()
    runs = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    assert "npm ci" in runs, "front-end files come from package-lock.json, not npm install"
    copies = [arguments for keyword, arguments in instructions if keyword == "COPY"]
    assert any("--from=assets" in c and c.endswith("./static/vendor") for c in copies)


def test_dockerfile_collects_static_files_with_build_only_production_settings():
    runs = [arguments for keyword, arguments in dockerfile_instructions() if keyword == "RUN"]
    collect = next(run for run in runs if "collectstatic" in run)
    assert "CONCORD_ENV=production" in collect
    match = re.search(r"SECRET_KEY=(\S+)", collect)
    assert match
    assert len(match.group(1)) >= 50
    assert "ALLOWED_HOSTS=" in collect
    environment = " ".join(
        arguments for keyword, arguments in dockerfile_instructions() if keyword in {"ENV", "ARG"}
    )
    assert "SECRET_KEY" not in environment, "the build-only key must not stay in the image"
