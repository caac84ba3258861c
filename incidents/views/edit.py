"""Editing an incident (command): its details in one form, its marking in another.

The marking has its own form because changing it has consequences the person confirms
first (shares withdrawn, readers added or removed). Both forms carry the version they
were opened at; a stale one is answered with the current values to re-apply the change to.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from coordination.errors import Conflict, Forbidden, Invalid
from incidents.forms.incident import IncidentForm, MarkingForm
from incidents.services import incidents as verbs
from incidents.views.base import Page, incident_page
from incidents.views.runner import finish, run
from sharing.markings import is_stricter


def _details_form(incident, data=None) -> IncidentForm:
    return IncidentForm(data, initial=IncidentForm.initial_from(incident), auto_id="edit-%s")


def _marking_form(incident, data=None) -> MarkingForm:
    initial = {"tlp": incident.tlp, "version": incident.version}
    return MarkingForm(data, initial=initial, auto_id="marking-%s")


def _render(page: Page, *, form=None, marking_form=None, stale=None, status=200):
    incident = page.incident
    context = {
        **page.context("edit"),
        "form": form or _details_form(incident),
        "marking_form": marking_form or _marking_form(incident),
        "stale": stale,
    }
    return render(page.request, "incidents/edit.html", context, status=status)


def _current(page: Page):
    """409 with the incident as it is now: the forms hold its current values and version."""

    def answer(message):
        page.refresh()
        return _render(page, stale=message, status=409)

    return answer


def _nothing_changed(page: Page, message: str):
    messages.info(page.request, message)
    return redirect("incident-detail", page.incident.public_id)


@incident_page(GET="command", POST="command")
def edit(page: Page):
    """Change title, description, type, severity, location and the exercise flag."""
    incident = page.incident
    if page.request.method != "POST":
        return _render(page)

    def save(form):
        changes = form.changes_to(incident)
        if not changes:
            return None
        version = form.cleaned_data["version"]
        return verbs.update_incident(incident, actor=page.user, expected_version=version, **changes)

    def saved(result):
        if result is None:
            return _nothing_changed(page, "Nothing was changed.")
        url = reverse("incident-detail", args=[incident.public_id])
        return finish(page.request, f"{incident.reference} was saved.", url)

    return run(
        lambda data: _details_form(incident, data),
        save,
        data=page.request.POST,
        done=saved,
        again=lambda form, status: _render(page, form=form, status=status),
        current=_current(page),
        refusals={Invalid: 422, Conflict: 422},
    )


@incident_page(POST=("command", "share"))
def change_marking(page: Page):
    """Re-mark the incident: raising it needs command, lowering it needs share."""
    incident = page.incident
    before = incident.tlp

    def remark(form):
        after = form.cleaned_data["tlp"]
        if after == before:
            return None
        version = form.cleaned_data["version"]
        verbs.change_marking(incident, after, actor=page.user, expected_version=version)
        return after

    def remarked(after):
        if after is None:
            return _nothing_changed(page, f"The marking stays TLP:{before}.")
        if is_stricter(after, before):
            consequence = "Shares whose agreement does not allow it were withdrawn."
        else:
            consequence = "More people may now read it."
        url = reverse("incident-detail", args=[incident.public_id])
        return finish(page.request, f"Marked TLP:{after} (was TLP:{before}). {consequence}", url)

    return run(
        lambda data: _marking_form(incident, data),
        remark,
        data=page.request.POST,
        done=remarked,
        again=lambda form, status: _render(page, marking_form=form, status=status),
        current=_current(page),
        refusals={Invalid: 422, Forbidden: 403},
    )
