"""The hand-written SQL the API is measured against: the same visible incidents, the same
page and the same total, written from scratch in SQL (no ORM): a COUNT and the page,
as the list needs both.

Who sees what is `sharing.policy`'s rule restated: the person must hold a role that
carries `view` in an active agency; then CLEAR/GREEN is open; a view grant to one of
those roles' groups counts unless the incident is RED (and its share's agreement, if
any, is in force); AMBER also opens to whole-agency shares with an agency at or above
one of those roles' agencies (agreement in force); a personal view grant counts when it
was made under no agreement or under one in force.
The cheap marking tests come first; the grant sets are `IN (subquery)`, which
PostgreSQL hashes once per statement, each reached through the person's own few groups
and agencies (a group grant counts when its share, to one of those agencies, counts).
"""

from django.db import connection

MY_ROLES = """
    SELECT r.group_id, r.agency_id, a.tree_path
    FROM auth_user_groups ug
    JOIN agencies_role r ON r.group_id = ug.group_id
    JOIN agencies_rolecapability c ON c.role_id = r.id AND c.capability = 'view'
    JOIN agencies_agency a ON a.id = r.agency_id AND a.is_active
    WHERE ug.user_id = %(user)s
"""

COUNTING_SHARES = """
    SELECT s.id, s.incident_id, s.agency_id, s.whole_agency
    FROM incidents_incidentshare s
    LEFT JOIN sharing_sharingagreement a ON a.id = s.agreement_id
    WHERE s.agreement_id IS NULL
       OR (a.status = 'active' AND a.valid_from <= %(now)s
           AND (a.valid_until IS NULL OR a.valid_until > %(now)s))
"""

VISIBLE = f"""
EXISTS ({MY_ROLES})
AND (i.tlp IN ('CLEAR', 'GREEN')
  OR (i.tlp IN ('AMBER', 'AMBER+STRICT') AND i.id IN (
      SELECT g.content_object_id
      FROM incidents_incidentgroupgrant g
      WHERE g.permission_id = %(view)s
        AND g.group_id IN (SELECT mine.group_id FROM ({MY_ROLES}) mine)
        AND g.share_id IN (
            SELECT shares.id FROM ({COUNTING_SHARES}) shares
            WHERE shares.agency_id IN (SELECT mine.agency_id FROM ({MY_ROLES}) mine))))
  OR (i.tlp = 'AMBER' AND i.id IN (
      SELECT shares.incident_id FROM ({COUNTING_SHARES}) shares
      WHERE shares.whole_agency
        AND shares.agency_id IN (
            SELECT up.id FROM agencies_agency up
            WHERE EXISTS (SELECT FROM ({MY_ROLES}) mine
                          WHERE starts_with(mine.tree_path, up.tree_path)))))
  OR i.id IN (
      SELECT u.content_object_id
      FROM incidents_incidentusergrant u
      LEFT JOIN sharing_sharingagreement a ON a.id = u.agreement_id
      WHERE u.user_id = %(user)s AND u.permission_id = %(view)s
        AND (u.agreement_id IS NULL
             OR (a.status = 'active' AND a.valid_from <= %(now)s
                 AND (a.valid_until IS NULL OR a.valid_until > %(now)s)))))
"""

COUNT = f"SELECT count(*) FROM incidents_incident i WHERE {VISIBLE} {{filter}}"

PAGE = f"""
SELECT i.id, i.public_id, i.reference, i.title, i.description, i.incident_type, i.severity,
       i.status, i.location, i.affected_area, i.tlp, i.is_exercise, i.created_at,
       i.updated_at, lead.slug, lead.name, creator.username, editor.username
FROM incidents_incident i
JOIN agencies_agency lead ON lead.id = i.lead_agency_id
LEFT JOIN auth_user creator ON creator.id = i.created_by_id
LEFT JOIN auth_user editor ON editor.id = i.updated_by_id
WHERE {VISIBLE} {{filter}}
ORDER BY i.updated_at DESC, i.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""

ALL_IDS = f"SELECT i.id FROM incidents_incident i WHERE {VISIBLE}"


def _sql(template: str, status: str | None) -> str:
    return template.replace("{filter}", "AND i.status = %(status)s" if status else "")


def page(params: dict, status: str | None = None) -> tuple[int, list[str]]:
    """(total visible, public ids of the page) for `params` (user, view, now, limit, offset)."""
    params = {**params, "status": status}
    with connection.cursor() as cursor:
        cursor.execute(_sql(COUNT, status), params)
        (total,) = cursor.fetchone()
        cursor.execute(_sql(PAGE, status), params)
        return total, [str(row[1]) for row in cursor.fetchall()]


def all_ids(params: dict) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(ALL_IDS, params)
        return {row[0] for row in cursor.fetchall()}


def explain(params: dict) -> list[tuple[str, str]]:
    """(label, EXPLAIN (ANALYZE, BUFFERS) text) of the COUNT and the page."""
    plans = []
    with connection.cursor() as cursor:
        for label, template in (("COUNT", COUNT), ("page", PAGE)):
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + _sql(template, None), params)
            plans.append((label, "\n".join(row[0] for row in cursor.fetchall())))
    return plans
