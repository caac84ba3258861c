"""The measurements: the list API in process, the hand-written SQL beside it, `can()`,
the prototype queryset shapes of `visibility_shapes`, and the API with the proposals."""

import statistics
import time

import visibility_shapes
import visibility_sql
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from visibility_data import permission_ids

from incidents.models import Incident
from sharing import policy
from sharing.access import Access
from sharing.markings import TLP

LIST_URL = "/api/v1/incidents/"
PAGE_SIZE = 50
VARIANTS = {
    "page 1": {"page_size": PAGE_SIZE},
    "page 2": {"page_size": PAGE_SIZE, "page": 2},
    "status=active": {"page_size": PAGE_SIZE, "status": "active"},
}
SLOW_MS = 1000  # a first run slower than this gets 1 warm-up and 5 timed runs

User = get_user_model()

ANALYST_SQL = """
WITH sizes AS (
    SELECT a.id, a.name, a.parent_id, count(*) AS people,
           rank() OVER (ORDER BY count(*) DESC, a.id) AS size_rank
    FROM agencies_agency a
    JOIN agencies_membership m ON m.agency_id = a.id AND m.is_active
    GROUP BY a.id
),
partners AS (
    SELECT mine.agency_id, count(DISTINCT theirs.agency_id) AS n
    FROM sharing_agreementparty mine
    JOIN sharing_agreementparty theirs
      ON theirs.agreement_id = mine.agreement_id AND theirs.agency_id <> mine.agency_id
    JOIN sharing_sharingagreement a ON a.id = mine.agreement_id
    WHERE a.status = 'active' AND a.valid_from <= now()
      AND (a.valid_until IS NULL OR a.valid_until > now())
    GROUP BY mine.agency_id
)
SELECT s.id, s.name, s.people, s.size_rank, p.n,
       (SELECT min(m.user_id) FROM agencies_membership m
        JOIN agencies_role r ON r.id = m.role_id AND r.slug = 'analyst'
        WHERE m.agency_id = s.id AND m.is_active
          AND NOT EXISTS (SELECT FROM agencies_membership o
                          WHERE o.user_id = m.user_id AND o.agency_id <> s.id))
FROM sizes s
JOIN partners p ON p.agency_id = s.id AND p.n >= 2
WHERE s.parent_id IS NOT NULL AND s.size_rank BETWEEN 30 AND 60
ORDER BY abs(s.size_rank - 40), s.id
LIMIT 1
"""

LARGEST_ANALYST_SQL = """
SELECT min(m.user_id), m.agency_id, led.n
FROM (SELECT lead_agency_id, count(*) AS n FROM incidents_incident
      GROUP BY lead_agency_id ORDER BY count(*) DESC, lead_agency_id LIMIT 1) led
JOIN agencies_membership m ON m.agency_id = led.lead_agency_id AND m.is_active
JOIN agencies_role r ON r.id = m.role_id AND r.slug = 'analyst'
GROUP BY m.agency_id, led.n
"""


