"""Synthetic community for the visibility benchmark, written in bulk.

The community (200 agencies in a hierarchy, their built-in roles, 5,000 people,
sharing agreements) is built once in Python and written with multi-row INSERTs.
Incidents, shares and grants are generated inside PostgreSQL with
`INSERT ... SELECT generate_series`, with exactly the rows the app's verbs write: every
incident has its lead agency's share (level share, every role group x the 4 perms),
about 30% have 1-3 agreement shares (level 1-2), RED incidents have named grants.
Every random draw is a hash of (incident id, stream), so the data at a size does not
depend on how it was grown; a larger size extends a smaller one.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils.text import slugify
from psycopg2.extras import execute_values

from agencies.capabilities import BUILTIN_ROLES
from agencies.groups import role_group_name
from agencies.models import Agency, AgencyKind
from incidents.models import IncidentType
from sharing.access import Access
from sharing.markings import TLP

AGENCIES = 200
USERS = 5000
AGREEMENTS = 160
ROOTS, COUNTY_LEVEL = 10, 50  # ids 1-10 are roots, 11-60 their children, the rest below
SEED = 2026
EPOCH = datetime(2026, 11, 1, tzinfo=UTC)  # incidents span the five years before this
LEAD_SLOTS = 1000

# Tables written in bulk: their secondary indexes and constraints are rebuilt after.
BULK_TABLES = ("incidents_incident", "incidents_incidentshare", "incidents_incidentgroupgrant")

PLACES = [
    "Ashford", "Brackwater", "Calder", "Dunmore", "Eastfield", "Fallowby", "Glenrock",
    "Harrow", "Ironbridge", "Juniper", "Kestrel", "Larkspur", "Millbrook", "Northgate",
    "Oakhurst", "Pinecrest", "Queensport", "Ravenna", "Stillwater", "Thornbury",
]  # fmt: skip
KIND_LABELS = {
    AgencyKind.LAW_ENFORCEMENT: "Police",
    AgencyKind.FIRE: "Fire Rescue",
    AgencyKind.EMS: "EMS",
    AgencyKind.HEALTH: "Public Health",
    AgencyKind.EMERGENCY_MANAGEMENT: "Emergency Management",
    AgencyKind.INTELLIGENCE: "Fusion Center",
    AgencyKind.MILITARY: "National Guard",
    AgencyKind.PUBLIC_WORKS: "Public Works",
    AgencyKind.NGO: "Relief Society",
    AgencyKind.PRIVATE: "Power and Light",
    AgencyKind.FOREIGN: "Border Service",
}
ROLE_FIRST = ("admin", "analyst")  # every agency's first two people
ROLE_MIX = {"admin": 3, "duty_officer": 12, "analyst": 30, "responder": 40, "viewer": 15}

User = get_user_model()


def _insert(cursor, table: str, columns: str, rows: list[tuple]) -> None:
    execute_values(cursor, f"INSERT INTO {table} ({columns}) VALUES %s", rows, page_size=2000)


def _reset_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
        f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)"
    )


def permission_ids() -> dict[int, int]:
    """Access level -> auth_permission id of view/contribute/command/share_incident."""
    by_codename = dict(
        Permission.objects.filter(content_type__app_label="incidents").values_list("codename", "id")
    )
    return {access.value: by_codename[f"{access.label}_incident"] for access in Access}


def community_ready() -> bool:
    return Agency.objects.count() == AGENCIES and User.objects.count() == USERS


def build_community() -> None:
    """Wipe every row the benchmark writes, then write the community afresh."""
    rng = random.Random(SEED)
    now = datetime.now(UTC)
    with transaction.atomic():
        raw = connection.connection.cursor()
        raw.execute(
            "TRUNCATE agencies_agency, auth_user, auth_group, sharing_sharingagreement, "
            "django_session RESTART IDENTITY CASCADE"
        )
        agencies = _agencies(raw, rng, now)
        groups = _roles(raw, rng, agencies, now)
        _people(raw, rng, agencies, groups, now)
        _agreements(raw, rng, agencies, now)
        for table in ("agencies_agency", "auth_group", "auth_user", "sharing_sharingagreement"):
            _reset_sequence(raw, table)


def _agencies(cursor, rng: random.Random, now: datetime) -> list[dict]:
    kinds = list(KIND_LABELS)
    agencies = []
    for agency_id in range(1, AGENCIES + 1):
        if agency_id <= ROOTS:
            parent, weight = None, 8.0
        elif agency_id <= ROOTS + COUNTY_LEVEL:
            parent, weight = agencies[rng.randrange(ROOTS)], 3.0
        else:
            parent, weight = agencies[rng.randrange(ROOTS, ROOTS + COUNTY_LEVEL)], 1.0
        kind = parent["kind"] if parent and rng.random() < 0.7 else rng.choice(kinds)
        place = PLACES[agency_id % len(PLACES)]
        name = f"{place} {KIND_LABELS[kind]} {agency_id:03d}"
        agencies.append(
            {
                "id": agency_id,
                "name": name,
                "slug": slugify(name),
                "kind": kind,
                "parent": parent,
                "root": parent["root"] if parent else agency_id,
                "tree_path": f"{parent['tree_path'] if parent else '/'}{agency_id}/",
                "weight": weight * rng.lognormvariate(0, 0.6),
            }
        )
    _insert(
        cursor,
        "agencies_agency",
        "id, name, slug, kind, tree_path, email, phone, website, address, is_active, "
        "created_at, updated_at, parent_id",
        [
            (a["id"], a["name"], a["slug"], a["kind"], a["tree_path"], f"duty@{a['slug']}.test",
             "", "", "", True, now, now, a["parent"]["id"] if a["parent"] else None)
            for a in agencies
        ],
    )  # fmt: skip
    return agencies


def _roles(cursor, rng: random.Random, agencies: list[dict], now: datetime) -> dict:
    """The five built-in roles of every agency, each with its group and capabilities."""
    groups, group_rows, role_rows, capability_rows = {}, [], [], []
    for agency in agencies:
        for builtin in BUILTIN_ROLES:
            group_id = len(group_rows) + 1
            role_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            groups[agency["id"], builtin.slug] = (group_id, role_id)
            group_rows.append((group_id, role_group_name(agency["slug"], builtin.slug)))
            role_rows.append((role_id, builtin.slug, builtin.name, builtin.description, True,
                              now, now, agency["id"], group_id))  # fmt: skip
            capability_rows += [(str(c), role_id) for c in sorted(builtin.capabilities)]
    _insert(cursor, "auth_group", "id, name", group_rows)
    _insert(
        cursor,
        "agencies_role",
        "id, slug, name, description, is_builtin, created_at, updated_at, agency_id, group_id",
        role_rows,
    )
    _insert(cursor, "agencies_rolecapability", "capability, role_id", capability_rows)
    return groups


def _shares_of_users(agencies: list[dict]) -> list[int]:
    """How many people each agency has as their first agency (largest remainder)."""
    total = sum(a["weight"] for a in agencies)
    spare = USERS - 3 * len(agencies)
    exact = [spare * a["weight"] / total for a in agencies]
    counts = [3 + int(x) for x in exact]
    by_remainder = sorted(range(len(agencies)), key=lambda i: exact[i] - int(exact[i]))
    for index in by_remainder[::-1][: USERS - sum(counts)]:
        counts[index] += 1
    return counts


def _people(cursor, rng: random.Random, agencies: list[dict], groups: dict, now: datetime):
    """5,000 people, each in one agency (8% in a second), with their role groups."""
    counts = _shares_of_users(agencies)
    weights = [a["weight"] for a in agencies]
    slugs, mix = list(ROLE_MIX), list(ROLE_MIX.values())
    users, memberships, user_groups = [], [], []
    user_id = 0
    for agency, count in zip(agencies, counts, strict=True):
        for position in range(count):
            user_id += 1
            users.append((user_id, f"!{uuid.UUID(int=rng.getrandbits(128)).hex}", False,
                          f"u{user_id:05d}", "Bench", f"Person {user_id}",
                          f"u{user_id:05d}@bench.test", False, True, now))  # fmt: skip
            places = [agency]
            if rng.random() < 0.08:
                second = rng.choices(agencies, weights)[0]
                if second is not agency:
                    places.append(second)
            for place in places:
                role = ROLE_FIRST[position] if position < 2 else rng.choices(slugs, mix)[0]
                active = position < 2 or rng.random() >= 0.02
                group_id, role_id = groups[place["id"], role]
                memberships.append((uuid.UUID(int=rng.getrandbits(128), version=4), active, now,
                                    now, None if active else now, place["id"], None, user_id,
                                    role_id))  # fmt: skip
                if active:
                    user_groups.append((user_id, group_id))
    _insert(
        cursor,
        "auth_user",
        "id, password, is_superuser, username, first_name, last_name, email, is_staff, "
        "is_active, date_joined",
        users,
    )
    _insert(
        cursor,
        "agencies_membership",
        "id, is_active, created_at, updated_at, deactivated_at, agency_id, created_by_id, "
        "user_id, role_id",
        memberships,
    )
    _insert(cursor, "auth_user_groups", "user_id, group_id", user_groups)


def _agreements(cursor, rng: random.Random, agencies: list[dict], now: datetime) -> None:
    """Agreements between agencies of different organisations: mostly active, some not."""
    weights = [a["weight"] for a in agencies]
    agreement_rows, party_rows = [], []
    for agreement_id in range(1, AGREEMENTS + 1):
        size = 2 if rng.random() < 0.8 else rng.randint(3, 5)
        parties: list[dict] = []
        while len(parties) < size:
            agency = rng.choices(agencies, weights)[0]
            if all(agency["root"] != p["root"] for p in parties):
                parties.append(agency)
        draw = rng.random()
        status, valid_from, valid_until = "active", now - timedelta(days=400), None
        if draw < 0.05:
            status = "draft"
        elif draw < 0.15:
            status = "suspended"
        elif draw < 0.25:  # ran out: still "active", but past valid_until
            valid_from, valid_until = now - timedelta(days=900), now - timedelta(days=60)
        elif draw < 0.6:
            valid_until = now + timedelta(days=rng.randint(30, 700))
        max_tlp = rng.choices([TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT], [2, 5, 3])[0]
        names = " / ".join(p["slug"] for p in parties)
        agreement_rows.append((agreement_id, f"Mutual aid {agreement_id}: {names}"[:200], "",
                               str(max_tlp), "[]", valid_from, valid_until, None, status, now,
                               now, parties[0]["id"]))  # fmt: skip
        for index, party in enumerate(parties):
            accepted = status != "draft" or index == 0
            party_rows.append((now if accepted else None, None, party["id"], agreement_id))
    _insert(
        cursor,
        "sharing_sharingagreement",
        "id, name, description, max_tlp, incident_types, valid_from, valid_until, review_due, "
        "status, created_at, updated_at, proposed_by_id",
        agreement_rows,
    )
    _insert(
        cursor, "sharing_agreementparty", "accepted_at, accepted_by_id, agency_id, agreement_id",
        party_rows,
    )  # fmt: skip


def _lead_slots() -> list[int]:
    """1,000 slots naming agencies in proportion to (active members ** 1.3): a few big
    agencies lead most incidents, and every agency leads some."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT agency_id, count(*) FROM agencies_membership WHERE is_active "
            "GROUP BY agency_id ORDER BY agency_id"
        )
        weights = {agency_id: count**1.3 for agency_id, count in cursor.fetchall()}
    total = sum(weights.values())
    spare = LEAD_SLOTS - len(weights)
    exact = {agency_id: spare * weight / total for agency_id, weight in weights.items()}
    slots = {agency_id: 1 + int(x) for agency_id, x in exact.items()}
    by_remainder = sorted(exact, key=lambda a: exact[a] - int(exact[a]), reverse=True)
    for agency_id in by_remainder[: LEAD_SLOTS - sum(slots.values())]:
        slots[agency_id] += 1
    return [agency_id for agency_id, n in slots.items() for _ in range(n)]


