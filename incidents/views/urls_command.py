"""The command tab, its actions, and the printable ICS 203 and 204 of a period."""

from django.urls import path

from incidents.views import command_actions as actions
from incidents.views import command_page, ics_forms

urlpatterns = [
    path("command/", command_page.command_tab, name="incident-command"),
    path(
        "command/participants/add/",
        actions.participant_add,
        name="command-participant-add",
    ),
    path(
        "command/participants/<slug:agency>/accept/",
        actions.proposal_accept,
        name="command-proposal-accept",
    ),
    path(
        "command/participants/<slug:agency>/part/",
        actions.participant_part,
        name="command-participant-part",
    ),
    path(
        "command/participants/<slug:agency>/remove/",
        actions.participant_remove,
        name="command-participant-remove",
    ),
    path("command/periods/open/", actions.period_open, name="command-period-open"),
    path(
        "command/periods/<int:number>/edit/",
        actions.period_edit,
        name="command-period-edit",
    ),
    path(
        "command/periods/<int:number>/activate/",
        actions.period_activate,
        name="command-period-activate",
    ),
    path(
        "command/periods/<int:number>/objectives/add/",
        actions.objective_add,
        name="command-objective-add",
    ),
    path(
        "command/periods/<int:number>/objectives/<int:order>/status/",
        actions.objective_status,
        name="command-objective-status",
    ),
    path(
        "command/periods/<int:number>/positions/fill/",
        actions.position_fill,
        name="command-position-fill",
    ),
    path(
        "command/positions/<uuid:position_id>/reassign/",
        actions.position_reassign,
        name="command-position-reassign",
    ),
    path(
        "command/positions/<uuid:position_id>/vacate/",
        actions.position_vacate,
        name="command-position-vacate",
    ),
    path("periods/<int:number>/ics203/", ics_forms.ics203, name="print-ics203"),
    path("periods/<int:number>/ics204/", ics_forms.ics204, name="print-ics204"),
]
