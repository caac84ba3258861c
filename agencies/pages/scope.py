"""Which agency an agency-admin page acts for, decided once for every admin page.

The answer follows the API: an agency the person does not belong to is the same 404 as
one that does not exist (its name in a URL reveals nothing), and a member who does not
administer it is refused with 403, as `require_administrator` refuses them in the API.
"""

from django.http import Http404

from agencies.access import member_agencies, require_administrator
from agencies.models import Agency
from coordination.errors import Conflict, Forbidden, NotFound, ServiceError

SECTIONS = (
    ("members", "Members", "agency-members"),
    ("agreements", "Agreements", "agency-agreements"),
    ("api_clients", "API clients", "agency-api-clients"),
    ("audit", "Audit trail", "agency-audit"),
)


def administered_agency(request, slug: str) -> Agency:
    """The agency named in the URL, if the signed-in person administers it."""
    agency = member_agencies(request.user).filter(slug=slug).first()
    if agency is None:
        raise Http404
    require_administrator(request.user, agency)
    return agency


def admin_context(agency: Agency, section: str, **extra) -> dict:
    """What agency_admin/base.html needs: the agency, the sub-navigation and the main nav."""
    return {"agency": agency, "section": section, "sections": SECTIONS, "nav": "admin", **extra}


def refuse_in_form(form, error: ServiceError) -> int:
    """Put a verb's refusal beside its field and say which status the page answers with.

    A refusal about the caller's rights is not the form's business: it escapes to the
    error page (403/404). A clash with the current state is 409; anything else is input
    the person can correct, 422.
    """
    if isinstance(error, Forbidden | NotFound):
        raise error
    form.add_service_error(error)
    return 409 if isinstance(error, Conflict) else 422