HELPERS_SQL = """
CREATE OR REPLACE FUNCTION pg_temp.draw(n bigint, stream integer) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT (hashint8extended(n, stream) & 2147483647)::double precision / 2147483648 $$;

CREATE TEMP TABLE bench_member ON COMMIT DROP AS
    SELECT agency_id, array_agg(user_id ORDER BY user_id) AS users
    FROM agencies_membership WHERE is_active GROUP BY agency_id;

CREATE TEMP TABLE bench_partner ON COMMIT DROP AS
    WITH pairs AS (
        SELECT DISTINCT ON (mine.agency_id, theirs.agency_id)
               mine.agency_id, theirs.agency_id AS partner_id, a.id AS agreement_id,
               CASE a.max_tlp WHEN 'GREEN' THEN 1 WHEN 'AMBER' THEN 2 ELSE 3 END AS max_rank
        FROM sharing_agreementparty mine
        JOIN sharing_agreementparty theirs
          ON theirs.agreement_id = mine.agreement_id AND theirs.agency_id <> mine.agency_id
        JOIN sharing_sharingagreement a ON a.id = mine.agreement_id AND a.status <> 'draft'
        ORDER BY mine.agency_id, theirs.agency_id, a.id
    )
    SELECT pairs.*,
           (row_number() OVER (PARTITION BY agency_id ORDER BY partner_id) - 1)::int AS k,
           (count(*) OVER (PARTITION BY agency_id))::int AS n
    FROM pairs;

CREATE TEMP TABLE bench_perm (level integer, permission_id integer) ON COMMIT DROP;
"""

