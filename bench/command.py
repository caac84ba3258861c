"""Benchmark of the unified-command budgets (issue 6).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench_command \\
        .venv/bin/python bench/command.py

One incident under unified command of six agencies with 10,000 timeline entries (a tenth
of them marked stricter than the incident), 500 tasks, 200 resource requests in every
state, two operational periods and 60 filled positions. Measured in process through the
API, as an analyst of an assisting agency (who is refused the stricter entries), after
warm-up: the timeline page of 100 entries, a situation report issued (snapshot, digest
and insert), the sitrep preview, and the org chart. Budgets: timeline page p95 < 100 ms,
sitrep generation p95 < 500 ms, org chart p95 < 50 ms. The report goes to stdout and to
bench/results-command.md.
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
RESULTS = BENCH / "results-command.md"
TITLE = "Benchmark: chemical plant fire under unified command"
ENTRIES, TASKS, REQUESTS, POSITIONS_PER_PERIOD = 10_000, 500, 200, 30
BUDGETS_MS = {"timeline page (100 entries)": 100, "sitrep issue": 500, "org chart": 50}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="timed runs per measurement")
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
    report(f"# Unified-command benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    report()
    report(f"Database `{target['dbname']}`{' (created)' if created else ''}; " + server_facts())
    report()
    start = time.perf_counter()
    world = build_world()
    report(f"Data ready in {time.perf_counter() - start:.1f} s: " + world.describe())
    report()
    rows = measure(world, runs=args.runs, warmup=args.warmup)
    report.table(["measurement", "queries", "p50 ms", "p95 ms", "max ms", "budget p95 ms"], rows)
    report.save(args.output)
    print(f"\nWritten to {args.output}")


class World:
    def __init__(self, incident, reader, writer, hidden_entries: int) -> None:
        self.incident, self.reader, self.writer = incident, reader, writer
        self.hidden_entries = hidden_entries

    def describe(self) -> str:
        incident = self.incident
        return (
            f"{incident.timeline.count():,} timeline entries ({self.hidden_entries:,} stricter "
            f"than the incident), {incident.tasks.count()} tasks, "
            f"{incident.resource_requests.count()} resource requests, "
            f"{incident.participants.count()} participants, "
            f"{sum(p.positions.count() for p in incident.periods.all())} positions in "
            f"{incident.periods.count()} periods; reader {self.reader.username}."
        )


def build_world() -> "World":
    """The incident and its people, built once through the verbs; its bulk (entries,
    tasks, requests) written with bulk_create, as the verbs would leave it."""
    from django.contrib.auth import get_user_model

    from incidents.models import Incident

    incident = Incident.objects.filter(title=TITLE).first()
    if incident is None:
        incident = _build()
    people = get_user_model().objects
    hidden = incident.timeline.exclude(tlp=incident.tlp).count()
    return World(
        incident,
        reader=people.get(username="bench-2.analyst"),
        writer=people.get(username="bench-1.duty_officer"),
        hidden_entries=hidden,
    )


def _build():
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from agencies import services as agency_services
    from agencies.models import Agency
    from incidents.models import (
        RESOURCE_STEPS,
        ResourceRequest,
        Task,
        TaskStatus,
        TimelineEntry,
    )
    from incidents.services import command, participants
    from incidents.services import incidents as incident_verbs
    from incidents.services.command import ObjectiveInput
    from sharing.agreements import accept_agreement, propose_agreement

    random.seed(6)
    users = get_user_model().objects
    with transaction.atomic():
        operator, _ = users.get_or_create(username="bench-operator", defaults={"is_staff": True})
        agencies, people = [], {}
        for number in range(1, 7):
            agency = Agency.objects.filter(slug=f"bench-{number}").first()
            if agency is None:
                agency = agency_services.register_agency(
                    name=f"Bench Agency {number}",
                    slug=f"bench-{number}",
                    kind="fire",
                    actor=operator,
                )
            agencies.append(agency)
            for role in ("admin", "duty_officer", "analyst", "responder"):
                for seat in range(POSITIONS_PER_PERIOD // 6 if role == "responder" else 1):
                    name = f"bench-{number}.{role}" + (f"{seat}" if role == "responder" else "")
                    user = users.filter(username=name).first() or users.create_user(name)
                    if not agency.memberships.filter(user=user).exists():
                        agency_services.add_member(
                            agency, user=user, role=agency.roles.get(slug=role), actor=operator
                        )
                    people[name] = user
        lead, duty = agencies[0], people["bench-1.duty_officer"]
        for partner in agencies[1:]:
            agreement = propose_agreement(
                proposer=lead,
                parties=[partner],
                actor=people["bench-1.admin"],
                name=f"Bench mutual aid {partner.slug}",
                max_tlp="AMBER+STRICT",
                valid_from=timezone.now() - timedelta(days=1),
            )
            accept_agreement(agreement, agency=partner, actor=people[f"{partner.slug}.admin"])
        incident = incident_verbs.open_incident(
            actor=duty,
            title=TITLE,
            incident_type="hazmat",
            severity=4,
            location={"type": "Point", "coordinates": [-123.9, 46.0]},
            tlp="AMBER",
        )
        for partner in agencies[1:]:
            part = "unified_command" if partner == agencies[1] else "assisting"
            participants.add_participant(incident, actor=duty, agency=partner, part=part)
        # The handover is a minute ahead, so the first period can still be staffed.
        now = timezone.now() + timedelta(minutes=1)
        first = command.open_period(
            incident,
            actor=duty,
            starts_at=now - timedelta(hours=12),
            ends_at=now,
            objectives=[ObjectiveInput("Contain the fire"), ObjectiveInput("Protect the river")],
        )
        second = command.open_period(
            incident,
            actor=duty,
            starts_at=now,
            ends_at=now + timedelta(hours=12),
            objectives=[
                ObjectiveInput(text) for text in ("Extinguish", "Decontaminate", "Reopen Route 26")
            ],
        )
        command.activate_period(second, actor=duty)
        for period in (first, second):
            _fill_positions(period, agencies, people, duty)
        authors = [people[f"bench-{n}.analyst"] for n in range(1, 7)]
        TimelineEntry.objects.bulk_create(
            TimelineEntry(
                incident=incident,
                kind=random.choice(["note", "decision", "observation", "communication"]),
                text=f"Entry {n}: crews report progress at sector {n % 40}.",
                tlp="AMBER+STRICT" if n % 20 == 0 else ("RED" if n % 20 == 1 else "AMBER"),
                author=authors[n % 6],
                author_label=authors[n % 6].username,
                agency=agencies[n % 6],
                occurred_at=now - timedelta(seconds=ENTRIES - n),
            )
            for n in range(ENTRIES)
        )
        statuses = list(TaskStatus.values)
        Task.objects.bulk_create(
            Task(
                incident=incident,
                period=second,
                title=f"Task {n}: sweep sector {n % 40}",
                assigned_agency=agencies[n % 6],
                priority=random.choice(["low", "normal", "high", "urgent"]),
                status=statuses[n % len(statuses)],
                created_by=duty,
            )
            for n in range(TASKS)
        )
        states = sorted({status for pair in RESOURCE_STEPS for status in pair})
        ResourceRequest.objects.bulk_create(
            ResourceRequest(
                incident=incident,
                number=n + 1,
                requesting_agency=agencies[0],
                supplying_agency=agencies[1 + n % 5],
                resource_kind="Engine (fire)",
                resource_type="Type 1",
                quantity=1 + n % 4,
                status=states[n % len(states)],
                created_by=duty,
            )
            for n in range(REQUESTS)
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE incidents_timelineentry")
    return incident


def _fill_positions(period, agencies, people, duty) -> None:
    from incidents.services import command

    fixed = [
        "safety_officer",
        "public_information_officer",
        "liaison_officer",
        "operations_section_chief",
        "planning_section_chief",
        "logistics_section_chief",
        "finance_admin_section_chief",
    ]
    for number in (1, 2):
        command.fill_position(
            period,
            actor=duty,
            kind="incident_commander",
            person=people[f"bench-{number}.duty_officer"],
        )
    for index, kind in enumerate(fixed):
        command.fill_position(
            period, actor=duty, kind=kind, person=people[f"bench-{1 + index % 6}.admin"]
        )
    seats = [name for name in people if ".responder" in name]
    for index, name in enumerate(seats[: POSITIONS_PER_PERIOD - len(fixed) - 2]):
        command.fill_position(
            period,
            actor=duty,
            kind="division_supervisor",
            name=f"Division {index + 1}",
            person=people[name],
        )


def measure(world, *, runs: int, warmup: int) -> list[list]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    base = f"/api/v1/incidents/{world.incident.public_id}"
    reader, writer = Client(HTTP_HOST="127.0.0.1"), Client(HTTP_HOST="127.0.0.1")
    reader.force_login(world.reader)
    writer.force_login(world.writer)
    cases = [
        ("timeline page (100 entries)", lambda: reader.get(f"{base}/timeline/?page_size=100")),
        (
            "timeline page 50 (100 entries)",
            lambda: reader.get(f"{base}/timeline/?page_size=100&page=50"),
        ),
        ("sitrep preview", lambda: writer.get(f"{base}/sitreps/preview/")),
        (
            "sitrep issue",
            lambda: writer.post(
                f"{base}/sitreps/",
                {"summary": "Benchmark report", "figures": {"injured": 3}},
                content_type="application/json",
            ),
        ),
        ("org chart", lambda: reader.get(f"{base}/positions/org-chart/")),
    ]
    rows = []
    for name, call in cases:
        for _ in range(warmup):
            assert call().status_code in (200, 201), name
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = call()
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 201), (name, response.content[:300])
        with CaptureQueriesContext(connection) as queries:
            call()
        samples.sort()
        p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
        rows.append(
            [
                name,
                len(queries),
                f"{statistics.median(samples):.1f}",
                f"{p95:.1f}",
                f"{samples[-1]:.1f}",
                BUDGETS_MS.get(name, "-"),
            ]
        )
    return rows


if __name__ == "__main__":
    main()
