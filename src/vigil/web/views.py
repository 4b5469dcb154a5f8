"""Server-rendered pages. Views gather what the template needs from selectors and render it;
the data itself reaches the page through the REST API so the page and API never disagree."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.api import api
from vigil.events.selectors import browser_filter_options

# The query-string names the filter form uses. They are the REST API's own filter names, so
# events.js forwards the form as it is and a bookmarked page URL reproduces the same view.
EVENT_FILTERS = (
    "country",
    "region",
    "date_from",
    "date_to",
    "category",
    "source",
    "min_fatalities",
)


def events(request: HttpRequest) -> HttpResponse:
    """The events browser: a filter form whose map, timeline and table events.js fills from the API.

    The view validates nothing: it echoes the query back into the form, and the API, which
    owns the filters, answers a bad value with a clear error that the page shows.
    """
    context = {
        "options": browser_filter_options(request.user),
        "filters": {name: request.GET.get(name, "") for name in EVENT_FILTERS},
        "api_root": api.get_root_path({}),
        # Tiles need a tile server; situation rooms are often offline, so none unless configured.
        "tile_url": getattr(settings, "VIGIL_TILE_URL", ""),
        "tile_attribution": getattr(
            settings, "VIGIL_TILE_ATTRIBUTION", "© OpenStreetMap contributors"
        ),
    }
    return render(request, "web/events.html", context)