INCIDENTS_SQL = """
WITH drawn AS (
    SELECT n AS id,
           (%(slots)s::bigint[])[1 + floor(%(nslots)s * pg_temp.draw(n, 1))::int] AS lead,
           (%(types)s::text[])[1 + floor(%(ntypes)s * pg_temp.draw(n, 2))::int] AS kind,
           %(epoch)s::timestamptz - make_interval(secs => 157680000 * pg_temp.draw(n, 3))
               AS created,
           round((-80.5 + 5.5 * pg_temp.draw(n, 4))::numeric, 5)::float8 AS lon,
           round((39.7 + 2.6 * pg_temp.draw(n, 5))::numeric, 5)::float8 AS lat,
           pg_temp.draw(n, 6) AS u_tlp, pg_temp.draw(n, 7) AS u_severity,
           pg_temp.draw(n, 8) AS u_status, pg_temp.draw(n, 9) AS u_area,
           pg_temp.draw(n, 10) AS u_updated, pg_temp.draw(n, 11) AS u_creator,
           pg_temp.draw(n, 12) AS u_editor, pg_temp.draw(n, 13) AS u_exercise
    FROM generate_series(%(low)s::bigint, %(high)s::bigint) AS n
)
INSERT INTO incidents_incident (
    id, public_id, reference, title, description, incident_type, severity, status, location,
    longitude, latitude, affected_area, tlp, lead_agency_id, is_exercise, created_by_id,
    updated_by_id, created_at, updated_at)
SELECT d.id,
       md5('bench-incident-' || d.id)::uuid,
       'INC-' || extract(year FROM d.created)::int || '-' || lpad(d.id::text, 7, '0'),
       initcap(replace(d.kind, '_', ' ')) || ' near '
           || (%(places)s::text[])[1 + (d.id %% %(nplaces)s)::int],
       'Reported by the duty desk; units on scene. Incident ' || d.id || ' is tracked here '
           || 'with its timeline, tasks, resource requests and situation reports.',
       d.kind,
       CASE WHEN u_severity < .15 THEN 1 WHEN u_severity < .45 THEN 2
            WHEN u_severity < .75 THEN 3 WHEN u_severity < .92 THEN 4 ELSE 5 END,
       CASE WHEN u_status < .10 THEN 'reported' WHEN u_status < .35 THEN 'active'
            WHEN u_status < .50 THEN 'contained' ELSE 'closed' END,
       jsonb_build_object('type', 'Point', 'coordinates', jsonb_build_array(d.lon, d.lat)),
       d.lon,
       d.lat,
       CASE WHEN u_area < .10 THEN jsonb_build_object('type', 'Polygon', 'coordinates',
           jsonb_build_array(jsonb_build_array(
               jsonb_build_array(d.lon - .02, d.lat - .02),
               jsonb_build_array(d.lon + .02, d.lat - .02),
               jsonb_build_array(d.lon + .02, d.lat + .02),
               jsonb_build_array(d.lon - .02, d.lat + .02),
               jsonb_build_array(d.lon - .02, d.lat - .02)))) END,
       CASE WHEN u_tlp < .10 THEN 'CLEAR' WHEN u_tlp < .40 THEN 'GREEN'
            WHEN u_tlp < .80 THEN 'AMBER' WHEN u_tlp < .95 THEN 'AMBER+STRICT' ELSE 'RED' END,
       d.lead,
       u_exercise < .03,
       m.users[1 + floor(cardinality(m.users) * u_creator)::int],
       m.users[1 + floor(cardinality(m.users) * u_editor)::int],
       d.created,
       d.created + (%(epoch)s::timestamptz - d.created) * power(u_updated, 8)
FROM drawn d
JOIN bench_member m ON m.agency_id = d.lead
"""

