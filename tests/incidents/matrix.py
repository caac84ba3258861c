"""The world the authorization matrix is told in.

Four agencies stand in every relation there is to an incident's lead agency: Harbor
Police leads it (own), its Marine Unit sits below it (child), Esterly Fire is the agency
it may be shared with under an agreement (other), and Northgate Water has no agreement
with anyone (unrelated). Each has the five built-in roles and its own "Watch Commander".
A Harbor Police duty officer who is none of the actors opens the incident, marks it and
shares it (or not) with Esterly Fire; every actor then meets it through the API, as a
person signed in or as an API client in the same role.

Everything here is built through the service verbs, as the app builds it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from agencies import services as agency_services
from agencies.models import Agency
from incidents.models import Incident, IncidentShare
from incidents.services import incidents as incident_services
from incidents.services import sharing as sharing_services
from sharing.access import Access
from sharing.agreements import suspend_agreement
from sharing.models import SharingAgreement
from tests.factories import (
    AgencyFactory,
    agreement_between,
    issue_client,
    member_of,
    open_incident,
    platform_operator,
)

INCIDENTS = "/api/v1/incidents/"

OWN, CHILD, OTHER, UNRELATED = "own", "child", "other", "unrelated"
RELATIONS = (OWN, CHILD, OTHER, UNRELATED)

WATCH_COMMANDER = "watch_commander"
BUILTIN_ROLES = ("admin", "duty_officer", "analyst", "responder", "viewer")
ROLES = (*BUILTIN_ROLES, WATCH_COMMANDER)

TLPS = ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")

SHARED, NOT_SHARED, EXPIRED, SUSPENDED, REVOKED = (
    "shared",
    "not_shared",
    "expired",
    "suspended",
    "revoked",
)
SHARE_STATES = (SHARED, NOT_SHARED, EXPIRED, SUSPENDED, REVOKED)

SESSION, API_CLIENT = "session", "api_client"
PRINCIPAL_KINDS = (SESSION, API_CLIENT)

# (name, slug, kind, parent relation)
AGENCIES = {
    OWN: ("Harbor Police", "harbor-police", "law_enforcement", None),
    CHILD: ("Harbor Police Marine Unit", "harbor-police-marine", "law_enforcement", OWN),
    OTHER: ("Esterly Fire", "esterly-fire", "fire", None),
    UNRELATED: ("Northgate Water Authority", "northgate-water", "public_works", None),
}


def build_agencies() -> dict[str, Agency]:
    """The four agencies, each with the built-in roles and a Watch Commander."""
    agencies: dict[str, Agency] = {}
    for relation, (name, slug, kind, parent) in AGENCIES.items():
        agencies[relation] = AgencyFactory(
            name=name, slug=slug, kind=kind, parent=agencies[parent] if parent else None
        )
        role = agency_services.define_role(
            agencies[relation],
            name="Watch Commander",
            capabilities=["view", "contribute", "command"],
            actor=platform_operator(),
        )
        assert role.slug == WATCH_COMMANDER
    return agencies


@dataclass
class Actor:
    """One caller of the matrix: a role in an agency, signed in one way or the other."""

    role: str
    relation: str
    kind: str
    client: APIClient


@dataclass
class World:
    """One incident at one marking, in one state of sharing with Esterly Fire."""

    tlp: str
    state: str
    agencies: dict[str, Agency]
    opener: object
    other_admin: object
    incident: Incident
    agreement: SharingAgreement
    other_share: IncidentShare | None
    secret_word: str
    actors: list[Actor] = field(default_factory=list)

    @property
    def detail_url(self) -> str:
        return f"{INCIDENTS}{self.incident.public_id}/"

    @property
    def secrets(self) -> tuple[str, ...]:
        """What must never reach someone who may not see the incident."""
        return (
            self.incident.title,
            self.secret_word,
            self.incident.reference,
            str(self.incident.public_id),
            self.incident.public_id.hex,
        )

    def add_actors(self, kind: str) -> list[Actor]:
        """Every role of every agency, as people signed in or as API clients."""
        for relation in RELATIONS:
            agency = self.agencies[relation]
            for role in ROLES:
                client = APIClient()
                if kind == SESSION:
                    person = member_of(agency, role, username=f"{agency.slug}.{role}")
                    client.force_login(person)
                else:
                    _, token = issue_client(agency, role, name=f"{agency.slug} {role} bridge")
                    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
                self.actors.append(Actor(role, relation, kind, client))
        return self.actors


SECRET_WORDS = {
    "CLEAR": "Quillfeather",
    "GREEN": "Marrowgate",
    "AMBER": "Saltmarsh",
    "AMBER+STRICT": "Brightwater",
    "RED": "Nightjar",
}


def _opened(tlp: str, *, secret_of: str, max_tlp: str):
    """The four agencies, Harbor Police's duty officer, an agreement with Esterly Fire up
    to `max_tlp`, and the spill opened at `tlp` with the secret word of `secret_of`."""
    agencies = build_agencies()
    own, other = agencies[OWN], agencies[OTHER]
    opener = member_of(own, "duty_officer", username="harbor-police.on-call-duty-officer")
    own_admin = member_of(own, "admin", username="harbor-police.agreements-admin")
    other_admin = member_of(other, "admin", username="esterly-fire.agreements-admin")
    agreement = agreement_between(
        own, other, actor_first=own_admin, actor_second=other_admin, max_tlp=max_tlp
    )
    word = SECRET_WORDS[secret_of]
    incident = open_incident(
        opener,
        title=f"{word} chemical spill at Pier 9",
        description=f"Drums leaking into the harbour by the {word} Quay.",
        incident_type="hazmat",
        tlp=tlp,
    )
    return agencies, opener, other_admin, agreement, incident


@transaction.atomic
def build_world(tlp: str, state: str) -> World:
    """Open the incident, share it with Esterly Fire at contribute, then put the share
    into `state`.

    A RED incident cannot be shared with an agency, so it is shared while AMBER and then
    raised: the agreement (highest AMBER+STRICT) no longer covers it and the share ends.
    """
    agencies, opener, other_admin, agreement, incident = _opened(
        "AMBER" if tlp == "RED" else tlp, secret_of=tlp, max_tlp="AMBER+STRICT"
    )
    other = agencies[OTHER]
    word = SECRET_WORDS[tlp]
    if state != NOT_SHARED:
        share = sharing_services.share_incident(
            incident, actor=opener, agency=other, level=Access.CONTRIBUTE
        )
        if state == EXPIRED:
            SharingAgreement.objects.filter(pk=agreement.pk).update(
                valid_until=timezone.now() - timedelta(seconds=1)
            )
        elif state == SUSPENDED:
            suspend_agreement(agreement, agency=other, actor=other_admin, reason="Annual review")
        elif state == REVOKED:
            sharing_services.revoke_share(share, actor=opener)
    if tlp == "RED":
        incident_services.change_marking(incident, "RED", actor=opener)
    incident.refresh_from_db()
    return World(
        tlp=tlp,
        state=state,
        agencies=agencies,
        opener=opener,
        other_admin=other_admin,
        incident=incident,
        agreement=agreement,
        other_share=incident.shares.filter(agency=other).first(),
        secret_word=word,
    )


def problem_code(response) -> str | None:
    """The problem document's code, or None for a success."""
    if response.status_code < 400:
        return None
    try:
        return response.json().get("code")
    except ValueError:
        return "<not json>"


