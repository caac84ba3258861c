"""The verb skeleton: one event per call a caller made, what inner verbs did folded in,
nothing at all for a change that changes nothing or is refused."""

import pytest
from django.http import Http404

from incidents.services.incidents import change_status, update_incident
from incidents.services.participants import add_participant
from ledger.verbs import verb


def test_an_inner_verb_folds_into_the_one_event_of_the_verb_called(
    capture_events, incident, duty, other_agency, mutual_aid
):
    with capture_events() as events:
        add_participant(incident, actor=duty, agency=other_agency, part="assisting")

    (event,) = events
    assert event.kind == "incident.participant_added"
    assert event.payload == {
        "agency": "esterly-fire",
        "part": "assisting",
        "level": "contribute",
        "folded": [
            {
                "kind": "incident.share_granted",
                "payload": {"agency": "esterly-fire", "level": "contribute", "kind": "agreement"},
            }
        ],
    }


def test_a_change_that_changes_nothing_emits_nothing(capture_events, incident, duty):
    with capture_events() as events:
        update_incident(incident, actor=duty, title=incident.title)

    assert events == []


def test_a_refused_change_emits_nothing(capture_events, incident, outsider):
    with capture_events() as events, pytest.raises(Http404):
        change_status(incident, "active", actor=outsider, reason="Not mine to say")

    assert events == []


def test_a_verb_says_what_it_did_once(agency):
    with verb(actor=None) as change:
        change.describe("agency.updated", target=agency)
        with pytest.raises(RuntimeError):
            change.describe("agency.updated", target=agency)
