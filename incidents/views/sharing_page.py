"""The incident's sharing tab: who has the incident, at what level and on what basis,
and for those who may share it, sharing, changing, revoking and breaking glass.

Every change calls the verb the API calls (`share_incident`, `revoke_share`,
`grant_person`, `revoke_person`) or `change_share_level`; a refusal is shown beside the
field it concerns. An htmx request gets the updated panel back; without htmx the page
redirects (Post/Redirect/Get) and shows the message there.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from coordination.errors import ServiceError
from incidents import selectors
from incidents.forms.sharing import (
    BreakGlassForm,
    ChangeLevelForm,
    GrantPersonForm,
    ShareAgencyForm,
)
from incidents.services import sharing as sharing_verbs
from incidents.services.share_levels import change_share_level
from incidents.views.base import Page, incident_page
from incidents.views.runner import ON_THE_FORM, finish, refused_status, run
from sharing import grants
from sharing.access import Access
from sharing.models import ShareKind

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
    people = selectors.people([grant.user_id for grant in named_grants])
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


def _render(page: Page, *, status=200, refusal=None, **bound):
    """The tab (or, for htmx, its panel) with any bound, refused form kept as typed."""
    incident, htmx = page.incident, page.request.htmx
    context = page.context("sharing")
    may_share = page.may("share")
    context.update(
        share_rows=_share_rows(incident, may_share=may_share, level_form=bound.get("level_form")),
        named_people=_named_people(incident),
        may_share=may_share,
        may_break_glass=may_share and page.may("command"),
        refusal=refusal,
        partial=bool(htmx),
    )
    if may_share:
        context.update(
            share_form=bound.get("share_form")
            or ShareAgencyForm(prefix="share", incident=incident),
            person_form=bound.get("person_form") or GrantPersonForm(prefix="person"),
            glass_form=bound.get("glass_form") or BreakGlassForm(prefix="glass", incident=incident),
        )
    template = PANEL if htmx else "incidents/sharing.html"
    return render(page.request, template, context, status=status)


def _done(page: Page, message: str):
    url = reverse("incident-sharing", args=[page.incident.public_id])
    return finish(page.request, message, url, section=lambda: _render(page))


def _again(page: Page, name: str):
    """Answer a refused form: the tab with the form kept as typed, its refusal beside it."""
    return lambda form, status: _render(page, status=status, **{name: form})


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


@incident_page(GET="view")
def sharing(page: Page):
    """Who has the incident; the sharing forms for those who may share it."""
    return _render(page)


@incident_page(POST="share")
def share_agency(page: Page):
    """Share with another agency under an agreement that covers the incident."""
    incident = page.incident

    def share(form):
        agency = form.cleaned_data["agency"]
        made = sharing_verbs.share_incident(
            incident, actor=page.user, agency=agency, level=form.level()
        )
        return (
            f"Shared with {made.agency.name} at {form.level().label} level {_basis(made)}. "
            "Its people have access now."
        )

    return run(
        lambda data: ShareAgencyForm(data, prefix="share", incident=incident),
        share,
        data=page.request.POST,
        done=lambda message: _done(page, message),
        again=_again(page, "share_form"),
    )


@incident_page(POST="share")
def change_level(page: Page, share_id):
    """Raise or lower what an agency holding the incident may do."""
    share = _share_of(page.incident, share_id)

    def change(form):
        change_share_level(share, actor=page.user, level=form.level())
        return f"{share.agency.name} now holds the incident at {form.level().label} level."

    try:
        return run(
            lambda data: ChangeLevelForm(data, prefix=f"share-{share.pk}"),
            change,
            data=page.request.POST,
            done=lambda message: _done(page, message),
            again=_again(page, "level_form"),
            refusals=_about_the_level,
        )
    except ServiceError as error:
        return _refusal(page, error)


def _about_the_level(error: ServiceError) -> int | None:
    """A level form shows the refusals about the level; the rest are said above the panel."""
    return refused_status(error, ON_THE_FORM) if error.field == "level" else None


def _refusal(page: Page, error: ServiceError):
    """A refusal about no field of any form, said above the panel."""
    status = refused_status(error, ON_THE_FORM)
    if status is None:
        raise error
    return _render(page, refusal=error, status=status)


@incident_page(POST="share")
def revoke(page: Page, share_id):
    """Take a share back: the agency loses access at once."""
    share = _share_of(page.incident, share_id)
    try:
        sharing_verbs.revoke_share(share, actor=page.user)
    except ServiceError as error:
        return _refusal(page, error)
    return _done(page, f"Share with {share.agency.name} revoked; its people lost access at once.")


@incident_page(POST="share")
def grant_person(page: Page):
    """Name one person on the incident (the only way into RED)."""

    def grant(form):
        person, level = form.cleaned_data["person"], form.level()
        sharing_verbs.grant_person(page.incident, actor=page.user, person=person, level=level)
        return f"{person.get_username()} is named on the incident at {level.label} level."

    return run(
        lambda data: GrantPersonForm(data, prefix="person"),
        grant,
        data=page.request.POST,
        done=lambda message: _done(page, message),
        again=_again(page, "person_form"),
    )


@incident_page(POST="share")
def revoke_person(page: Page, username):
    """Withdraw a person's named grant."""
    person = selectors.person_named(username)
    if person is None:
        raise Http404
    sharing_verbs.revoke_person(page.incident, actor=page.user, person=person)
    return _done(
        page, f"{person.get_username()}'s named grant withdrawn; it stopped counting at once."
    )


@incident_page(POST="share")
def break_glass(page: Page):
    """Share outside any agreement in an emergency (command and share), justified in
    writing; the verb records it in the audit trail, flagged."""
    incident = page.incident

    def share(form):
        data, level = form.cleaned_data, form.level()
        common = {
            "actor": page.user,
            "level": level,
            "break_glass": True,
            "justification": data["justification"],
        }
        if data["agency"]:
            made = sharing_verbs.share_incident(incident, agency=data["agency"], **common)
            return f"Shared with {made.agency.name} at {level.label} level {_basis(made)}."
        sharing_verbs.grant_person(incident, person=data["person"], **common)
        return (
            f"{data['person'].get_username()} is named on the incident at "
            f"{level.label} level; the grant is in the audit trail."
        )

    return run(
        lambda data: BreakGlassForm(data, prefix="glass", incident=incident),
        share,
        data=page.request.POST,
        done=lambda message: _done(page, message),
        again=_again(page, "glass_form"),
    )
