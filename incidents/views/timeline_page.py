"""The timeline tab (ICS 214): read the log newest first, write to it, correct it.

Entries are read exactly as the API reads them, through `sharing.policy.visible` with
each entry's own marking, so a RED line is absent for whoever the API hides it from:
from the list, from its count and from every other entry's "corrected by". A page of
entries costs the same few queries however long the log is.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from agencies.access import agency_ids_with
from agencies.capabilities import Capability
from coordination.errors import Forbidden, Invalid
from incidents import selectors
from incidents.forms.timeline import EntryForm, TimelineFilterForm
from incidents.models import AUTHORED_KINDS, EntryKind
from incidents.models.timeline import correctable_by
from incidents.services import timeline as verbs
from incidents.views.base import Page, incident_page
from incidents.views.runner import finish, run
from sharing import policy
from sharing.markings import strictest

PAGE_SIZE = 50
# Contribute is checked first: a Forbidden from the verb is a marking the author could
# not read back (RED without a named grant), so nothing was written.
REFUSALS = {Invalid: 422, Forbidden: 422}


def visible_entries(page: Page):
    """The incident's entries the reader may see, each under the stricter marking."""
    return policy.visible(page.user, selectors.timeline(page.incident), "view")


def _attach_corrections(entries, listed) -> None:
    """Give each listed entry its visible corrections, oldest first: one query a page."""
    found: dict[int, list[dict]] = {}
    corrections = (
        entries.filter(corrects_id__in=[entry.pk for entry in listed])
        .order_by("occurred_at", "id")
        .values_list("corrects_id", "public_id", "occurred_at")
    )
    for corrected, public_id, occurred_at in corrections:
        found.setdefault(corrected, []).append({"public_id": public_id, "occurred_at": occurred_at})
    for entry in listed:
        entry.visible_corrections = found.get(entry.pk, [])


def new_entry_form(incident, data=None) -> EntryForm:
    return EntryForm(data, initial={"tlp": incident.tlp}, auto_id="entry-form-%s")


def _offer_corrections(page: Page, listed) -> None:
    """Mark the listed entries this reader may correct (one query for the whole page)."""
    may_contribute = page.may("contribute")
    agency_ids = (
        agency_ids_with(page.user, Capability.CONTRIBUTE) if may_contribute else frozenset()
    )
    for entry in listed:
        entry.may_correct = may_contribute and correctable_by(
            entry, commanding=page.may("command"), agency_ids=agency_ids
        )


def timeline_context(page: Page, *, form=None) -> dict:
    """The tab: one page of filtered entries, the filters, and the form to write one."""
    request = page.request
    entries = visible_entries(page)
    agencies = selectors.authoring_agencies(entries)
    filters = TimelineFilterForm(request.GET, agencies=agencies, auto_id="filter-%s")
    listed = filters.narrow(entries).order_by("-occurred_at", "-id")
    paged = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_corrections(entries, paged.object_list)
    _offer_corrections(page, paged.object_list)
    return {
        **page.context("timeline"),
        "filters": filters,
        "page": paged,
        "entry_form": form or new_entry_form(page.incident),
    }


@incident_page(GET="view")
def timeline(page: Page):
    return render(page.request, "incidents/timeline.html", timeline_context(page))


def _post(page: Page, **extra):
    """The verb, called with a valid entry form."""

    def post(form):
        data = form.cleaned_data
        return verbs.post_entry(
            page.incident,
            actor=page.user,
            kind=data["kind"],
            text=data["text"],
            tlp=data["tlp"],
            **extra,
        )

    return post


@incident_page(POST="contribute")
def post_entry(page: Page):
    """Write an entry. With htmx the answer prepends it and resets the form in place;
    without JavaScript the browser is sent back to the tab."""
    request, incident = page.request, page.incident

    def posted(entry):
        if not request.htmx:
            url = reverse("incident-timeline", args=[incident.public_id])
            return finish(page.request, "Your entry was added to the timeline.", url)
        entry.visible_corrections = []
        entry.may_correct = True
        context = {
            **page.context("timeline"),
            "entry": entry,
            "entry_count": visible_entries(page).count(),
            "entry_form": new_entry_form(incident),
            "posted": True,
        }
        return render(request, "incidents/timeline/_posted.html", context)

    def again(form, status):
        if request.htmx:
            context = {"incident": incident, "entry_form": form}
            return render(request, "incidents/timeline/_post_form.html", context, status=status)
        context = timeline_context(page, form=form)
        return render(request, "incidents/timeline.html", context, status=status)

    return run(
        lambda data: new_entry_form(incident, data),
        _post(page),
        data=request.POST,
        done=posted,
        again=again,
        refusals=REFUSALS,
    )


def _correction_form(incident, entry, data=None) -> EntryForm:
    """Marked at least as strictly as both the entry and the incident; same kind if a
    person wrote the entry."""
    marking = strictest(entry.tlp, incident.tlp)
    kind = entry.kind if entry.kind in AUTHORED_KINDS else EntryKind.NOTE
    return EntryForm(data, initial={"tlp": marking, "kind": kind}, auto_id="correction-%s")


@incident_page(GET="contribute", POST="contribute")
def correct_entry(page: Page, entry_id):
    """A correction: a new entry that names the one it puts right (the log is append-only)."""
    request, incident = page.request, page.incident
    entry = page.child(selectors.timeline(incident), public_id=entry_id)
    verbs.check_correctable(page.user, incident, entry)
    context = page.context("timeline")

    def again(form, status):
        context.update({"entry": entry, "form": form})
        return render(request, "incidents/timeline/correct.html", context, status=status)

    if request.method != "POST":
        return again(_correction_form(incident, entry), 200)

    def corrected(correction):
        url = reverse("incident-timeline", args=[incident.public_id])
        message = "Your correction was added to the timeline."
        return finish(page.request, message, f"{url}#entry-{correction.public_id}")

    return run(
        lambda data: _correction_form(incident, entry, data),
        _post(page, corrects=entry.public_id),
        data=request.POST,
        done=corrected,
        again=again,
        refusals=REFUSALS,
    )