# grants.grant_agency(incident, lead, Access.SHARE, kind=ShareKind.LEAD) for every incident.
LEAD_SHARES_SQL = """
INSERT INTO incidents_incidentshare (
    level, kind, whole_agency, role_slugs, justification, granted_at, agency_id,
    agreement_id, granted_by_id, incident_id)
SELECT 4, 'lead', true, '[]'::jsonb, '', created_at, lead_agency_id, NULL, created_by_id, id
FROM incidents_incident
WHERE id BETWEEN %(low)s AND %(high)s
"""

# share_incident(...) under an agreement for ~30% of the non-RED incidents: 1-3 partners
# of the lead agency whose agreement's highest marking admits the incident's, level 1-2.
AGREEMENT_SHARES_SQL = """
INSERT INTO incidents_incidentshare (
    level, kind, whole_agency, role_slugs, justification, granted_at, agency_id,
    agreement_id, granted_by_id, incident_id)
SELECT CASE WHEN pg_temp.draw(i.id, 30 + j) < .3 THEN 2 ELSE 1 END, 'agreement', true,
       '[]'::jsonb, '', i.created_at + interval '2 hours', p.partner_id, p.agreement_id,
       i.created_by_id, i.id
FROM incidents_incident i
JOIN (SELECT DISTINCT agency_id, n FROM bench_partner) c ON c.agency_id = i.lead_agency_id
CROSS JOIN LATERAL generate_series(0, LEAST(c.n, 1 + floor(3 * pg_temp.draw(i.id, 21))::int) - 1)
    AS j
JOIN bench_partner p
  ON p.agency_id = i.lead_agency_id
 AND p.k = (floor(c.n * pg_temp.draw(i.id, 22))::int + j) %% c.n
WHERE i.id BETWEEN %(low)s AND %(high)s
  AND i.tlp <> 'RED'
  AND pg_temp.draw(i.id, 20) < .3
  AND p.max_rank >= CASE i.tlp WHEN 'CLEAR' THEN 0 WHEN 'GREEN' THEN 1 WHEN 'AMBER' THEN 2
                               ELSE 3 END
"""

