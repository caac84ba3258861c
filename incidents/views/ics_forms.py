"""The printable ICS 203 (organization assignment list) and ICS 204 (assignment list,
one per division or group) of one operational period, as `incidents.ics.plan` builds them.

The period is found through the visibility policy, so a hidden incident's forms are the
same 404 as missing ones.
"""

from django.shortcuts import render

from incidents.ics import plan
from incidents.models import OperationalPeriod
from incidents.services.incidents import record_view
from incidents.views.base import Page, incident_page


def visible_period(page: Page, number) -> OperationalPeriod:
    """The period if the reader may see it (otherwise 404); reading its plan is audited."""
    period = page.child(plan.plan_periods().filter(incident=page.incident), number=number)
    record_view(period.incident, actor=page.user, ip_address=page.request.META.get("REMOTE_ADDR"))
    return period


@incident_page(GET="view")
def ics203(page: Page, number):
    """ICS 203: every post of the period and who holds it, for which agency."""
    period = visible_period(page, number)
    return render(page.request, "incidents/print/ics203.html", plan.ics203(period, page.user))


@incident_page(GET="view")
def ics204(page: Page, number):
    """ICS 204: one assignment list per division or group, then the period's other
    assignments."""
    period = visible_period(page, number)
    return render(page.request, "incidents/print/ics204.html", plan.ics204(period, page.user))
