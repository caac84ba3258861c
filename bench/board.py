"""Benchmark of the incident board's budget (issue 7).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_board \\
        .venv/bin/python bench/board.py

Two agencies; 1,000 incidents one analyst of the first may see (its own AMBER and
AMBER+STRICT ones, the second agency's GREEN ones) and 220 they may not (the second
agency's AMBER ones, and RED ones of their own agency named to its duty officer only),
all opened and moved along through the verbs, so every share and grant is as the app
writes it. Measured in process through Django's test Client with DEBUG off, after
warm-up: the board's first page as a table and as cards, a filtered and a searched
board, and the map page and its GeoJSON. Budget: the board's p95 under 300 ms. The
report goes to stdout and to bench/results-board.md.
"""

import argparse
import os
import re
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
RESULTS = BENCH / "results-board.md"
TITLE_PREFIX = "Bench board"
VISIBLE, HIDDEN_AMBER, HIDDEN_RED = 1_000, 200, 20
OWN_AMBER, OWN_STRICT, PARTNER_GREEN = 600, 100, 300
BUDGET_P95_MS = 300
PLACES = ("Dock Street", "Harbour Road", "Vell Bridge", "Gull Island", "Kessa Pass", "Route 26")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs per measurement")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the Markdown report")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    from visibility import Report, ensure_database, server_facts, target_database

    target = target_database()
    created = ensure_database(target)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
    os.environ.setdefault("DEBUG", "false")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    report = Report()
    report(f"# Incident board benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    report()
    report(f"Database `{target['dbname']}`{' (created)' if created else ''}; " + server_facts())
    report()
    start = time.perf_counter()
    analyst, built = build_world()
    report(
        f"Data {'built' if built else 'reused'} in {time.perf_counter() - start:.1f} s: "
        f"{VISIBLE:,} incidents visible to `{analyst.username}`, "
        f"{HIDDEN_AMBER + HIDDEN_RED} hidden from them."
    )
    report("Load average before measuring: {:.2f} {:.2f} {:.2f}.".format(*os.getloadavg()))
    report()
    rows = measure(analyst, runs=args.runs, warmup=args.warmup)
    report.table(
        ["request", "incidents matching", "queries", "p50 ms", "p95 ms", "max ms", "budget p95"],
        rows,
    )
    report.save(args.output)
    print(f"\nWritten to {args.output}")


def build_world():
    """The analyst, and whether the incidents had to be written (once per database)."""
    from django.contrib.auth import get_user_model

    from incidents.models import Incident

    existing = Incident.objects.filter(title__startswith=TITLE_PREFIX).count()
    expected = VISIBLE + HIDDEN_AMBER + HIDDEN_RED
    if existing not in (0, expected):
        sys.exit(f"The database holds {existing} bench incidents, not {expected}: drop it.")
    if not existing:
        _build()
    return get_user_model().objects.get(username="bench-board-1.analyst"), not existing


def _build() -> None:
    import random

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from agencies import services as agency_services
    from incidents.models import IncidentType
    from incidents.services import incidents as verbs

    random.seed(7)
    users = get_user_model().objects
    types = list(IncidentType.values)
    with transaction.atomic():
        operator, _ = users.get_or_create(username="bench-operator", defaults={"is_staff": True})
        duty = {}
        for number in (1, 2):
            agency = agency_services.register_agency(
                name=f"Bench Board Agency {number}",
                slug=f"bench-board-{number}",
                kind="fire",
                actor=operator,
            )
            for role in ("duty_officer", "analyst"):
                user = users.create_user(f"bench-board-{number}.{role}")
                agency_services.add_member(
                    agency, user=user, role=agency.roles.get(slug=role), actor=operator
                )
                if role == "duty_officer":
                    duty[number] = user
        plan = (
            [(1, "AMBER")] * OWN_AMBER
            + [(1, "AMBER+STRICT")] * OWN_STRICT
            + [(2, "GREEN")] * PARTNER_GREEN
            + [(2, "AMBER")] * HIDDEN_AMBER
            + [(1, "RED")] * HIDDEN_RED
        )
        random.shuffle(plan)
        for n, (lead, tlp) in enumerate(plan):
            incident_type = types[n % len(types)]
            incident = verbs.open_incident(
                actor=duty[lead],
                title=f"{TITLE_PREFIX} {n}: {incident_type.replace('_', ' ')} at "
                f"{PLACES[n % len(PLACES)]}",
                description=f"Crews report from sector {n % 40}.",
                incident_type=incident_type,
                severity=1 + n % 5,
                tlp=tlp,
                location={
                    "type": "Point",
                    "coordinates": [random.uniform(-124.0, -123.4), random.uniform(45.7, 46.2)],
                },
            )
            if n % 3:
                verbs.change_status(incident, "active", actor=duty[lead], reason="Crews on scene")
            if n % 9 == 2:
                verbs.change_status(incident, "contained", actor=duty[lead], reason="Held")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def measure(analyst, *, runs: int, warmup: int) -> list[list]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(analyst)
    cases = [
        ("board, first page (table)", "/", True),
        ("board, first page (cards)", "/?view=cards", True),
        ("board, filtered", "/?status=active&severity=3&type=fire&sort=-severity", True),
        ("board, searched, page 2", "/?q=harbour&sort=title&page=2", True),
        ("map page", "/map/", False),
        ("map GeoJSON", "/map/incidents.geojson", False),
    ]
    rows = []
    for name, url, budgeted in cases:
        for _ in range(warmup):
            assert client.get(url).status_code == 200, name
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (name, response.content[:300])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        samples.sort()
        p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
        rows.append(
            [
                name,
                _matching(response),
                len(queries),
                f"{statistics.median(samples):.1f}",
                f"{p95:.1f}",
                f"{samples[-1]:.1f}",
                BUDGET_P95_MS if budgeted else "-",
            ]
        )
    return rows


def _matching(response) -> str:
    """The count the page states (the board's total, the map's incidents)."""
    if response["Content-Type"].startswith("application/geo+json"):
        return f"{len(response.json()['features']):,}"
    found = re.search(r"<strong>(\d+)</strong> incident", response.content.decode())
    return f"{int(found.group(1)):,}" if found else "?"


if __name__ == "__main__":
    main()
