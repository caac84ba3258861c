"""Factories that build people and agencies through the service verbs, as the app does."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from agencies import services
from agencies.models import Agency, Jurisdiction
from incidents.services import incidents as incident_services
from sharing.agreements import accept_agreement, propose_agreement

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


def platform_operator():
    """The platform operator, who sets the tests' agencies and jurisdictions up through the
    verbs as the demo's operator does (the `staff` fixture is the same person)."""
    return UserFactory(username="operator", is_staff=True)


class AgencyFactory(factory.django.DjangoModelFactory):
    """An agency registered with its five built-in roles."""

    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = "emergency_management"
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.register_agency(**kwargs, actor=platform_operator())


def member_of(agency: Agency, role_slug: str, **user_fields):
    """A person holding `role_slug` in `agency` (built with the add_member verb)."""
    user = UserFactory(**user_fields)
    services.add_member(
        agency, user=user, role=agency.roles.get(slug=role_slug), actor=platform_operator()
    )
    return user


def issue_client(agency: Agency, role_slug: str = "analyst", scopes=("read", "write"), **kwargs):
    """An API client of `agency` and its token."""
    return services.issue_api_client(
        agency,
        name=kwargs.pop("name", f"{agency.slug} bridge"),
        role=agency.roles.get(slug=role_slug),
        scopes=list(scopes),
        actor=kwargs.pop("actor", None) or platform_operator(),
        **kwargs,
    )


def square(west: float, south: float, size: float = 1.0) -> dict:
    """A GeoJSON Polygon: the square whose south-west corner is (west, south)."""
    east, north = west + size, south + size
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


class JurisdictionFactory(factory.django.DjangoModelFactory):
    """A jurisdiction defined with the service verb, so its bounding box is indexed."""

    class Meta:
        model = Jurisdiction

    name = factory.Sequence(lambda n: f"Jurisdiction {n}")
    slug = factory.Sequence(lambda n: f"jurisdiction-{n}")
    level = "municipal"
    boundary = factory.LazyFunction(lambda: square(0, 0))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.define_jurisdiction(**kwargs, actor=platform_operator())


POINT = {"type": "Point", "coordinates": [-123.905, 46.018]}


def city_of_port_calder() -> Jurisdiction:
    """A city (a plain square) round POINT, where the tests open their incidents."""
    return JurisdictionFactory(
        name="City of Port Calder", slug="port-calder", boundary=square(-124.0, 45.9, 0.2)
    )


def open_incident(actor, **fields):
    """An incident opened by `actor` through the open_incident verb."""
    defaults = {
        "title": "Warehouse fire on Dock Street",
        "incident_type": "fire",
        "severity": 3,
        "location": POINT,
        "tlp": "AMBER",
    }
    return incident_services.open_incident(actor=actor, **{**defaults, **fields})


def agreement_between(first, second, *, actor_first, actor_second, **terms):
    """A sharing agreement both sides have accepted (active from a minute ago)."""
    defaults = {
        "name": f"{first.name} and {second.name}",
        "max_tlp": "AMBER+STRICT",
        "valid_from": timezone.now() - timedelta(minutes=1),
    }
    agreement = propose_agreement(
        proposer=first, parties=[second], actor=actor_first, **{**defaults, **terms}
    )
    return accept_agreement(agreement, agency=second, actor=actor_second)
