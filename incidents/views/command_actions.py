"""What the command tab's forms do: each view parses one form, calls one verb of
incidents/services/participants.py or incidents/services/command.py, and answers.

Success redirects back to the tab (or, for htmx, returns its refreshed sections). A
verb's refusal is shown beside the field it names (422); an edit made against a version
that is no longer current is handed back with the current values and version (409).
The reader must command the incident: a visible incident they may not command is a 403,
an invisible one a 404, before anything is parsed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from coordination.errors import Conflict, Invalid, PreconditionFailed, Unprocessable
from coordination.forms import STALE_EDIT
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
from incidents.models import (
    ObjectiveStatus,
    OperationalPeriod,
    Participant,
    ParticipantStatus,
    Position,
)
from incidents.services import command as command_verbs
from incidents.services import participants as participant_verbs
from incidents.services.command import NAMED_KINDS, SUPERVISING_KINDS, ObjectiveInput
from incidents.views.command_page import (
    addable_agencies,
    holder_key,
    holders_for,
    render_command,
)
from incidents.views.pages import visible_incident_or_404
from sharing import policy

# What the verbs refuse with a field of their own or none: shown on the form (422).
REFUSALS = (Invalid, Conflict, Unprocessable)
# The verbs name a post's holder as person and agency; the forms offer them as one choice.
HOLDER_FIELDS = {"person": "holder", "agency": "holder"}


def _commanded_incident(request, incident_id):
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "command", incident)
    return incident


def _participant(request, incident, slug) -> Participant:
    participants = Participant.objects.select_related("agency", "share")
    return policy.visible_or_404(request.user, participants, incident=incident, agency__slug=slug)


def _period(request, incident, number) -> OperationalPeriod:
    periods = OperationalPeriod.objects.select_related("incident")
    return policy.visible_or_404(request.user, periods, incident=incident, number=number)


def _position(request, incident, position_id) -> Position:
    positions = Position.objects.select_related("period", "person", "agency")
    return policy.visible_or_404(
        request.user, positions, period__incident=incident, public_id=position_id
    )


def _done(request, incident, message, *, number=None, anchor=""):
    messages.success(request, message)
    if request.htmx:
        return render_command(request, incident, number=number)
    url = reverse("incident-command", args=[incident.public_id])
    if number is not None:
        url += f"?period={number}"
    return redirect(url + anchor)


def _refused(request, incident, key, form, *, number=None, status=422):
    return render_command(request, incident, number=number, bound={key: form}, status=status)


def _add_refusal(form, error) -> None:
    field = HOLDER_FIELDS.get(error.field, error.field)
    if field != error.field:
        error = type(error)(error.code, error.message, field=field)
    form.add_service_error(error)


def _stale(form_class, values: dict, **kwargs):
    """The form bound to what is stored now, saying why it came back."""
    form = form_class(data=values, **kwargs)
    form.is_valid()
    form.add_error(None, STALE_EDIT)
    return form


# Participants


@login_required
@require_POST
def participant_add(request, incident_id):
    """Bring an agency in (command): it is shared the incident at its part's level."""
    incident = _commanded_incident(request, incident_id)
    present = Participant.objects.filter(incident=incident)
    form = ParticipantAddForm(
        request.POST,
        agencies=addable_agencies(incident, present),
        auto_id="participant-add-%s",
    )
    if not form.is_valid():
        return _refused(request, incident, "participant_add", form)
    data = form.cleaned_data
    try:
        participant = participant_verbs.add_participant(
            incident,
            actor=request.user,
            agency=data["agency"],
            part=data["part"],
            break_glass=data["break_glass"],
            justification=data["justification"],
        )
    except REFUSALS as error:
        form.add_service_error(error)
        return _refused(request, incident, "participant_add", form)
    return _done(
        request,
        incident,
        f"{participant.agency.name} takes part as {participant.get_part_display().lower()}.",
        anchor="#participants",
    )


@login_required
@require_POST
def proposal_accept(request, incident_id, agency):
    """Accept jurisdiction routing's proposal: the agency becomes an active participant."""
    incident = _commanded_incident(request, incident_id)
    participant = _participant(request, incident, agency)
    key = ("accept", agency)
    form = ProposalAcceptForm(request.POST, auto_id=f"accept-{agency}-%s")
    if participant.status != ParticipantStatus.PROPOSED:
        raise Http404
    if not form.is_valid():
        return _refused(request, incident, key, form)
    try:
        participant_verbs.add_participant(
            incident,
            actor=request.user,
            agency=participant.agency,
            part=form.cleaned_data["part"],
        )
    except REFUSALS as error:
        form.add_service_error(error)
        return _refused(request, incident, key, form)
    return _done(
        request, incident, f"{participant.agency.name} takes part now.", anchor="#participants"
    )