# grants._write_group_grants: every role group of the agency x every perm up to the level.
GROUP_GRANTS_SQL = """
INSERT INTO incidents_incidentgroupgrant (content_object_id, group_id, permission_id, share_id)
SELECT s.incident_id, r.group_id, p.permission_id, s.id
FROM incidents_incidentshare s
JOIN agencies_role r ON r.agency_id = s.agency_id
JOIN bench_perm p ON p.level <= s.level
WHERE s.incident_id BETWEEN %(low)s AND %(high)s
"""

# RED: the creator is named at share level (open_incident), plus 0-2 more people at view:
# one of the lead agency's people and, sometimes, someone from anywhere.
NAMED_GRANTS_SQL = """
INSERT INTO incidents_incidentusergrant (content_object_id, permission_id, user_id)
SELECT i.id, p.permission_id, i.created_by_id
FROM incidents_incident i
CROSS JOIN bench_perm p
WHERE i.id BETWEEN %(low)s AND %(high)s AND i.tlp = 'RED' AND i.created_by_id IS NOT NULL
UNION ALL
SELECT i.id, %(view)s,
       CASE WHEN j = 1 THEN m.users[1 + floor(cardinality(m.users) * pg_temp.draw(i.id, 41))::int]
            ELSE 1 + floor(%(users)s * pg_temp.draw(i.id, 42))::int END
FROM incidents_incident i
JOIN bench_member m ON m.agency_id = i.lead_agency_id
CROSS JOIN LATERAL generate_series(1, floor(3 * pg_temp.draw(i.id, 40))::int) AS j
WHERE i.id BETWEEN %(low)s AND %(high)s AND i.tlp = 'RED'
ON CONFLICT DO NOTHING
"""


