"""Agency admin pages of the sharing app (included under "agency/"): agreements and the
audit trail. Members and API clients are in `agencies.pages.urls`."""

from django.urls import path

from sharing.pages import agreements, audit

urlpatterns = [
    path("<slug:slug>/agreements/", agreements.agreements, name="agency-agreements"),
    path("<slug:slug>/agreements/new/", agreements.propose, name="agency-agreement-propose"),
    path(
        "<slug:slug>/agreements/<int:agreement_id>/accept/",
        agreements.accept,
        name="agency-agreement-accept",
    ),
    path(
        "<slug:slug>/agreements/<int:agreement_id>/suspend/",
        agreements.suspend,
        name="agency-agreement-suspend",
    ),
    path(
        "<slug:slug>/agreements/<int:agreement_id>/renew/",
        agreements.renew,
        name="agency-agreement-renew",
    ),
    path("<slug:slug>/audit/", audit.audit, name="agency-audit"),
]
