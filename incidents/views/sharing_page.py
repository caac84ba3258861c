"""The incident's sharing tab: who has the incident, at what level and on what basis,
and for those who may share it, sharing, changing, revoking and breaking glass.

Every change calls the verb the API calls (`share_incident`, `revoke_share`,
`grant_person`, `revoke_person`) or `change_share_level`; a refusal is shown beside the
field it concerns. An htmx request gets the updated panel back; without htmx the page
redirects (Post/Redirect/Get) and shows the message there.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from coordination.errors import ServiceError
from incidents.forms.sharing import (
    BreakGlassForm,
    ChangeLevelForm,
    GrantPersonForm,
    ShareAgencyForm,
)
from incidents.services import sharing as sharing_verbs
from incidents.services.share_levels import change_share_level
from incidents.views.pages import incident_context, visible_incident_or_404
from sharing import grants, policy
from sharing.access import Access
from sharing.models import ShareKind

User = get_user_model()

PANEL = "incidents/reports/_sharing_panel.html"


def _share_rows(incident, *, may_share: bool, level_form=None):
    """The agency shares, oldest first, each with what may be done to it here."""
    shares = incident.shares.select_related(
        "agency", "agreement", "granted_by", "participant"
    ).order_by("granted_at", "id")
    rows = []
    for share in shares:
        participant = getattr(share, "participant", None)
        adjustable = may_share and share.kind != ShareKind.LEAD and participant is None
        form = None
        if adjustable:
            if level_form is not None and level_form.prefix == f"share-{share.pk}":
                form = level_form
            else:
                form = ChangeLevelForm(
                    prefix=f"share-{share.pk}", initial={"level": Access(share.level).label}
                )
        rows.append(
            {
                "share": share,
                "level": Access(share.level).label,
                "participant": participant,
                "level_form": form,
            }
        )
    return rows


def _named_people(incident):
    """The people named on the incident, by username, with their level and the agreement
    they were named under (their grant counts only while it is active)."""
    named_grants = grants.named_grants(incident)
    people = User.objects.in_bulk([grant.user_id for grant in named_grants])
    return sorted(
        (
            {
                "person": people[grant.user_id],
                "level": grant.level.label,
                "agreement": grant.agreement,
            }
            for grant in named_grants
        ),
        key=lambda grant: grant["person"].get_username(),
    )


def _render(request, incident, *, status=200, refusal=None, **bound):
    """The tab (or, for htmx, its panel) with any bound, refused form kept as typed."""
    context = incident_context(request, incident, "sharing")
    may_share = "share" in context["permissions"]
    context.update(
        share_rows=_share_rows(incident, may_share=may_share, level_form=bound.get("level_form")),
        named_people=_named_people(incident),
        may_share=may_share,
        may_break_glass=may_share and "command" in context["permissions"],
        refusal=refusal,
        partial=bool(request.htmx),
    )
    if may_share:
        context.update(
            share_form=bound.get("share_form")
            or ShareAgencyForm(prefix="share", incident=incident),
            person_form=bound.get("person_form") or GrantPersonForm(prefix="person"),
            glass_form=bound.get("glass_form") or BreakGlassForm(prefix="glass", incident=incident),
        )
    template = PANEL if request.htmx else "incidents/sharing.html"
    return render(request, template, context, status=status)


def _status(error: ServiceError) -> int:
    return 422 if error.status == 400 else error.status


def _done(request, incident, message: str):
    messages.success(request, message)
    if request.htmx:
        return _render(request, incident)
    return redirect("incident-sharing", incident_id=incident.public_id)


def _shareable_incident(request, incident_id):
    """The incident, if visible (else 404), and the reader may share it (else 403)."""
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "share", incident)
    return incident


def _share_of(incident, share_id):
    share = incident.shares.select_related("agency").filter(pk=share_id).first()
    if share is None:
        raise Http404
    return share


def _basis(share) -> str:
    if share.kind == ShareKind.BREAK_GLASS:
        return "by breaking glass; this is flagged in the audit trail for review"
    if share.kind == ShareKind.INTERNAL:
        return "within the same organisation"
    return f"under the agreement “{share.agreement.name}”"


@login_required
@require_GET
def sharing(request, incident_id):
    """Who has the incident; the sharing forms for those who may share it."""
    incident = visible_incident_or_404(request, incident_id)
    return _render(request, incident)


@login_required
@require_POST
def share_agency(request, incident_id):
    """Share with another agency under an agreement that covers the incident."""
    incident = _shareable_incident(request, incident_id)
    form = ShareAgencyForm(request.POST, prefix="share", incident=incident)
    if not form.is_valid():
        return _render(request, incident, share_form=form, status=422)
    try:
        share = sharing_verbs.share_incident(
            incident, actor=request.user, agency=form.cleaned_data["agency"], level=form.level()
        )
    except ServiceError as error:
        form.add_refusal(error)
        return _render(request, incident, share_form=form, status=_status(error))
    return _done(
        request,
        incident,
        f"Shared with {share.agency.name} at {form.level().label} level {_basis(share)}. "
        "Its people have access now.",
    )


@login_required
@require_POST
def change_level(request, incident_id, share_id):
    """Raise or lower what an agency holding the incident may do."""
    incident = _shareable_incident(request, incident_id)
    share = _share_of(incident, share_id)
    form = ChangeLevelForm(request.POST, prefix=f"share-{share.pk}")
    if not form.is_valid():
        return _render(request, incident, level_form=form, status=422)
    try:
        change_share_level(share, actor=request.user, level=form.level())
    except ServiceError as error:
        if error.field != "level":
            return _render(request, incident, refusal=error, status=_status(error))
        form.add_service_error(error)
        return _render(request, incident, level_form=form, status=_status(error))
    return _done(
        request,
        incident,
        f"{share.agency.name} now holds the incident at {form.level().label} level.",
    )


@login_required
@require_POST
def revoke(request, incident_id, share_id):
    """Take a share back: the agency loses access at once."""
    incident = _shareable_incident(request, incident_id)
    share = _share_of(incident, share_id)
    try:
        sharing_verbs.revoke_share(share, actor=request.user)
    except ServiceError as error:
        return _render(request, incident, refusal=error, status=_status(error))
    return _done(
        request,
        incident,
        f"Share with {share.agency.name} revoked; its people lost access at once.",
    )


@login_required
@require_POST
def grant_person(request, incident_id):
    """Name one person on the incident (the only way into RED)."""
    incident = _shareable_incident(request, incident_id)
    form = GrantPersonForm(request.POST, prefix="person")
    if not form.is_valid():
        return _render(request, incident, person_form=form, status=422)
    person = form.cleaned_data["person"]
    try:
        sharing_verbs.grant_person(incident, actor=request.user, person=person, level=form.level())
    except ServiceError as error:
        form.add_refusal(error)
        return _render(request, incident, person_form=form, status=_status(error))
    return _done(
        request,
        incident,
        f"{person.get_username()} is named on the incident at {form.level().label} level.",
    )


@login_required
@require_POST
def revoke_person(request, incident_id, username):
    """Withdraw a person's named grant."""
    incident = _shareable_incident(request, incident_id)
    person = User.objects.filter(username=username).first()
    if person is None:
        raise Http404
    sharing_verbs.revoke_person(incident, actor=request.user, person=person)
    return _done(
        request,
        incident,
        f"{person.get_username()}'s named grant withdrawn; it stopped counting at once.",
    )


@login_required
@require_POST
def break_glass(request, incident_id):
    """Share outside any agreement in an emergency (command and share), justified in
    writing; the verb records it in the audit trail, flagged."""
    incident = _shareable_incident(request, incident_id)
    form = BreakGlassForm(request.POST, prefix="glass", incident=incident)
    if not form.is_valid():
        return _render(request, incident, glass_form=form, status=422)
    data = form.cleaned_data
    common = {
        "actor": request.user,
        "level": form.level(),
        "break_glass": True,
        "justification": data["justification"],
    }
    try:
        if data["agency"]:
            share = sharing_verbs.share_incident(incident, agency=data["agency"], **common)
            message = (
                f"Shared with {share.agency.name} at {form.level().label} level {_basis(share)}."
            )
        else:
            sharing_verbs.grant_person(incident, person=data["person"], **common)
            message = (
                f"{data['person'].get_username()} is named on the incident at "
                f"{form.level().label} level; the grant is in the audit trail."
            )
    except ServiceError as error:
        form.add_refusal(error)
        return _render(request, incident, glass_form=form, status=_status(error))
    return _done(request, incident, message)
