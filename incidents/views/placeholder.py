"""Scaffolding while the pages are built; replaced by each page's own view."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from incidents.views.pages import incident_context, visible_incident_or_404


@login_required
def page(request, **kwargs):
    return HttpResponse("")


@login_required
def tab(request, incident_id, tab="summary"):
    incident = visible_incident_or_404(request, incident_id)
    return render(request, "incidents/incident_base.html", incident_context(request, incident, tab))
