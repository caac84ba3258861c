"""One road from a posted form to a verb and back, for every page of an incident.

`run` binds the form, calls the verb and answers:
- an invalid form, or a refusal the page shows on its form (`refusals`: which
  ServiceErrors, at which status), comes back bound, the refusal beside the field it
  names (422 unless the page says otherwise);
- an edit made against a version that is no longer current (PreconditionFailed, a 412 in
  the API) is answered 409 with the row as stored now: either the form re-bound to its
  current values and version, saying why (`stale`), or the page's own view of the
  current row (`current`);
- any other refusal escapes to the 403 and 404 pages (`coordination.pages`);
- success goes to `done`, which usually calls `finish`: htmx gets the refreshed
  section, a plain request is redirected with the message.
"""

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect

from coordination.errors import (
    Conflict,
    Forbidden,
    Invalid,
    PreconditionFailed,
    ServiceError,
    Unprocessable,
)
from coordination.forms import STALE_EDIT

# Refusals shown on the form, with the status each answers: a rule the input breaks is
# 422; a conflict or a refusal keeps its own status.
ON_THE_FORM = {Invalid: 422, Unprocessable: 422, Conflict: 409, Forbidden: 403}
# Input the verb cannot honour, whatever the reason: 422 beside the field.
UNPROCESSABLE = {Invalid: 422, Unprocessable: 422, Conflict: 422}


Refusals = Mapping[type, int] | Callable[[ServiceError], int | None]


def refused_status(error: ServiceError, refusals: Refusals) -> int | None:
    """The status a refusal is shown on the form at, or None if it is not shown there.
    `refusals` maps ServiceError classes to statuses, or decides for each refusal."""
    if callable(refusals):
        return refusals(error)
    for kind, status in refusals.items():
        if isinstance(error, kind):
            return status
    return None


def run(
    bind: Callable[[dict | None], Form],
    verb: Callable[[Form], object],
    *,
    data,
    done: Callable[[object], HttpResponse],
    again: Callable[[Form, int], HttpResponse],
    stale: Callable[[Form], dict] | None = None,
    current: Callable[[str], HttpResponse] | None = None,
    refusals: Refusals = ON_THE_FORM,
) -> HttpResponse:
    """Bind `data` with `bind`, hand the valid form to `verb`, and answer (see above).

    `stale` gives, from the refused form, the current row's form values (read again
    through the visible lookup); `current` answers a stale edit, with its message, some
    other way."""
    form = bind(data)
    if not form.is_valid():
        return again(form, 422)
    try:
        result = verb(form)
    except PreconditionFailed:
        if current is not None:
            return current(STALE_EDIT)
        if stale is None:
            raise
        return again(rebound(bind, stale(form)), 409)
    except ServiceError as error:
        status = refused_status(error, refusals)
        if status is None:
            raise
        form.add_service_error(error)
        return again(form, status)
    return done(result)


def rebound(bind: Callable[[dict | None], Form], values: dict) -> Form:
    """The form bound to what is stored now, saying why it came back."""
    form = bind(values)
    form.is_valid()
    form.add_error(None, STALE_EDIT)
    return form


def finish(request, message: str, url: str, *, section=None) -> HttpResponse:
    """Success: the refreshed section for htmx (when the page has one), otherwise a
    redirect to `url` with the message shown there."""
    messages.success(request, message)
    if section is not None and request.htmx:
        return section()
    return redirect(url)
