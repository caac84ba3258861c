"""The incident's situation reports tab: the reports the reader may see, and for those
who contribute, a form to preview and issue the next one.

Reports come through the sharing policy like every child of an incident, so one issued
under a stricter marking than the reader's is not listed. Issuing calls `issue_sitrep`,
the verb the API calls; the preview calls `preview` and keeps nothing.
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from coordination.errors import Conflict, Invalid, NotFound, Unprocessable
from incidents import selectors
from incidents.forms.sitreps import SitrepForm
from incidents.ics import sitrep
from incidents.services import sitreps as verbs
from incidents.views.base import Page, incident_page
from incidents.views.runner import finish, run
from sharing import policy

PER_PAGE = 25
# Every refusal but a permission (the 403 page) is shown on the form, at its own status.
REFUSALS = {Invalid: 422, Unprocessable: 422, Conflict: 409, NotFound: 404}


def _reports(page: Page):
    """One page of the reports the reader may see, newest first, each with its check."""
    reports = policy.visible(page.user, selectors.sitreps(page.incident), "view")
    paged = Paginator(reports, PER_PAGE).get_page(page.request.GET.get("page"))
    rows = [(report, sitrep.verify(report)) for report in paged.object_list]
    return paged, rows


def _tab(page: Page, form=None, status=200):
    context = page.context("sitreps")
    paged, rows = _reports(page)
    if form is None and page.may("contribute"):
        form = SitrepForm()
    context.update(page=paged, rows=rows, form=form)
    return render(page.request, "incidents/sitreps.html", context, status=status)


@incident_page(GET="view")
def sitreps(page: Page):
    """The list, and the form to issue the next report for those who may."""
    return _tab(page)


@incident_page(GET="contribute")
def preview(page: Page):
    """What a report issued now would say, with the figures typed so far (htmx)."""
    form = SitrepForm(page.request.GET)
    if not form.is_valid():
        context = {"form": form}
        return render(page.request, "incidents/reports/_sitrep_preview.html", context, status=422)
    figures = form.figures()
    context = sitrep.preview(page.incident, actor=page.user)
    context.update(
        form=form,
        figures=sitrep.figure_rows(figures),
        notes=figures.get("notes", ""),
    )
    return render(page.request, "incidents/reports/_sitrep_preview.html", context)


@incident_page(POST="contribute")
def issue(page: Page):
    """Issue the next report; a double-submitted form issues one (its form_key)."""

    def issued(report):
        message = (
            f"Situation report {report.number} issued, marked TLP:{report.tlp}. "
            "It cannot be changed; issue a new one to update it."
        )
        url = reverse("incident-sitreps", args=[page.incident.public_id])
        return finish(page.request, message, url)

    return run(
        SitrepForm,
        lambda form: verbs.issue_sitrep(
            page.incident,
            actor=page.user,
            summary=form.cleaned_data["summary"],
            figures=form.figures(),
        ),
        data=page.request.POST,
        done=issued,
        again=lambda form, status: _tab(page, form, status=status),
        refusals=REFUSALS,
    )