def leaked(response, secrets, *, path: str) -> list[str]:
    """The secrets found in a response body.

    A problem document echoes the requested path as its `instance`; the caller wrote
    that path (and the id in it) themselves, so it is blanked before looking.
    """
    body = response.content.decode("utf-8", errors="replace").replace(path, "<request path>")
    return [secret for secret in secrets if secret.lower() in body.lower()]


# Named grants: one analyst of each agency is named on the incident, at contribute. Esterly
# Fire's is named under the agreement (which here reaches RED), so the grant counts only
# while it is in force; Harbor Police's and its Marine Unit's are named inside the lead's
# organisation, and Northgate Water's by breaking glass: theirs depend on no agreement.
NAMED_ROLE = "analyst"
NAMED_STATES = (SHARED, EXPIRED, SUSPENDED)  # of the agreement: in force, run out, suspended
BREAK_GLASS_REASON = "Northgate Water's analyst must see the spill reach the water intake now."


@dataclass
class NamedWorld(World):
    """One incident at one marking with a person of each agency named on it, and the
    agreement between Harbor Police and Esterly Fire in one state."""

    named_people: dict[str, object] = field(default_factory=dict)

    def add_named_actors(self) -> list[tuple[Actor, bool]]:
        """Per agency: the person named, a colleague in the same role who is not, and an
        API client in that role; each with whether they are named."""
        actors = []
        for relation in RELATIONS:
            agency = self.agencies[relation]
            named = APIClient()
            named.force_login(self.named_people[relation])
            colleague = APIClient()
            colleague.force_login(
                member_of(agency, NAMED_ROLE, username=f"{agency.slug}.{NAMED_ROLE}")
            )
            bridge = APIClient()
            _, token = issue_client(agency, NAMED_ROLE, name=f"{agency.slug} bridge")
            bridge.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            actors += [
                (Actor(NAMED_ROLE, relation, SESSION, named), True),
                (Actor(NAMED_ROLE, relation, SESSION, colleague), False),
                (Actor(NAMED_ROLE, relation, API_CLIENT, bridge), False),
            ]
        self.actors = [actor for actor, _ in actors]
        return actors


@transaction.atomic
def build_named_world(tlp: str, state: str) -> NamedWorld:
    """Open the incident at `tlp`, shared with no agency; name an analyst of each agency
    on it at contribute; then put the agreement into `state`."""
    agencies, opener, other_admin, agreement, incident = _opened(tlp, secret_of=tlp, max_tlp="RED")
    word = SECRET_WORDS[tlp]
    named_people = {}
    for relation in RELATIONS:
        agency = agencies[relation]
        person = member_of(agency, NAMED_ROLE, username=f"{agency.slug}.named-{NAMED_ROLE}")
        glass = relation == UNRELATED
        sharing_services.grant_person(
            incident,
            actor=opener,
            person=person,
            level=Access.CONTRIBUTE,
            break_glass=glass,
            justification=BREAK_GLASS_REASON if glass else "",
        )
        named_people[relation] = person
    if state == EXPIRED:
        SharingAgreement.objects.filter(pk=agreement.pk).update(
            valid_until=timezone.now() - timedelta(seconds=1)
        )
    elif state == SUSPENDED:
        suspend_agreement(
            agreement, agency=agencies[OTHER], actor=other_admin, reason="Annual review"
        )
    incident.refresh_from_db()
    return NamedWorld(
        tlp=tlp,
        state=state,
        agencies=agencies,
        opener=opener,
        other_admin=other_admin,
        incident=incident,
        agreement=agreement,
        other_share=None,
        secret_word=word,
        named_people=named_people,
    )
