"""Alert pages: the list, an alert with its texts, area, history and CAP download, the
analyst's form, and the review actions (issue, update, cancel) for the owning organisation's
analysts and supervisors. Thin: parse a form, call one service or selector, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.alerts import importing, selectors, services
from vigil.alerts.cap import CapRejected, to_cap_xml
from vigil.alerts.choices import ACTIVE_STATES, AlertStatus
from vigil.alerts.forms import AlertForm, FilterForm, ImportForm, NoteForm
from vigil.alerts.models import Alert
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

PAGE_SIZE = 25
CAP_CONTENT_TYPE = "application/cap+xml; charset=utf-8"


def _apply_service_errors(form: Any, error: ValidationError) -> None:
    fields = {
        "region": "region",
        "countries": "countries",
        "event": "event",
        "tlp": "tlp",
        "expires": "expires",
        "cap_status": "cap_status",
    }
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(fields.get(name) if fields.get(name) in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def alert_list(request: HttpRequest) -> HttpResponse:
    """Alerts the reader may see, filtered by region, status and country."""
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    alerts = selectors.list_alerts(
        request.user,
        region=filters.get("region") or None,
        status=filters.get("status") or None,
        country=filters.get("country") or None,
    )
    page = Paginator(alerts, PAGE_SIZE).get_page(request.GET.get("page"))
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    context = {
        "form": form,
        "page": page,
        "can_write": bool(services.alert_organisations(request.user)),
        "drafts": selectors.review_queue(request.user).count()
        if request.user.is_authenticated
        else 0,
        "regions": selectors.regions(),
    }
    return render(request, "alerts/alert_list.html", context)


def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    record_reads([alert], request.user, surface=Surface.PAGE)
    return _render_detail(request, alert)


def _render_detail(request: HttpRequest, alert: Alert, **extra: Any) -> HttpResponse:
    manager = services.can_manage(request.user, alert)
    areas = list(alert.areas.all())
    context = {
        "alert": alert,
        "infos": list(alert.infos.all()),
        "areas": areas,
        "shapes": [
            {"polygons": a.polygons, "circles": a.circles, "label": a.description}
            for a in areas
            if a.polygons or a.circles
        ],
        "history": selectors.history_of(alert),
        "can_issue": manager and alert.status == AlertStatus.DRAFT,
        "can_update": manager and alert.status in ACTIVE_STATES,
        "can_cancel": manager and alert.status in {AlertStatus.DRAFT, *ACTIVE_STATES},
        "note_form": extra.pop("note_form", NoteForm()),
        **extra,
    }
    return render(request, "alerts/alert_detail.html", context, status=extra.get("status", 200))


def alert_cap(request: HttpRequest, alert_id: int) -> HttpResponse:
    """The alert as CAP 1.2 XML, under the same policy as the page."""
    alert = selectors.alert_for(request.user, alert_id)
    record_reads([alert], request.user, surface=Surface.EXPORT)
    response = HttpResponse(to_cap_xml(alert), content_type=CAP_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="alert-{alert.pk}.cap.xml"'
    response["Vary"] = "Cookie, Authorization"
    return response


@login_required
def alert_new(request: HttpRequest) -> HttpResponse:
    """An analyst raises an alert by hand; it starts as a draft."""
    if not services.alert_organisations(request.user):
        raise PermissionDenied(_("Only analysts and supervisors can raise alerts."))
    form = AlertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            alert = services.raise_alert(actor=request.user, data=form.to_input())
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("Draft saved. Review it, then issue it."))
            return redirect("alerts:detail", alert.pk)
    return render(request, "alerts/alert_form.html", {"form": form, "alert": None})


@login_required
def alert_edit(request: HttpRequest, alert_id: int) -> HttpResponse:
    """Revise a draft, or update an issued alert (which sends a CAP Update with the note)."""
    alert = selectors.alert_for(request.user, alert_id)
    if not services.can_manage(request.user, alert):
        raise PermissionDenied(_("Only analysts and supervisors of the owning organisation."))
    is_update = alert.status in ACTIVE_STATES
    form = AlertForm(request.POST or None, initial=AlertForm.initial_for(alert))
    note_form = NoteForm(request.POST or None) if is_update else None
    if request.method == "POST" and form.is_valid() and (note_form is None or note_form.is_valid()):
        try:
            if is_update:
                services.update_alert(
                    alert=alert,
                    actor=request.user,
                    note=note_form.cleaned_data["note"],
                    data=form.to_input(),
                )
            else:
                services.revise_draft(alert=alert, actor=request.user, data=form.to_input())
        except ValidationError as error:
            _apply_service_errors(form, error)
        else:
            messages.success(request, _("Update sent.") if is_update else _("Draft revised."))
            return redirect("alerts:detail", alert.pk)
    context = {"form": form, "alert": alert, "note_form": note_form}
    return render(request, "alerts/alert_form.html", context)


@login_required
@require_POST
def alert_issue(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    try:
        services.issue_alert(alert=alert, actor=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Alert issued."))
    return redirect("alerts:detail", alert.pk)


@login_required
@require_POST
def alert_cancel(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = selectors.alert_for(request.user, alert_id)
    if not services.can_manage(request.user, alert):
        raise PermissionDenied(_("Only analysts and supervisors of the owning organisation."))
    form = NoteForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, alert, note_form=form, status=422)
    try:
        services.cancel_alert(alert=alert, actor=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Alert cancelled."))
    return redirect("alerts:detail", alert.pk)


@login_required
def alert_import(request: HttpRequest) -> HttpResponse:
    """Upload a partner's CAP 1.2 file; refused files say why, line by line."""
    if not services.alert_organisations(request.user):
        raise PermissionDenied(_("Only analysts and supervisors can import alerts."))
    form = ImportForm(request.POST or None, request.FILES or None)
    rejection = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.import_cap(
                form.cleaned_data["file"].read(),
                actor=request.user,
                tlp=form.cleaned_data["tlp"] or None,
                region_id=form.cleaned_data["region"] or None,
            )
        except CapRejected as exc:
            rejection = exc
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("Alert imported.") if result.created else _("This alert was already imported."),
            )
            return redirect("alerts:detail", result.alert.pk)
    status = 422 if rejection else 200
    return render(
        request, "alerts/import.html", {"form": form, "rejection": rejection}, status=status
    )


@login_required
def my_feeds(request: HttpRequest) -> HttpResponse:
    """The reader's private feed addresses: created, renewed or revoked here. The key is
    shown once, when it is made; after that only its first characters."""
    key = None
    if request.method == "POST":
        if "revoke" in request.POST:
            services.revoke_feed_tokens(user=request.user)
            messages.success(request, _("Your private feed addresses no longer work."))
            return redirect("alerts:feeds")
        _token, key = services.issue_feed_token(user=request.user)
    context = {
        "key": key,
        "active": selectors.active_feed_token(request.user),
        "regions": selectors.regions(),
    }
    return render(request, "alerts/feeds.html", context)
