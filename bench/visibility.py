"""Benchmark of the incident visibility budget (issue 5).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/concord_bench \\
        .venv/bin/python bench/visibility.py --incidents 10000 100000 1000000

For each size (ascending; the data grows from one size to the next) it measures, in
process, `GET /api/v1/incidents/?page_size=50` for an analyst of a mid-sized agency
(page 1, page 2, ?status=active) side by side with a hand-written SQL statement that
returns the same rows and total, `sharing.policy.can()` on one incident, and at the
largest size prints EXPLAIN (ANALYZE, BUFFERS) of the list's queries. The report goes
to stdout and to bench/results-visibility.md. See bench/README.md.
"""

import argparse
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent), str(BENCH)]
RESULTS = BENCH / "results-visibility.md"
BUDGET_P95_MS = {100_000: 150.0, 1_000_000: 300.0}
BUDGET_RATIO = {100_000: 3.0}
BUDGET_CAN_QUERIES = 2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--incidents",
        type=int,
        nargs="+",
        default=[10_000, 100_000],
        metavar="N",
        help="sizes to measure, e.g. 10000 100000 1000000 (default: 10000 100000)",
    )
    parser.add_argument("--runs", type=int, default=40, help="timed runs per measurement")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs first")
    parser.add_argument("--output", type=Path, default=RESULTS, help="the Markdown report")
    return parser.parse_args()


def target_database() -> dict:
    """DATABASE_URL's parts, or exit: it must be PostgreSQL and a database named *bench*."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "bench" not in name:
        sys.exit(
            "Refusing to run: this benchmark drops and rewrites data, so DATABASE_URL must "
            "point at PostgreSQL and a database whose name contains 'bench', e.g. "
            "postgres://postgres@127.0.0.1:5432/concord_bench"
        )
    return {
        "dbname": name,
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password,
    }


def ensure_database(target: dict) -> bool:
    """Create the benchmark database if missing; True if it was created."""
    server = psycopg2.connect(**{**target, "dbname": "postgres"})
    server.autocommit = True
    try:
        with server.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target["dbname"]])
            if cursor.fetchone():
                return False
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target["dbname"])))
            return True
    finally:
        server.close()


class Report:
    """Prints as it goes and keeps every line for the Markdown file."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list]) -> None:
        self("| " + " | ".join(header) + " |")
        self("|" + "|".join("---:" if i else "---" for i in range(len(header))) + "|")
        for row in rows:
            self("| " + " | ".join(str(cell) for cell in row) + " |")
        self()

    def code(self, text: str) -> None:
        self("```text")
        self(text)
        self("```")
        self()

    def save(self, path: Path) -> None:
        path.write_text("\n".join(self.lines) + "\n")


def main() -> None:
    args = parse_args()
    target = target_database()
    created = ensure_database(target)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coordination.settings")
    os.environ.setdefault("DEBUG", "false")  # as in production: no query log in memory

    import django

    django.setup()
    import visibility_data as data
    from django.core.management import call_command
    from visibility_measure import Bench

    report = Report()
    call_command("migrate", verbosity=0)
    report(f"# Incident visibility benchmark ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)")
    report()
    report(f"Database `{target['dbname']}`{' (created)' if created else ''}; " + server_facts())
    report()
    if not data.community_ready():
        start = time.perf_counter()
        data.build_community()
        report(f"Community written in {time.perf_counter() - start:.1f} s.")
    bench = Bench(report, runs=args.runs, warmup=args.warmup)
    bench.introduce_analyst()
    sizes = sorted(set(args.incidents))
    for size in sizes:
        start = time.perf_counter()
        added = data.grow_incidents(size)
        took = time.perf_counter() - start
        report(f"## {size:,} incidents")
        report()
        report(
            f"Data: {added:,} incidents added in {took:.1f} s (bulk INSERT ... SELECT, "
            "indexes rebuilt, VACUUM ANALYZE)."
            if added
            else "Data: reused (the database already held exactly these incidents)."
        )
        report()
        report.table(["table", "rows", "size with indexes"], data.table_sizes())
        report("Load average before measuring: {:.2f} {:.2f} {:.2f}.".format(*os.getloadavg()))
        report()
        bench.measure(size, explain=size == sizes[-1])
    bench.summarise(BUDGET_P95_MS, BUDGET_RATIO, BUDGET_CAN_QUERIES)
    report.save(args.output)
    print(f"\nWritten to {args.output}")


def server_facts() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version'), current_setting('shared_buffers'), "
            "current_setting('work_mem'), current_setting('jit'), "
            "current_setting('max_parallel_workers_per_gather')"
        )
        version, buffers, work_mem, jit, workers = cursor.fetchone()
    return (
        f"PostgreSQL {version.split()[0]} (shared_buffers {buffers}, work_mem {work_mem}, "
        f"jit {jit}, parallel workers per gather {workers}); Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs."
    )


if __name__ == "__main__":
    main()