@login_required
@require_POST
def participant_part(request, incident_id, agency):
    """Change an agency's part; its share rises to what the new part needs."""
    incident = _commanded_incident(request, incident_id)
    participant = _participant(request, incident, agency)
    key = ("part", agency)
    auto_id = f"part-{agency}-%s"
    form = ParticipantPartForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _refused(request, incident, key, form)
    try:
        changed = participant_verbs.change_part(
            participant,
            actor=request.user,
            part=form.cleaned_data["part"],
            expected_version=form.cleaned_data["version"],
        )
    except PreconditionFailed:
        current = Participant.objects.get(pk=participant.pk)
        form = _stale(
            ParticipantPartForm,
            {"part": current.part, "version": current.version},
            auto_id=auto_id,
        )
        return _refused(request, incident, key, form, status=409)
    except REFUSALS as error:
        form.add_service_error(error)
        return _refused(request, incident, key, form)
    return _done(
        request,
        incident,
        f"{participant.agency.name} now takes part as {changed.get_part_display().lower()}.",
        anchor="#participants",
    )


@login_required
@require_POST
def participant_remove(request, incident_id, agency):
    """Take an agency out (its access, its posts and its open tasks go at once), or
    dismiss a proposal."""
    incident = _commanded_incident(request, incident_id)
    participant = _participant(request, incident, agency)
    proposed = participant.status == ParticipantStatus.PROPOSED
    participant_verbs.remove_participant(participant, actor=request.user)
    name = participant.agency.name
    message = (
        f"The proposal that {name} take part was dismissed."
        if proposed
        else f"{name} no longer takes part: its access is revoked, its positions vacated "
        "and its open tasks handed back."
    )
    return _done(request, incident, message, anchor="#participants")


# Operational periods and objectives


@login_required
@require_POST
def period_open(request, incident_id):
    """Plan the next operational period, optionally carrying the last one over."""
    incident = _commanded_incident(request, incident_id)
    form = PeriodOpenForm(request.POST, auto_id="period-open-%s")
    if not form.is_valid():
        return _refused(request, incident, "period_open", form)
    try:
        period = command_verbs.open_period(incident, actor=request.user, **form.cleaned_data)
    except REFUSALS as error:
        form.add_service_error(error)
        return _refused(request, incident, "period_open", form)
    return _done(
        request,
        incident,
        f"Operational period {period.number} is planned.",
        number=period.number,
        anchor="#periods",
    )


@login_required
@require_POST
def period_edit(request, incident_id, number):
    """Move a period or rewrite its command emphasis, awareness, weather and safety."""
    incident = _commanded_incident(request, incident_id)
    period = _period(request, incident, number)
    auto_id = "period-edit-%s"
    form = PeriodEditForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _refused(request, incident, "period_edit", form, number=number)
    changes = dict(form.cleaned_data)
    version = changes.pop("version")
    # Times sent back unchanged are no move: the verb would record one on the timeline.
    for name in ("starts_at", "ends_at"):
        if changes[name] == getattr(period, name):
            del changes[name]
    try:
        command_verbs.update_period(period, actor=request.user, expected_version=version, **changes)
    except PreconditionFailed:
        current = OperationalPeriod.objects.get(pk=period.pk)
        form = _stale(PeriodEditForm, PeriodEditForm.values_of(current), auto_id=auto_id)
        return _refused(request, incident, "period_edit", form, number=number, status=409)
    except REFUSALS as error:
        form.add_service_error(error)
        return _refused(request, incident, "period_edit", form, number=number)
    return _done(
        request,
        incident,
        f"Operational period {number} is saved.",
        number=number,
        anchor="#period-detail",
    )


@login_required
@require_POST
def period_activate(request, incident_id, number):
    """Make this period the current one."""
    incident = _commanded_incident(request, incident_id)
    period = _period(request, incident, number)
    key = ("activate", number)
    auto_id = f"activate-{number}-%s"
    form = VersionForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _refused(request, incident, key, form, number=number)
    try:
        command_verbs.activate_period(
            period, actor=request.user, expected_version=form.cleaned_data["version"]
        )
    except PreconditionFailed:
        current = OperationalPeriod.objects.get(pk=period.pk)
        form = _stale(VersionForm, {"version": current.version}, auto_id=auto_id)
        return _refused(request, incident, key, form, number=number, status=409)
    return _done(
        request,
        incident,
        f"Operational period {number} is now current.",
        number=number,
        anchor="#periods",
    )


def _objectives_of(period) -> list[ObjectiveInput]:
    return [
        ObjectiveInput(text=objective.text, status=objective.status)
        for objective in period.objectives.order_by("order")
    ]