def _drop_secondary(cursor, table: str) -> list[str]:
    """Drop a table's secondary indexes, unique and foreign-key constraints (the primary
    key stays); return the statements that put them back exactly as migrations made them."""
    cursor.execute(
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
        "WHERE indrelid = %s::regclass AND NOT indisprimary AND indexrelid NOT IN "
        "(SELECT conindid FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY 1",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    restore = [definition for _, definition in indexes]
    restore += [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, _, definition in sorted(constraints, key=lambda c: c[1] == "f")
    ]
    return restore


def incident_span() -> tuple[int, int]:
    """(count, highest id) of the incidents in the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM incidents_incident")
        return cursor.fetchone()


def grow_incidents(target: int) -> int:
    """Make the database hold incidents 1..target with their shares and grants; returns
    how many were added (0 when it already held exactly those)."""
    count, highest = incident_span()
    if count == target and highest == target:
        return 0
    if count > target or highest != count:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE incidents_incident RESTART IDENTITY CASCADE")
        count = 0
    permissions = permission_ids()
    params = {
        "low": count + 1,
        "high": target,
        "slots": _lead_slots(),
        "nslots": LEAD_SLOTS,
        "types": list(IncidentType.values),
        "ntypes": len(IncidentType.values),
        "places": PLACES,
        "nplaces": len(PLACES),
        "epoch": EPOCH,
        "view": permissions[Access.VIEW],
        "users": USERS,
    }
    with transaction.atomic():
        cursor = connection.connection.cursor()
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(HELPERS_SQL)
        _insert(cursor, "bench_perm", "level, permission_id", list(permissions.items()))
        restore = [ddl for table in BULK_TABLES for ddl in _drop_secondary(cursor, table)]
        for statement in (
            INCIDENTS_SQL,
            LEAD_SHARES_SQL,
            AGREEMENT_SHARES_SQL,
            GROUP_GRANTS_SQL,
            NAMED_GRANTS_SQL,
        ):
            cursor.execute(statement, params)
        for ddl in restore:
            cursor.execute(ddl)
        _reset_sequence(cursor, "incidents_incident")
    with connection.cursor() as cursor:
        for table in (*BULK_TABLES, "incidents_incidentusergrant"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        cursor.execute("ANALYZE")
    return target - count


def table_sizes() -> list[tuple[str, str, str]]:
    """(table, rows, size on disk with indexes) of the tables the visibility query reads."""
    sizes = []
    with connection.cursor() as cursor:
        for table in (*BULK_TABLES, "incidents_incidentusergrant"):
            cursor.execute(
                f"SELECT count(*), pg_size_pretty(pg_total_relation_size('{table}')) FROM {table}"
            )
            rows, size = cursor.fetchone()
            sizes.append((table, f"{rows:,}", size))
    return sizes
