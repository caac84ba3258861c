"""What the command tab's forms do, as a table: each row names the form, the verb of
incidents/services/participants.py or incidents/services/command.py it calls, and what
success says; `command_action` turns a row into a page that needs `command`.

Success redirects back to the tab (or, for htmx, returns its refreshed sections). A
verb's refusal is shown beside the field it names (422); an edit made against a version
that is no longer current is handed back with the current values and version (409),
read again through the visible lookup.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.forms import Form
from django.http import Http404
from django.urls import reverse

from incidents import selectors
from incidents.forms.command import (
    ObjectiveAddForm,
    ObjectiveStatusForm,
    ParticipantAddForm,
    ParticipantPartForm,
    PeriodEditForm,
    PeriodOpenForm,
    PositionFillForm,
    PositionReassignForm,
    ProposalAcceptForm,
    VersionForm,
)
from incidents.models import ObjectiveStatus, ParticipantStatus
from incidents.services import command as command_verbs
from incidents.services import participants as participant_verbs
from incidents.services.command import NAMED_KINDS, SUPERVISING_KINDS, ObjectiveInput
from incidents.views.base import Page, incident_page
from incidents.views.command_page import (
    addable_agencies,
    auto_id,
    holder_key,
    holders_for,
    render_command,
)
from incidents.views.runner import UNPROCESSABLE, finish, run


@dataclass(frozen=True)
class CommandAction:
    """One form of the command tab and the verb behind it.

    `find` turns the URL's ids into the target (404 for one the reader may not see);
    `form` is bound with what `options` adds and the ids of `key`, where the tab looks
    the bound form up (a name, or made from the target); `verb` gets the cleaned data;
    `number` is the period the tab then shows; `stale`, for a versioned edit, gives the
    values to re-bind the refused form to, from the target found again as stored now.
    """

    find: Callable
    verb: Callable
    message: Callable
    anchor: str
    form: type[Form] | None = None
    key: str | Callable = ""
    options: Callable = lambda page, target: {}
    number: Callable = lambda target, done=None: None
    stale: Callable | None = None
    refusals: dict = field(default_factory=lambda: UNPROCESSABLE)

    def bound_key(self, target):
        return self.key(target) if callable(self.key) else self.key

    def bind(self, page: Page, target, data) -> Form:
        auto = auto_id(self.bound_key(target))
        return self.form(data, auto_id=auto, **self.options(page, target))


def command_action(action: CommandAction):
    @incident_page(POST="command")
    def page_view(page: Page, **ids):
        target = action.find(page, **ids)

        def done(outcome):
            result, data = outcome
            number = action.number(target, result)
            url = reverse("incident-command", args=[page.incident.public_id])
            if number is not None:
                url += f"?period={number}"
            return finish(
                page.request,
                action.message(target, result, data),
                url + action.anchor,
                section=lambda: render_command(page, number=number),
            )

        if action.form is None:
            return done((action.verb(page, target, {}), {}))

        def again(form, status):
            bound = {action.bound_key(target): form}
            return render_command(page, number=action.number(target), bound=bound, status=status)

        def stale(form):
            return action.stale(action.find(page, **ids), form)

        return run(
            lambda data: action.bind(page, target, data),
            lambda form: (action.verb(page, target, form.cleaned_data), form.cleaned_data),
            data=page.request.POST,
            done=done,
            again=again,
            stale=stale if action.stale else None,
            refusals=action.refusals,
        )

    return page_view


# What the URL names, looked up under the incident the reader may see.


def _incident(page: Page):
    return page.incident


def _participant(page: Page, agency: str):
    return page.child(
        selectors.participants(page.incident), incident=page.incident, agency__slug=agency
    )


def _proposal(page: Page, agency: str):
    participant = _participant(page, agency)
    if participant.status != ParticipantStatus.PROPOSED:
        raise Http404
    return participant


def _period(page: Page, number: int):
    return page.child(selectors.periods(page.incident).select_related("incident"), number=number)


def _position(page: Page, position_id):
    return page.child(selectors.positions(page.incident), public_id=position_id)


@dataclass(frozen=True)
class ObjectiveOf:
    """One objective of a period, by its place in the list (the verb replaces the list)."""

    period: object
    order: int
    objectives: list[ObjectiveInput]

    @property
    def number(self) -> int:
        return self.period.number


def _objectives_of(period) -> list[ObjectiveInput]:
    return [
        ObjectiveInput(text=objective.text, status=objective.status)
        for objective in period.objectives.all()
    ]


def _objective(page: Page, number: int, order: int) -> ObjectiveOf:
    period = _period(page, number)
    objectives = _objectives_of(period)
    if not 1 <= order <= len(objectives):
        raise Http404
    return ObjectiveOf(period, order, objectives)


def _period_number(target, done=None):
    return target.number


def _position_number(target, done=None):
    return target.period.number


# The verbs, called with the cleaned form.


def _add_participant(page, incident, data):
    return participant_verbs.add_participant(incident, actor=page.user, **data)


def _accept(page, participant, data):
    return participant_verbs.add_participant(
        page.incident, actor=page.user, agency=participant.agency, part=data["part"]
    )


def _change_part(page, participant, data):
    return participant_verbs.change_part(
        participant, actor=page.user, part=data["part"], expected_version=data["version"]
    )


def _remove_participant(page, participant, data):
    return participant_verbs.remove_participant(participant, actor=page.user)


def _removed(participant, result, data) -> str:
    name = participant.agency.name
    if participant.status == ParticipantStatus.PROPOSED:
        return f"The proposal that {name} take part was dismissed."
    return (
        f"{name} no longer takes part: its access is revoked, its positions vacated "
        "and its open tasks handed back."
    )


def _edit_period(page, period, data):
    changes = dict(data)
    version = changes.pop("version")
    # Times sent back unchanged are no move: the verb would record one on the timeline.
    for name in ("starts_at", "ends_at"):
        if changes[name] == getattr(period, name):
            del changes[name]
    return command_verbs.update_period(period, actor=page.user, expected_version=version, **changes)


def _add_objective(page, period, data):
    objectives = [*_objectives_of(period), ObjectiveInput(text=data["text"])]
    return command_verbs.update_period(
        period, actor=page.user, expected_version=data["version"], objectives=objectives
    )


def _set_objective_status(page, objective: ObjectiveOf, data):
    objectives = list(objective.objectives)
    place = objective.order - 1
    objectives[place] = ObjectiveInput(text=objectives[place].text, status=data["status"])
    return command_verbs.update_period(
        objective.period, actor=page.user, expected_version=data["version"], objectives=objectives
    )


def _fill_position(page, period, data):
    holder = data["holder"]
    return command_verbs.fill_position(
        period,
        actor=page.user,
        kind=data["kind"],
        person=holder.person,
        agency=holder.agency,
        name=data["name"],
        reports_to=data["reports_to"],
    )


def _reassign(page, position, data):
    holder = data["holder"]
    return command_verbs.reassign_position(
        position,
        actor=page.user,
        expected_version=data["version"],
        person=holder.person,
        agency=holder.agency,
        name=data["name"] if position.kind in NAMED_KINDS else None,
    )


def _vacate(page, position, data):
    return command_verbs.vacate_position(position, actor=page.user)


def _vacated(position, result, data) -> str:
    return (
        f"{position} ({position.agency.name}) is vacant in operational period "
        f"{position.period.number}."
    )


# What some forms offer, beyond what was posted.


def _fill_options(page, period) -> dict:
    supervisors = period.positions.filter(kind__in=SUPERVISING_KINDS).select_related("agency")
    return {"holders": holders_for(page.incident), "supervisors": supervisors}


def _reassign_options(page, position) -> dict:
    return {"holders": holders_for(page.incident), "named": position.kind in NAMED_KINDS}


# The values a stale form is re-bound to, from the target as stored now.


def _current_part(participant, form):
    return {"part": participant.part, "version": participant.version}


def _current_version(period, form):
    return {"version": period.version}


def _current_objective_text(period, form):
    return {"text": form.cleaned_data["text"], "version": period.version}


def _current_objective_status(objective: ObjectiveOf, form):
    period = objective.period
    stored = next((o for o in period.objectives.all() if o.order == objective.order), None)
    return {"status": stored.status if stored else "", "version": period.version}


def _current_holder(position, form):
    return {
        "holder": holder_key(form.fields["holder"].holders.values(), position),
        "name": position.name,
        "version": position.version,
    }


participant_add = command_action(
    CommandAction(
        find=_incident,
        form=ParticipantAddForm,
        key="participant_add",
        options=lambda page, incident: {
            "agencies": addable_agencies(incident, selectors.participants(incident))
        },
        verb=_add_participant,
        message=lambda incident, participant, data: (
            f"{participant.agency.name} takes part as {participant.get_part_display().lower()}."
        ),
        anchor="#participants",
    )
)
proposal_accept = command_action(
    CommandAction(
        find=_proposal,
        form=ProposalAcceptForm,
        key=lambda participant: ("accept", participant.agency.slug),
        verb=_accept,
        message=lambda participant, result, data: f"{participant.agency.name} takes part now.",
        anchor="#participants",
    )
)
participant_part = command_action(
    CommandAction(
        find=_participant,
        form=ParticipantPartForm,
        key=lambda participant: ("part", participant.agency.slug),
        verb=_change_part,
        stale=_current_part,
        message=lambda participant, changed, data: (
            f"{participant.agency.name} now takes part as {changed.get_part_display().lower()}."
        ),
        anchor="#participants",
    )
)
participant_remove = command_action(
    CommandAction(
        find=_participant, verb=_remove_participant, message=_removed, anchor="#participants"
    )
)
period_open = command_action(
    CommandAction(
        find=_incident,
        form=PeriodOpenForm,
        key="period_open",
        verb=lambda page, incident, data: command_verbs.open_period(
            incident, actor=page.user, **data
        ),
        number=lambda incident, period=None: period.number if period else None,
        message=lambda incident, period, data: f"Operational period {period.number} is planned.",
        anchor="#periods",
    )
)
period_edit = command_action(
    CommandAction(
        find=_period,
        form=PeriodEditForm,
        key="period_edit",
        verb=_edit_period,
        stale=lambda period, form: PeriodEditForm.values_of(period),
        number=_period_number,
        message=lambda period, result, data: f"Operational period {period.number} is saved.",
        anchor="#period-detail",
    )
)
period_activate = command_action(
    CommandAction(
        find=_period,
        form=VersionForm,
        key=lambda period: ("activate", period.number),
        verb=lambda page, period, data: command_verbs.activate_period(
            period, actor=page.user, expected_version=data["version"]
        ),
        stale=_current_version,
        number=_period_number,
        message=lambda period, result, data: f"Operational period {period.number} is now current.",
        anchor="#periods",
        refusals={},
    )
)
objective_add = command_action(
    CommandAction(
        find=_period,
        form=ObjectiveAddForm,
        key="objective_add",
        verb=_add_objective,
        stale=_current_objective_text,
        number=_period_number,
        message=lambda period, result, data: "The objective is added.",
        anchor="#objectives",
    )
)
objective_status = command_action(
    CommandAction(
        find=_objective,
        form=ObjectiveStatusForm,
        key=lambda objective: ("objective", objective.order),
        verb=_set_objective_status,
        stale=_current_objective_status,
        number=_period_number,
        message=lambda objective, period, data: (
            f"Objective {objective.order} is now {ObjectiveStatus(data['status']).label.lower()}."
        ),
        anchor="#objectives",
        refusals={},
    )
)
position_fill = command_action(
    CommandAction(
        find=_period,
        form=PositionFillForm,
        key="position_fill",
        options=_fill_options,
        verb=_fill_position,
        number=_period_number,
        message=lambda period, position, data: (
            f"{data['holder'].label} is {position} in operational period {period.number}."
        ),
        anchor="#organization",
    )
)
position_reassign = command_action(
    CommandAction(
        find=_position,
        form=PositionReassignForm,
        options=_reassign_options,
        key=lambda position: ("reassign", str(position.public_id)),
        verb=_reassign,
        stale=_current_holder,
        number=_position_number,
        message=lambda position, changed, data: f"{changed} is now held by {data['holder'].label}.",
        anchor="#organization",
    )
)
position_vacate = command_action(
    CommandAction(
        find=_position,
        verb=_vacate,
        number=_position_number,
        message=_vacated,
        anchor="#organization",
    )
)