@login_required
@require_POST
def objective_add(request, incident_id, number):
    """Add an objective at the end of the period's list (the verb replaces the list, so
    the period's version guards against a list changed meanwhile)."""
    incident = _commanded_incident(request, incident_id)
    period = _period(request, incident, number)
    auto_id = "objective-add-%s"
    form = ObjectiveAddForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _refused(request, incident, "objective_add", form, number=number)
    objectives = [*_objectives_of(period), ObjectiveInput(text=form.cleaned_data["text"])]
    try:
        command_verbs.update_period(
            period,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            objectives=objectives,
        )
    except PreconditionFailed:
        current = OperationalPeriod.objects.get(pk=period.pk)
        form = _stale(
            ObjectiveAddForm,
            {"text": form.cleaned_data["text"], "version": current.version},
            auto_id=auto_id,
        )
        return _refused(request, incident, "objective_add", form, number=number, status=409)
    except REFUSALS as error:
        form.add_service_error(error)
        return _refused(request, incident, "objective_add", form, number=number)
    return _done(request, incident, "The objective is added.", number=number, anchor="#objectives")


@login_required
@require_POST
def objective_status(request, incident_id, number, order):
    """Record how far one objective has come."""
    incident = _commanded_incident(request, incident_id)
    period = _period(request, incident, number)
    objectives = _objectives_of(period)
    if not 1 <= order <= len(objectives):
        raise Http404
    key = ("objective", order)
    auto_id = f"objective-{order}-%s"
    form = ObjectiveStatusForm(request.POST, auto_id=auto_id)
    if not form.is_valid():
        return _refused(request, incident, key, form, number=number)
    objectives[order - 1] = ObjectiveInput(
        text=objectives[order - 1].text, status=form.cleaned_data["status"]
    )
    try:
        command_verbs.update_period(
            period,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            objectives=objectives,
        )
    except PreconditionFailed:
        current = OperationalPeriod.objects.get(pk=period.pk)
        stored = current.objectives.filter(order=order).first()
        form = _stale(
            ObjectiveStatusForm,
            {"status": stored.status if stored else "", "version": current.version},
            auto_id=auto_id,
        )
        return _refused(request, incident, key, form, number=number, status=409)
    return _done(
        request,
        incident,
        f"Objective {order} is now {ObjectiveStatus(form.cleaned_data['status']).label.lower()}.",
        number=number,
        anchor="#objectives",
    )


# Positions


@login_required
@require_POST
def position_fill(request, incident_id, number):
    """Put a person of a participating agency in an ICS post of the period."""
    incident = _commanded_incident(request, incident_id)
    period = _period(request, incident, number)
    supervisors = period.positions.filter(kind__in=SUPERVISING_KINDS).select_related("agency")
    form = PositionFillForm(
        request.POST,
        holders=holders_for(incident),
        supervisors=supervisors,
        auto_id="position-fill-%s",
    )
    if not form.is_valid():
        return _refused(request, incident, "position_fill", form, number=number)
    data = form.cleaned_data
    holder = data["holder"]
    try:
        position = command_verbs.fill_position(
            period,
            actor=request.user,
            kind=data["kind"],
            person=holder.person,
            agency=holder.agency,
            name=data["name"],
            reports_to=data["reports_to"],
        )
    except REFUSALS as error:
        _add_refusal(form, error)
        return _refused(request, incident, "position_fill", form, number=number)
    return _done(
        request,
        incident,
        f"{holder.label} is {position} in operational period {number}.",
        number=number,
        anchor="#organization",
    )


@login_required
@require_POST
def position_reassign(request, incident_id, position_id):
    """Hand a post to someone else (and rename a branch, division or group)."""
    incident = _commanded_incident(request, incident_id)
    position = _position(request, incident, position_id)
    number = position.period.number
    key = ("reassign", str(position.public_id))
    auto_id = f"reassign-{position.public_id}-%s"
    holders = holders_for(incident)
    named = position.kind in NAMED_KINDS
    form = PositionReassignForm(request.POST, holders=holders, named=named, auto_id=auto_id)
    if not form.is_valid():
        return _refused(request, incident, key, form, number=number)
    holder = form.cleaned_data["holder"]
    try:
        changed = command_verbs.reassign_position(
            position,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            person=holder.person,
            agency=holder.agency,
            name=form.cleaned_data["name"] if named else None,
        )
    except PreconditionFailed:
        current = Position.objects.get(pk=position.pk)
        values = {
            "holder": holder_key(holders, current),
            "name": current.name,
            "version": current.version,
        }
        form = _stale(PositionReassignForm, values, holders=holders, named=named, auto_id=auto_id)
        return _refused(request, incident, key, form, number=number, status=409)
    except REFUSALS as error:
        _add_refusal(form, error)
        return _refused(request, incident, key, form, number=number)
    return _done(
        request,
        incident,
        f"{changed} is now held by {holder.label}.",
        number=number,
        anchor="#organization",
    )


@login_required
@require_POST
def position_vacate(request, incident_id, position_id):
    """Leave a post empty; whoever reported to it reports to operations again."""
    incident = _commanded_incident(request, incident_id)
    position = _position(request, incident, position_id)
    number = position.period.number
    described = f"{position} ({position.agency.name})"
    command_verbs.vacate_position(position, actor=request.user)
    return _done(
        request,
        incident,
        f"{described} is vacant in operational period {number}.",
        number=number,
        anchor="#organization",
    )
