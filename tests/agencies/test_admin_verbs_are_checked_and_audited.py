"""An agency's members, roles and API clients are its administrators' to keep: the verbs
refuse anyone else themselves (not only the views in front of them), and every change
to who may do what is on the agency's audit trail. Agencies and jurisdictions are the
platform operator's."""

import pytest

from agencies import services
from coordination.errors import Forbidden
from ledger.models import AuditAction, AuditRecord, Event
from tests.factories import UserFactory, issue_client, member_of


def _role(agency, admin):
    return services.define_role(agency, actor=admin, name="Night Watch", capabilities=["view"])


# (verb, how to call it as `actor` in Harbor Police's world, the record it leaves)
ADMIN_VERBS = {
    "define_role": (
        lambda w, actor: services.define_role(
            w.agency, actor=actor, name="Watch Commander", capabilities=["view", "command"]
        ),
        AuditAction.ROLE_DEFINED,
    ),
    "change_role": (
        lambda w, actor: services.change_role(w.role, actor=actor, capabilities=["view", "share"]),
        AuditAction.ROLE_CHANGED,
    ),
    "delete_role": (
        lambda w, actor: services.delete_role(w.role, actor=actor),
        AuditAction.ROLE_DELETED,
    ),
    "add_member": (
        lambda w, actor: services.add_member(
            w.agency, actor=actor, user=w.newcomer, role=w.agency.roles.get(slug="viewer")
        ),
        AuditAction.MEMBER_ADDED,
    ),
    "change_member": (
        lambda w, actor: services.change_member(
            w.membership, actor=actor, role=w.agency.roles.get(slug="viewer")
        ),
        AuditAction.MEMBER_CHANGED,
    ),
    "deactivate_member": (
        lambda w, actor: services.deactivate_member(w.membership, actor=actor),
        AuditAction.MEMBER_DEACTIVATED,
    ),
    "issue_api_client": (
        lambda w, actor: services.issue_api_client(
            w.agency,
            actor=actor,
            name="CAD bridge",
            role=w.agency.roles.get(slug="analyst"),
            scopes=["read"],
        ),
        AuditAction.API_CLIENT_ISSUED,
    ),
    "update_api_client": (
        lambda w, actor: services.update_api_client(w.client, actor=actor, scopes=["read"]),
        AuditAction.API_CLIENT_UPDATED,
    ),
    "revoke_api_client": (
        lambda w, actor: services.revoke_api_client(w.client, actor=actor),
        AuditAction.API_CLIENT_REVOKED,
    ),
}


class World:
    """Harbor Police with a role of its own, a member to change and a client to manage."""

    def __init__(self, agency, admin):
        self.agency = agency
        self.role = _role(agency, admin)
        self.newcomer = UserFactory(username="newcomer")
        self.membership = member_of(
            agency, "responder", username="harbor-police.rookie"
        ).memberships.get()
        self.client, _token = issue_client(agency, actor=admin)


@pytest.fixture
def world(agency, admin):
    return World(agency, admin)


@pytest.mark.parametrize("verb", sorted(ADMIN_VERBS))
def test_someone_who_does_not_administer_the_agency_is_refused_and_nothing_is_written(
    verb, world, analyst, other_admin
):
    call, _action = ADMIN_VERBS[verb]
    records, events = AuditRecord.objects.count(), Event.objects.count()

    for outsider in (analyst, other_admin):
        with pytest.raises(Forbidden) as refusal:
            call(world, outsider)
        assert (refusal.value.status, refusal.value.code) == (403, "not_administrator")

    assert (AuditRecord.objects.count(), Event.objects.count()) == (records, events)


@pytest.mark.parametrize("verb", sorted(ADMIN_VERBS))
def test_the_administrators_change_is_on_the_agencys_trail(verb, world, admin):
    call, action = ADMIN_VERBS[verb]

    changed = call(world, admin)

    record = AuditRecord.objects.order_by("-id").first()
    assert (record.action, record.actor, record.agency) == (action, admin, world.agency)
    if changed is not None and not isinstance(changed, tuple):
        assert record.target_id == str(getattr(changed, "public_id", None) or changed.pk)


def test_an_api_token_is_never_written_on_the_trail(agency, admin):
    _client, token = services.issue_api_client(
        agency,
        actor=admin,
        name="CAD bridge",
        role=agency.roles.get(slug="analyst"),
        scopes=["read"],
    )

    record = AuditRecord.objects.get(action=AuditAction.API_CLIENT_ISSUED)
    assert token not in str(record.detail)
    assert record.detail["token_prefix"] == token[:10]


def test_agencies_and_jurisdictions_are_for_platform_operators(admin, agency, other_agency):
    with pytest.raises(Forbidden) as refusal:
        services.register_agency(actor=admin, name="Port", slug="port", kind="public_works")
    assert refusal.value.code == "not_platform_operator"
    with pytest.raises(Forbidden):
        services.set_agency_active(other_agency, False, actor=admin)
    other_agency.refresh_from_db()
    assert other_agency.is_active


def test_the_operator_sets_a_new_agency_up_before_it_has_administrators(staff):
    port = services.register_agency(actor=staff, name="Port", slug="port", kind="public_works")

    first = services.add_member(
        port,
        actor=staff,
        user=UserFactory(username="port.admin"),
        role=port.roles.get(slug="admin"),
    )

    assert first.role.slug == "admin"
    record = AuditRecord.objects.get(action=AuditAction.MEMBER_ADDED, agency=port)
    assert record.actor == staff


def test_what_decides_sharing_about_an_agency_is_on_its_trail(staff, agency, other_agency):
    """Registering, moving and (de)activating an agency change what it shares without an
    agreement and who holds roles there: each is on the agency's own trail, once."""
    port = services.register_agency(actor=staff, name="Port", slug="port", kind="public_works")
    services.set_agency_parent(port, agency, actor=staff)
    services.set_agency_active(port, False, actor=staff)
    services.set_agency_active(port, False, actor=staff)
    services.set_agency_active(port, True, actor=staff)

    trail = AuditRecord.objects.filter(agency=port).order_by("id")
    assert [(r.action, r.actor, r.detail) for r in trail] == [
        (
            AuditAction.AGENCY_REGISTERED,
            staff,
            {"slug": "port", "kind": "public_works", "parent": None},
        ),
        (AuditAction.AGENCY_MOVED, staff, {"from": None, "to": agency.slug}),
        (AuditAction.AGENCY_DEACTIVATED, staff, {}),
        (AuditAction.AGENCY_REACTIVATED, staff, {}),
    ]
    assert trail[1].other_agency == agency
