"""Event pages: one event with its provenance and duplicate links, what each source covers,
and how fresh each source is (thin; reads via selectors, writes via services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from vigil.events.forms import CoverageCorrectionForm
from vigil.events.selectors import coverage_for, coverage_visible_to, event_for, links_of
from vigil.events.services import can_correct, correct_coverage, reset_coverage
from vigil.events.services.freshness import all_freshness
from vigil.geo.selectors import country_name
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads


def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    event = event_for(request.user, event_id)
    record_reads([event], request.user, surface=Surface.PAGE)
    context = {"event": event, "links": links_of(request.user, event)}
    return render(request, "events/event_detail.html", context)


def coverage(request: HttpRequest) -> HttpResponse:
    """What each source covers, per country: the spans every analysis, product and backtest
    treats as data (outside them a cell is missing, never zero)."""
    rows = list(
        coverage_visible_to(request.user)
        .select_related("corrected_by", "import_run")
        .order_by("country", "source", "release")
    )
    editable = bool(rows) and can_correct(request.user, rows[0])
    for row in rows:
        row.country_label = country_name(row.country) or row.country
    return render(request, "events/coverage.html", {"rows": rows, "editable": editable})


@login_required
def sources(request: HttpRequest) -> HttpResponse:
    """Each source and how fresh it is: a situation room knows what its "today" rests on."""
    rows = all_freshness()
    return render(
        request,
        "events/sources.html",
        {"rows": rows, "admin": request.user.is_superuser, "now": timezone.now()},
    )


@login_required
def coverage_correct(request: HttpRequest, coverage_id: int) -> HttpResponse:
    record = coverage_for(request.user, coverage_id)
    if not can_correct(request.user, record):
        raise PermissionDenied(_("Only analysts and supervisors may correct coverage."))
    initial = {"first_date": record.first_date, "last_date": record.last_date, "note": record.note}
    form = CoverageCorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and "reset" in request.POST:
        reset_coverage(coverage=record, actor=request.user)
        messages.success(request, _("Coverage reset to what the imports derived."))
        return redirect("events:coverage")
    if request.method == "POST" and form.is_valid():
        try:
            correct_coverage(coverage=record, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Coverage corrected. The next analysis uses it."))
            return redirect("events:coverage")
    return render(request, "events/coverage_correct.html", {"record": record, "form": form})
