"""The region: jurisdictions with their boundaries and the agencies that answer for them
(`jurisdictions.geojson`), the agencies with their contacts and the roles they define
for themselves (`agencies.json`).

Jurisdictions and agencies are known by slug, roles by name, responsibilities by their
(agency, jurisdiction) pair: what exists is left as it is, so a second run defines nothing.
Agencies are listed parents first, the order they are registered in.
"""

from collections import Counter
from collections.abc import Callable

from agencies import services
from agencies.models import Agency, Jurisdiction, Responsibility
from demo.scenario import read


def seed_region(operator, counts: Counter, say: Callable[[str], None]) -> dict[str, Agency]:
    """Build whatever of the region is missing, as the platform operator; the demo's
    agencies by slug."""
    features = read("jurisdictions.geojson")["features"]
    specs = read("agencies.json")
    jurisdictions = seed_jurisdictions(operator, features, counts, say)
    agencies = seed_agencies(operator, specs, counts, say)
    seed_responsibilities(operator, features, agencies, jurisdictions, counts)
    seed_roles(operator, specs, agencies, counts, say)
    return agencies


def seed_jurisdictions(
    operator, features: list[dict], counts: Counter, say
) -> dict[str, Jurisdiction]:
    """Each feature's id is the jurisdiction's slug, its geometry the boundary."""
    existing = Jurisdiction.objects.in_bulk([f["id"] for f in features], field_name="slug")
    counts["jurisdictions_present"] = len(existing)
    for feature in features:
        if feature["id"] in existing:
            continue
        properties = feature["properties"]
        existing[feature["id"]] = services.define_jurisdiction(
            actor=operator,
            name=properties["name"],
            slug=feature["id"],
            level=properties["level"],
            boundary=feature["geometry"],
            code=properties.get("code", ""),
        )
        counts["jurisdictions_created"] += 1
        say(f"Defined jurisdiction {properties['name']} ({feature['id']})")
    return existing


def seed_agencies(operator, specs: list[dict], counts: Counter, say) -> dict[str, Agency]:
    existing = Agency.objects.in_bulk([spec["slug"] for spec in specs], field_name="slug")
    counts["agencies_present"] = len(existing)
    for spec in specs:
        if spec["slug"] in existing:
            continue
        agency = services.register_agency(
            actor=operator,
            name=spec["name"],
            slug=spec["slug"],
            kind=spec["kind"],
            parent=existing[spec["parent"]] if "parent" in spec else None,
        )
        services.update_agency_contacts(
            agency,
            actor=operator,
            contact_points=spec["contact_points"],
            **{field: spec.get(field, "") for field in ("email", "phone", "website", "address")},
        )
        existing[spec["slug"]] = agency
        counts["agencies_created"] += 1
        say(f"Registered agency {spec['name']} ({spec['slug']})")
    return existing


def seed_responsibilities(
    operator, features: list[dict], agencies, jurisdictions, counts: Counter
) -> None:
    """Each jurisdiction's `answered_for_by`: agency slug -> primary or supporting."""
    present = set(
        Responsibility.objects.filter(agency__in=agencies.values()).values_list(
            "agency__slug", "jurisdiction__slug"
        )
    )
    for feature in features:
        for agency, kind in feature["properties"]["answered_for_by"].items():
            if (agency, feature["id"]) not in present:
                services.assign_responsibility(
                    agencies[agency], jurisdictions[feature["id"]], kind, actor=operator
                )
                counts["responsibilities_created"] += 1


def seed_roles(operator, specs: list[dict], agencies, counts: Counter, say) -> None:
    """The agencies' own roles, beside the five every agency starts with."""
    for spec in specs:
        agency = agencies[spec["slug"]]
        for role in spec.get("roles", ()):
            if agency.roles.filter(name__iexact=role["name"]).exists():
                continue
            services.define_role(
                agency,
                actor=operator,
                name=role["name"],
                capabilities=frozenset(role["capabilities"]),
                description=role["description"],
            )
            counts["roles_created"] += 1
            say(f"Defined role {role['name']} in {spec['name']}")
