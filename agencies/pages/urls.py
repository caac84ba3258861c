"""Agency admin pages of the agencies app (included under "agency/"): the landing page,
members and API clients. Agreements and the audit trail are in `sharing.pages.urls`."""

from django.urls import path

from agencies.pages import api_clients, landing, members

urlpatterns = [
    path("", landing.landing, name="agency-admin"),
    path("<slug:slug>/members/", members.members, name="agency-members"),
    path(
        "<slug:slug>/members/<uuid:membership_id>/role/",
        members.change_role,
        name="agency-member-role",
    ),
    path(
        "<slug:slug>/members/<uuid:membership_id>/deactivate/",
        members.deactivate,
        name="agency-member-deactivate",
    ),
    path(
        "<slug:slug>/members/<uuid:membership_id>/reactivate/",
        members.reactivate,
        name="agency-member-reactivate",
    ),
    path("<slug:slug>/api-clients/", api_clients.api_clients, name="agency-api-clients"),
    path(
        "<slug:slug>/api-clients/<uuid:client_id>/issued/",
        api_clients.issued,
        name="agency-api-client-issued",
    ),
    path(
        "<slug:slug>/api-clients/<uuid:client_id>/revoke/",
        api_clients.revoke,
        name="agency-api-client-revoke",
    ),
]
