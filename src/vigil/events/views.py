"""Event pages: one event with its provenance and duplicate links (thin; reads via selectors)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from vigil.events.selectors import event_for, links_of
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id)
    record_reads([event], request.user, surface=Surface.PAGE)
    context = {"event": event, "links": links_of(request.user, event)}
    return render(request, "events/event_detail.html", context)
