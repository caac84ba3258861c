"""Editing an incident (command): its details in one form, its marking in another.

The marking has its own form because changing it has consequences the person confirms
first (shares withdrawn, readers added or removed). Both forms carry the version they
were opened at; a stale one is answered with the current values to re-apply the change to.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from coordination.errors import Conflict, Forbidden, Invalid, PreconditionFailed
from coordination.forms import STALE_EDIT
from incidents.forms.incident import IncidentForm, MarkingForm
from incidents.services import incidents as verbs
from incidents.views.pages import incident_context, visible_incident_or_404
from sharing import policy
from sharing.markings import is_stricter


def _details_form(incident, data=None) -> IncidentForm:
    return IncidentForm(data, initial=IncidentForm.initial_from(incident), auto_id="edit-%s")


def _marking_form(incident, data=None) -> MarkingForm:
    initial = {"tlp": incident.tlp, "version": incident.version}
    return MarkingForm(data, initial=initial, auto_id="marking-%s")


def _page(request, incident, *, form=None, marking_form=None, stale=None, status=200):
    context = {
        **incident_context(request, incident, "edit"),
        "form": form or _details_form(incident),
        "marking_form": marking_form or _marking_form(incident),
        "stale": stale,
    }
    return render(request, "incidents/edit.html", context, status=status)


def _stale(request, incident_id):
    """409 with the incident as it is now: the forms hold its current values and version."""
    current = visible_incident_or_404(request, incident_id)
    return _page(request, current, stale=STALE_EDIT, status=409)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit(request, incident_id):
    """Change title, description, type, severity, location and the exercise flag."""
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "command", incident)
    if request.method != "POST":
        return _page(request, incident)
    form = _details_form(incident, request.POST)
    if not form.is_valid():
        return _page(request, incident, form=form, status=422)
    changes = form.changes_to(incident)
    if not changes:
        messages.info(request, "Nothing was changed.")
        return redirect("incident-detail", incident.public_id)
    try:
        verbs.update_incident(
            incident,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **changes,
        )
    except PreconditionFailed:
        return _stale(request, incident_id)
    except (Invalid, Conflict) as error:
        form.add_service_error(error)
        return _page(request, incident, form=form, status=422)
    messages.success(request, f"{incident.reference} was saved.")
    return redirect("incident-detail", incident.public_id)


@login_required
@require_POST
def change_marking(request, incident_id):
    """Re-mark the incident: raising it needs command, lowering it needs share."""
    incident = visible_incident_or_404(request, incident_id)
    permissions = policy.permissions_on(request.user, incident)
    if not permissions & {"command", "share"}:
        policy.require(request.user, "command", incident, permissions)
    form = _marking_form(incident, request.POST)
    if not form.is_valid():
        return _page(request, incident, marking_form=form, status=422)
    before, after = incident.tlp, form.cleaned_data["tlp"]
    if after == before:
        messages.info(request, f"The marking stays TLP:{before}.")
        return redirect("incident-detail", incident.public_id)
    try:
        verbs.change_marking(
            incident, after, actor=request.user, expected_version=form.cleaned_data["version"]
        )
    except PreconditionFailed:
        return _stale(request, incident_id)
    except Invalid as error:
        form.add_service_error(error)
        return _page(request, incident, marking_form=form, status=422)
    except Forbidden as error:
        form.add_service_error(error)
        return _page(request, incident, marking_form=form, status=403)
    if is_stricter(after, before):
        consequence = "Shares whose agreement does not allow it were withdrawn."
    else:
        consequence = "More people may now read it."
    messages.success(request, f"Marked TLP:{after} (was TLP:{before}). {consequence}")
    return redirect("incident-detail", incident.public_id)
