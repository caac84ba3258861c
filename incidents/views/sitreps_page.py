"""The incident's situation reports tab: the reports the reader may see, and for those
who contribute, a form to preview and issue the next one.

Reports come through the sharing policy like every child of an incident, so one issued
under a stricter marking than the reader's is not listed. Issuing calls `issue_sitrep`,
the verb the API calls; the preview calls `preview` and keeps nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from coordination.errors import ServiceError
from incidents.forms.sitreps import SitrepForm
from incidents.ics import sitrep
from incidents.models import SituationReport
from incidents.services import sitreps as verbs
from incidents.views.pages import incident_context, visible_incident_or_404
from sharing import policy

PER_PAGE = 25


def _reports(request, incident):
    """One page of the reports the reader may see, newest first, each with its check."""
    reports = policy.visible(
        request.user,
        SituationReport.objects.filter(incident=incident).select_related(
            "incident", "agency", "period"
        ),
        "view",
    ).order_by("-number")
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    rows = [(report, sitrep.verify(report)) for report in page.object_list]
    return page, rows


def _tab(request, incident, form=None, status=200):
    context = incident_context(request, incident, "sitreps")
    page, rows = _reports(request, incident)
    if form is None and "contribute" in context["permissions"]:
        form = SitrepForm()
    context.update(page=page, rows=rows, form=form)
    return render(request, "incidents/sitreps.html", context, status=status)


@login_required
@require_GET
def sitreps(request, incident_id):
    """The list, and the form to issue the next report for those who may."""
    incident = visible_incident_or_404(request, incident_id)
    return _tab(request, incident)


@login_required
@require_GET
def preview(request, incident_id):
    """What a report issued now would say, with the figures typed so far (htmx)."""
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "contribute", incident)
    form = SitrepForm(request.GET)
    if not form.is_valid():
        return render(request, "incidents/reports/_sitrep_preview.html", {"form": form}, status=422)
    figures = form.figures()
    context = sitrep.preview(incident, actor=request.user)
    context.update(
        form=form,
        figures=sitrep.figure_rows(figures),
        notes=figures.get("notes", ""),
    )
    return render(request, "incidents/reports/_sitrep_preview.html", context)


@login_required
@require_POST
def issue(request, incident_id):
    """Issue the next report; a double-submitted form issues one (its form_key)."""
    incident = visible_incident_or_404(request, incident_id)
    policy.require(request.user, "contribute", incident)
    form = SitrepForm(request.POST)
    if not form.is_valid():
        return _tab(request, incident, form, status=422)
    try:
        report = verbs.issue_sitrep(
            incident,
            actor=request.user,
            summary=form.cleaned_data["summary"],
            figures=form.figures(),
        )
    except ServiceError as error:
        if error.status == 403:
            raise
        form.add_service_error(error)
        return _tab(request, incident, form, status=422 if error.status == 400 else error.status)
    messages.success(
        request,
        f"Situation report {report.number} issued, marked TLP:{report.tlp}. "
        "It cannot be changed; issue a new one to update it.",
    )
    return redirect("incident-sitreps", incident_id=incident.public_id)
