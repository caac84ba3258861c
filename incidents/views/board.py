"""The board: the incidents the reader may see, filtered, sorted and paginated.

The list starts from `sharing.policy.visible`, so the count, the search and every filter
see only what the reader may see; the map reads through `filtered_incidents` too, so a
board and a map with the same query string show the same incidents.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from incidents import selectors
from incidents.forms.board import SORT_CHOICES, SORT_COLUMNS, IncidentBoardFilter
from sharing import policy

PER_PAGE = 50
# Query parameters that shape the page rather than narrow the incidents.
LAYOUT_PARAMETERS = ("sort", "view", "page")


def filtered_incidents(request) -> IncidentBoardFilter:
    """The filter set over the incidents the reader may see, bound to the query string."""
    visible = policy.visible(request.user, selectors.incidents(), "view")
    return IncidentBoardFilter(request.GET, queryset=visible, request=request)


def is_narrowed(request) -> bool:
    """Whether any filter is set (the empty state then offers to clear them)."""
    return any(any(values) for name, values in request.GET.lists() if name not in LAYOUT_PARAMETERS)


def sort_columns(current: str) -> list[dict]:
    """Each sortable column: the sort its header link asks for, and its aria-sort state."""
    columns = []
    for key, (label, _) in SORT_COLUMNS.items():
        state = {key: "ascending", f"-{key}": "descending"}.get(current)
        columns.append(
            {
                "label": label,
                "state": state,
                "sort": f"-{key}" if state == "ascending" else key,
                "next": "descending" if state == "ascending" else "ascending",
            }
        )
    return columns


def filter_context(request, incidents: IncidentBoardFilter) -> dict:
    """What the filter form needs on the board and on the map alike."""
    return {
        "filter": incidents,
        "narrowed": is_narrowed(request),
        "layout": "cards" if request.GET.get("view") == "cards" else "table",
    }


@login_required
def board(request):
    """The board as a table or as cards; an htmx request gets the filters and results only."""
    incidents = filtered_incidents(request)
    page = Paginator(incidents.qs, PER_PAGE).get_page(request.GET.get("page"))
    sort = incidents.sort_key()
    context = {
        **filter_context(request, incidents),
        "nav": "board",
        "page": page,
        "columns": sort_columns(sort),
        "sort_label": dict(SORT_CHOICES)[sort],
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "incidents/board/_region.html" if partial else "incidents/board.html"
    response = render(request, template, context, status=422 if incidents.form.errors else 200)
    patch_vary_headers(response, ("HX-Request",))
    return response
