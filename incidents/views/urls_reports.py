"""An incident's situation reports and sharing tabs, and the actions on them.

The printable report itself is `print-sitrep` at sitreps/<number>/ (incidents/urls.py).
"""

from django.urls import path

from incidents.views import sharing_page, sitreps_page

urlpatterns = [
    path("sitreps/", sitreps_page.sitreps, name="incident-sitreps"),
    path("sitreps/new/", sitreps_page.issue, name="incident-sitrep-issue"),
    path("sitreps/preview/", sitreps_page.preview, name="incident-sitrep-preview"),
    path("sharing/", sharing_page.sharing, name="incident-sharing"),
    path("sharing/agencies/", sharing_page.share_agency, name="incident-share-agency"),
    path(
        "sharing/agencies/<int:share_id>/level/",
        sharing_page.change_level,
        name="incident-share-level",
    ),
    path(
        "sharing/agencies/<int:share_id>/revoke/",
        sharing_page.revoke,
        name="incident-share-revoke",
    ),
    path("sharing/people/", sharing_page.grant_person, name="incident-share-person"),
    path(
        "sharing/people/<str:username>/revoke/",
        sharing_page.revoke_person,
        name="incident-share-person-revoke",
    ),
    path("sharing/break-glass/", sharing_page.break_glass, name="incident-break-glass"),
]
