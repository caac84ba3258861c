"""The timeline tab (ICS 214): read the log newest first, write to it, correct it.

Entries are read exactly as the API reads them, through `sharing.policy.visible` with
each entry's own marking, so a RED line is absent for whoever the API hides it from:
from the list, from its count and from every other entry's "corrected by". A page of
entries costs the same few queries however long the log is.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from agencies.models import Agency
from coordination.errors import Forbidden, Invalid
from incidents.forms.timeline import EntryForm, TimelineFilterForm
from incidents.models import AUTHORED_KINDS, EntryKind, TimelineEntry
from incidents.services import timeline as verbs
from incidents.views.pages import incident_context, visible_incident_or_404
from sharing import policy
from sharing.markings import strictest

PAGE_SIZE = 50


def visible_entries(request, incident):
    """The incident's entries the reader may see, each under the stricter marking."""
    entries = TimelineEntry.objects.filter(incident=incident).select_related("agency", "corrects")
    return policy.visible(request.user, entries, "view")


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


def timeline_context(request, incident, *, form=None) -> dict:
    """The tab: one page of filtered entries, the filters, and the form to write one."""
    entries = visible_entries(request, incident)
    agencies = Agency.objects.filter(pk__in=entries.values("agency_id")).order_by("name")
    filters = TimelineFilterForm(request.GET, agencies=agencies, auto_id="filter-%s")
    listed = filters.narrow(entries).order_by("-occurred_at", "-id")
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    _attach_corrections(entries, page.object_list)
    return {
        **incident_context(request, incident, "timeline"),
        "filters": filters,
        "page": page,
        "entry_form": form or new_entry_form(incident),
    }


@login_required
@require_safe
def timeline(request, incident_id):
    incident = visible_incident_or_404(request, incident_id)
    return render(request, "incidents/timeline.html", timeline_context(request, incident))


def _post(request, incident, form, **extra):
    """Hand a valid form to the verb; a refusal lands beside its field. The new entry or None."""
    try:
        return verbs.post_entry(
            incident,
            actor=request.user,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
            tlp=form.cleaned_data["tlp"],
            **extra,
        )
    except (Invalid, Forbidden) as error:
        # Contribute was checked first: a Forbidden here is a marking the author could
        # not read back (RED without a named grant), so nothing was written.
        form.add_service_error(error)
        return None


@login_required
@require_POST
def post_entry(request, incident_id):
    """Write an entry. With htmx the answer prepends it and resets the form in place;
    without JavaScript the browser is sent back to the tab."""
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "contribute", incident)
    form = new_entry_form(incident, request.POST)
    entry = _post(request, incident, form) if form.is_valid() else None
    if entry is None:
        if request.htmx:
            context = {"incident": incident, "entry_form": form}
            return render(request, "incidents/timeline/_post_form.html", context, status=422)
        context = timeline_context(request, incident, form=form)
        return render(request, "incidents/timeline.html", context, status=422)
    if request.htmx:
        entry.visible_corrections = []
        context = {
            **incident_context(request, incident, "timeline"),
            "entry": entry,
            "entry_form": new_entry_form(incident),
            "posted": True,
        }
        return render(request, "incidents/timeline/_posted.html", context)
    messages.success(request, "Your entry was added to the timeline.")
    return redirect("incident-timeline", incident.public_id)


def _correction_form(incident, entry, data=None) -> EntryForm:
    """Marked at least as strictly as both the entry and the incident; same kind if a
    person wrote the entry."""
    marking = strictest(entry.tlp, incident.tlp)
    kind = entry.kind if entry.kind in AUTHORED_KINDS else EntryKind.NOTE
    return EntryForm(data, initial={"tlp": marking, "kind": kind}, auto_id="correction-%s")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def correct_entry(request, incident_id, entry_id):
    """A correction: a new entry that names the one it puts right (the log is append-only)."""
    incident = visible_incident_or_404(request, incident_id)
    entry = visible_entries(request, incident).filter(public_id=entry_id).first()
    if entry is None:
        raise Http404
    context = incident_context(request, incident, "timeline")
    policy.require(request.user, "contribute", incident, context["permissions"])
    if request.method != "POST":
        context.update({"entry": entry, "form": _correction_form(incident, entry)})
        return render(request, "incidents/timeline/correct.html", context)
    form = _correction_form(incident, entry, request.POST)
    correction = (
        _post(request, incident, form, corrects=entry.public_id) if form.is_valid() else None
    )
    if correction is None:
        context.update({"entry": entry, "form": form})
        return render(request, "incidents/timeline/correct.html", context, status=422)
    messages.success(request, "Your correction was added to the timeline.")
    url = reverse("incident-timeline", args=[incident.public_id])
    return redirect(f"{url}#entry-{correction.public_id}")