class Timings:
    """Milliseconds of repeated runs: p50, p95 (nearest rank) and max."""

    def __init__(self) -> None:
        self.samples: list[float] = []

    def time(self, function):
        start = time.perf_counter()
        result = function()
        self.samples.append((time.perf_counter() - start) * 1000)
        return result

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[-(-95 * len(ordered) // 100) - 1]

    @property
    def max(self) -> float:
        return max(self.samples)

    @property
    def runs(self) -> int:
        return len(self.samples)


def ms(value: float) -> str:
    return f"{value:.1f}"


class Bench:
    """One analyst, measured at each size; `summarise` compares the sizes with the budget."""

    def __init__(self, report, *, runs: int, warmup: int) -> None:
        self.report = report
        self.runs = runs
        self.warmup = warmup
        self.results: list[dict] = []
        self.view_permission = permission_ids()[Access.VIEW]

    def introduce_analyst(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(ANALYST_SQL)
            agency_id, name, people, rank, partners, user_id = cursor.fetchone()
        self.analyst = User.objects.get(pk=user_id)
        self.agency_id = agency_id
        self.client = Client(HTTP_HOST="127.0.0.1")
        self.client.force_login(self.analyst)
        self.report(
            f"Analyst: `{self.analyst.username}`, analyst of **{name}** (agency {agency_id}: "
            f"{people} active people, number {rank} of 200 by size, a sub-agency, with "
            f"{partners} partner agencies under agreements in force)."
        )
        self.report()

    def _params(self, offset: int = 0) -> dict:
        return {
            "user": self.analyst.pk,
            "view": self.view_permission,
            "now": timezone.now(),
            "limit": PAGE_SIZE,
            "offset": offset,
        }

    def _orm(self, status: str | None, shape=None):
        visible = (shape or policy.visible)(self.analyst, Incident.objects.all())
        return visible.filter(status=status) if status else visible

    def _repeat(self, *functions) -> list[Timings]:
        """Warm up, then time the functions in turn, `runs` rounds (fewer when slow)."""
        first = Timings()
        for function in functions:
            first.time(function)
        slow = max(first.samples) > SLOW_MS
        for _ in range(1 if slow else self.warmup):
            for function in functions:
                function()
        timings = [Timings() for _ in functions]
        for _ in range(5 if slow else self.runs):
            for timing, function in zip(timings, functions, strict=True):
                timing.time(function)
        return timings

    def _variant(self, name: str, query: dict) -> dict:
        """Check API = ORM = SQL for one list request, then time API and SQL side by side."""
        status = query.get("status")
        offset = (query.get("page", 1) - 1) * PAGE_SIZE
        cache.clear()  # the per-principal throttle counts in the cache

        def api():
            response = self.client.get(LIST_URL, query)
            assert response.status_code == 200, response.content[:300]
            return response

        def hand_written():
            return visibility_sql.page(self._params(offset), status)

        with CaptureQueriesContext(connection) as captured:
            body = api().json()
        queries = list(captured.captured_queries)  # the next request resets the log
        sql_total, sql_ids = hand_written()
        orm = self._orm(status)
        page = orm.order_by("-updated_at", "-id").values_list("public_id", flat=True)
        orm_ids = [str(public_id) for public_id in page[offset : offset + PAGE_SIZE]]
        api_ids = [row["id"] for row in body["results"]]
        assert body["count"] == sql_total == orm.count(), (body["count"], sql_total)
        assert api_ids == sql_ids == orm_ids, name
        api_times, sql_times = self._repeat(api, hand_written)
        return {
            "name": name,
            "visible": sql_total,
            "api": api_times,
            "sql": sql_times,
            "queries": queries,
        }

    def _variants_table(self, variants: list[dict]) -> None:
        self.report.table(
            ["request", "visible", "API p50", "API p95", "API max", "SQL p50", "SQL p95",
             "ratio p50", "ratio p95", "queries", "runs"],
            [
                [v["name"], f"{v['visible']:,}", ms(v["api"].p50), ms(v["api"].p95),
                 ms(v["api"].max), ms(v["sql"].p50), ms(v["sql"].p95),
                 f"{v['api'].p50 / v['sql'].p50:.2f}", f"{v['api'].p95 / v['sql'].p95:.2f}",
                 len(v["queries"]), v["api"].runs]
                for v in variants
            ],
        )  # fmt: skip

    def _can(self, incident: Incident, expected: bool, check=None) -> dict:
        check = check or (lambda: policy.can(self.analyst, "view", incident))
        with CaptureQueriesContext(connection) as captured:
            allowed = check()
        assert allowed is expected, (incident.pk, allowed)
        (timings,) = self._repeat(check)
        return {"incident": incident, "allowed": allowed, "queries": len(captured), "t": timings}

    def _can_targets(self) -> tuple[Incident, Incident]:
        """A visible AMBER incident and a hidden AMBER+STRICT one, both recent."""
        visible = self._orm(None)
        shown = visible.filter(tlp=TLP.AMBER).order_by("-updated_at", "-id").first()
        hidden = (
            Incident.objects.filter(tlp=TLP.AMBER_STRICT)
            .exclude(pk__in=visible.values("pk"))
            .order_by("-updated_at", "-id")
            .first()
        )
        return shown, hidden

    def _listing(self, user, shape):
        """The list's two queries for `user` through `shape`: (count, page) functions."""
        apply = shape or policy.visible

        def queryset():
            return apply(
                user, Incident.objects.select_related("lead_agency", "created_by", "updated_by")
            ).order_by("-updated_at", "-id")

        return (
            lambda: queryset().count(),
            lambda: [incident.pk for incident in queryset()[:PAGE_SIZE]],
        )

    def _shapes(self, shown: Incident) -> list[dict]:
        """Each shape: same rows as the policy; the list's COUNT and page and can(), timed."""
        reference = self._orm(None)
        expected = (
            reference.count(),
            list(reference.order_by("-updated_at", "-id").values_list("pk", flat=True)[:50]),
        )
        rows = []
        for name, shape in visibility_shapes.SHAPES.items():
            count, page = self._listing(self.analyst, shape)
            assert (count(), page()) == expected, name
            apply = shape or policy.visible
            can = self._can(
                shown, True, lambda apply=apply: apply(
                    self.analyst, Incident.objects.filter(pk=shown.pk)
                ).exists()
            )  # fmt: skip
            count_times, page_times = self._repeat(count, page)
            listing = Timings()
            pairs = zip(count_times.samples, page_times.samples, strict=True)
            listing.samples = [a + b for a, b in pairs]
            rows.append(
                {"name": name, "count": count_times, "page": page_times, "list": listing,
                 "can": can}
            )  # fmt: skip
        return rows

    def _largest_agency(self) -> None:
        """The policy for an analyst of the agency that leads the most incidents."""
        with connection.cursor() as cursor:
            cursor.execute(LARGEST_ANALYST_SQL)
            user_id, agency_id, led = cursor.fetchone()
        analyst = User.objects.get(pk=user_id)
        parts = []
        for name in ("A. sharing.policy.visible as is",):
            count, page = self._listing(analyst, visibility_shapes.SHAPES[name])
            visible = count()
            count_times, page_times = self._repeat(count, page)
            parts.append(f"{name[0]}: COUNT {ms(count_times.p50)} ms, page {ms(page_times.p50)} ms")
        self.report(
            f"For contrast, `{analyst.username}`, an analyst of agency {agency_id}, which leads "
            f"the most incidents ({led:,}), sees {visible:,}; p50 of the list's queries with "
            f"shape {'; '.join(parts)}."
        )
        self.report()

    def measure(self, size: int, *, explain: bool) -> None:
        report = self.report
        visible = self._orm(None)
        assert set(visible.values_list("id", flat=True)) == visibility_sql.all_ids(self._params())
        led = Incident.objects.filter(lead_agency_id=self.agency_id).count()
        variants = [self._variant(name, query) for name, query in VARIANTS.items()]
        shown, hidden = self._can_targets()
        cans = [self._can(shown, True), self._can(hidden, False)]
        first = variants[0]
        report(
            f"The analyst sees **{first['visible']:,}** of {size:,} incidents "
            f"({100 * first['visible'] / size:.1f}%); their agency leads {led:,}. API, ORM and "
            "hand-written SQL agree on the total, on every page's ids and order, and on the "
            "whole visible set."
        )
        report()
        report("`sharing.policy` as it is:")
        report()
        self._variants_table(variants)
        report(f"Times in ms; {self.runs} timed runs after {self.warmup} warm-up runs, API and "
               f"SQL alternating (5 runs after 1 warm-up when a first run took over {SLOW_MS} "
               "ms).")  # fmt: skip
        report()
        report("Queries of one `GET /api/v1/incidents/?page_size=50` (ms, statement):")
        report()
        report.code(
            "\n".join(f"{float(q['time']) * 1000:8.1f}  {q['sql'][:100]}" for q in first["queries"])
        )
        report.table(
            ["policy.can(analyst, 'view', ...)", "result", "queries", "p50 ms", "p95 ms"],
            [
                [f"{c['incident'].reference} ({c['incident'].tlp})", c["allowed"], c["queries"],
                 ms(c["t"].p50), ms(c["t"].p95)]
                for c in cans
            ],
        )  # fmt: skip
        shapes = self._shapes(shown)
        report("Prototype shapes (bench/visibility_shapes.py), same rows asserted. COUNT and page")
        report("are the list's two queries without HTTP (list = both), can is the one-object test")
        report("`shape(user, Incident.objects.filter(pk=...)).exists()`; ms, query building and")
        report("planning included:")
        report()
        report.table(
            ["shape", "COUNT p50", "page p50", "list p50", "list p95", "can p50", "can p95",
             "can queries"],
            [
                [s["name"], ms(s["count"].p50), ms(s["page"].p50), ms(s["list"].p50),
                 ms(s["list"].p95), ms(s["can"]["t"].p50), ms(s["can"]["t"].p95),
                 s["can"]["queries"]]
                for s in shapes
            ],
        )  # fmt: skip
        self._largest_agency()
        self.results.append({"size": size, "variants": variants, "can": cans, "shapes": shapes})
        if explain:
            self._explain(first["queries"], "as it is, page 1")
            self._explain(variants[2]["queries"], "as it is, ?status=active")
            for label, plan in visibility_sql.explain(self._params()):
                report(f"The hand-written {label}:")
                report()
                report.code(plan)

    def _explain(self, queries: list[dict], label: str) -> None:
        report = self.report
        report(f"### EXPLAIN (ANALYZE, BUFFERS), {self.results[-1]['size']:,} incidents: {label}")
        report()
        with connection.cursor() as cursor:
            for query in queries:
                statement = query["sql"]
                if "incidents_incident" not in statement:
                    continue
                kind = "COUNT" if "COUNT(*)" in statement else "page"
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
                report(f"The list's {kind} query:")
                report()
                report.code("\n".join(row[0] for row in cursor.fetchall()))

    def summarise(self, budget_p95: dict, budget_ratio: dict, budget_can: int) -> None:
        report = self.report
        report("## Summary: `GET /api/v1/incidents/?page_size=50`")
        report()
        rows, verdicts = [], []
        for result in self.results:
            size = result["size"]
            can = result["can"][0]
            for label, page in (
                ("as is", result["variants"][0]),
                ("as is, ?status=active", result["variants"][2]),
            ):
                ratio = page["api"].p95 / page["sql"].p95
                rows.append(
                    [f"{size:,}", label, f"{page['visible']:,}", ms(page["api"].p50),
                     ms(page["api"].p95), ms(page["api"].max), ms(page["sql"].p50),
                     ms(page["sql"].p95), f"{ratio:.2f}", len(page["queries"])]
                )  # fmt: skip
                if not label.startswith(("as is", "page 1")) or "status" in label:
                    continue
                checks = []
                if size in budget_p95:
                    within = page["api"].p95 < budget_p95[size]
                    checks.append(
                        f"p95 {ms(page['api'].p95)} ms under {budget_p95[size]:.0f} ms: "
                        f"{'yes' if within else 'NO'}"
                    )
                if size in budget_ratio:
                    within = ratio <= budget_ratio[size]
                    checks.append(
                        f"API/SQL p95 {ratio:.2f} at most {budget_ratio[size]:.0f}: "
                        f"{'yes' if within else 'NO'}"
                    )
                if checks:
                    verdicts.append(f"- {size:,}, {label}: " + "; ".join(checks))
            verdicts.append(
                f"- {size:,}: policy.can() {can['queries']} queries (at most {budget_can}: "
                f"{'yes' if can['queries'] <= budget_can else 'NO'}), p50 {ms(can['t'].p50)} ms"
            )
        report.table(
            ["incidents", "request", "visible", "API p50", "API p95", "API max", "SQL p50",
             "SQL p95", "ratio p95", "queries"],
            rows,
        )  # fmt: skip
        report("Budget (issue 5), page 1:")
        report()
        for line in verdicts:
            report(line)
        report()
