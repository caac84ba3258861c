"""Placeholder: being built."""

from django.http import Http404


def printable(request, incident_id, number):
    raise Http404
