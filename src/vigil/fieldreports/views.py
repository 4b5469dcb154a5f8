"""Field-report pages: the monitor's form and reports, the review queue, a report with its
history and the reviewer's decisions. Thin: parse a form, call one service or selector, render.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from vigil.fieldreports import selectors, services
from vigil.fieldreports.choices import Channel, ReviewStatus
from vigil.fieldreports.forms import (
    DecisionForm,
    QueueFilterForm,
    ReportForm,
    admin1_choices,
    apply_service_errors,
    flash_errors,
    monitor_organisations,
    offered_decisions,
)
from vigil.fieldreports.models import FieldReport, ReportTransition
from vigil.sharing.choices import Surface
from vigil.sharing.policy import organisations_with_role, record_reads

PAGE_SIZE = 25
# Service error keys that name a form field differently.
REPORT_FIELDS = {"country_id": "country", "admin1_id": "admin1", "organisation_id": "organisation"}


@login_required
def report_new(request: HttpRequest) -> HttpResponse:
    """The monitor's report form; a resent copy (same idempotency key) makes no second report."""
    organisations = monitor_organisations(request.user)
    if not organisations:
        return render(request, "fieldreports/not_a_monitor.html", status=403)
    choices = [(o.pk, o.name) for o in organisations]
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, organisations=choices)
        if form.is_valid():
            try:
                report, created = services.submit_report(
                    monitor=request.user,
                    data=form.to_input(),
                    channel=Channel.WEB,
                    idempotency_key=str(form.cleaned_data["idempotency_key"]),
                    attachments=request.FILES.getlist("attachments"),
                    organisation_id=form.cleaned_data.get("organisation"),
                )
            except ValidationError as error:
                apply_service_errors(form, error, REPORT_FIELDS)
            except PermissionDenied as refusal:
                form.add_error(
                    "organisation" if "organisation" in form.fields else None, str(refusal)
                )
            else:
                messages.success(
                    request,
                    _("Report received. Thank you.")
                    if created
                    else _("This report had already been received; it was not sent twice."),
                )
                return redirect("fieldreports:detail", report.pk)
    else:
        home = organisations[0].country_id if len(organisations) == 1 else None
        form = ReportForm(initial=ReportForm.initial_for(country=home), organisations=choices)
    return render(request, "fieldreports/report_form.html", {"form": form, **_map_settings()})


@login_required
def report_amend(request: HttpRequest, report_id: int) -> HttpResponse:
    """The monitor amends a report sent back for more information and resubmits it."""
    report = selectors.report_for(request.user, report_id)
    if report.monitor_id != request.user.pk:
        raise PermissionDenied
    if report.status != ReviewStatus.NEEDS_INFO:
        messages.info(request, _("This report is not waiting for changes."))
        return redirect("fieldreports:detail", report.pk)
    if request.method == "POST":
        form = ReportForm(request.POST, amending=True)
        if form.is_valid():
            try:
                services.resubmit_report(report=report, actor=request.user, data=form.to_input())
            except ValidationError as error:
                apply_service_errors(form, error, REPORT_FIELDS)
            else:
                messages.success(request, _("Report amended and resubmitted."))
                return redirect("fieldreports:detail", report.pk)
    else:
        form = ReportForm(initial=ReportForm.initial_from(report), amending=True)
    question = _open_question(report, selectors.history_of(report))
    context = {"form": form, "report": report, "question": question, **_map_settings()}
    return render(request, "fieldreports/report_form.html", context)


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, report_id)
    record_reads([report], request.user, surface=Surface.PAGE)
    return _render_detail(request, report)


@login_required
@require_POST
def report_decide(request: HttpRequest, report_id: int) -> HttpResponse:
    """A reviewer's decision: start review, ask for more information, reject or verify."""
    report = selectors.report_for(request.user, report_id)
    form = DecisionForm(request.POST, auto_id=f"{request.POST.get('to', 'decision')}-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decide_report(
                report=report,
                actor=request.user,
                to=data["to"],
                reason=data["reason"].strip(),
                reliability=data["reliability"] or None,
                link_to_id=data["link_to"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except Http404:
            form.add_error("link_to", _("There is no event with this id that you may see."))
        else:
            messages.success(
                request,
                _("Decision recorded: %(status)s.") % {"status": ReviewStatus(data["to"]).label},
            )
            return redirect("fieldreports:detail", report.pk)
    # The failed attempt may have changed the object in memory; show what is stored.
    report = selectors.report_for(request.user, report_id)
    if request.POST.get("to") not in offered_decisions(report.status):
        # Decided meanwhile (a second click, another reviewer): say so above the page.
        flash_errors(request, form)
        return redirect("fieldreports:detail", report.pk)
    return _render_detail(request, report, bound_decision=form)


@login_required
def attachment_download(request: HttpRequest, report_id: int, attachment_id: int) -> FileResponse:
    """An attachment, for those who may see its report (never from MEDIA directly)."""
    report = selectors.report_for(request.user, report_id)
    attachment = get_object_or_404(report.attachments, pk=attachment_id)
    record_reads([report], request.user, surface=Surface.PAGE, action="download")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def my_reports(request: HttpRequest) -> HttpResponse:
    """The reports the signed-in monitor wrote, newest first."""
    reports = selectors.reports_visible_to(request.user, monitor=request.user)
    page = Paginator(reports.order_by("-submitted_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    return render(request, "fieldreports/my_reports.html", {"page": page})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Reports waiting for the reviewer's organisations, oldest first, with filters."""
    if not organisations_with_role(request.user, services.REVIEWER_ROLES):
        raise PermissionDenied
    form = QueueFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {"status__in": list(QueueFilterForm.WAITING)}
    reports = selectors.review_queue(request.user, **filters).select_related("monitor")
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    return render(request, "fieldreports/review_queue.html", {"form": form, "page": page})


@require_GET
def admin1_options(request: HttpRequest) -> HttpResponse:
    """The <option>s of a country's first-level areas, for the forms' area select (htmx)."""
    country = request.GET.get("country", "").strip().upper()[:3]
    return render(
        request, "fieldreports/_admin1_options.html", {"choices": admin1_choices(country or None)}
    )


def _map_settings() -> dict[str, str]:
    # Tiles need a tile server; situation rooms are often offline, so none unless configured.
    return {
        "tile_url": getattr(settings, "VIGIL_TILE_URL", ""),
        "tile_attribution": getattr(
            settings, "VIGIL_TILE_ATTRIBUTION", "© OpenStreetMap contributors"
        ),
    }


def _organisation_field(form: Any) -> str | None:
    return "organisation" if "organisation" in form.fields else None


def _render_detail(
    request: HttpRequest, report: FieldReport, *, bound_decision: DecisionForm | None = None
) -> HttpResponse:
    decisions = offered_decisions(report.status)
    reviewing = services.can_review(request.user, report) and bool(decisions)
    history = selectors.history_of(report)
    context: dict[str, Any] = {
        "report": report,
        "history": history,
        "attachments": list(report.attachments.order_by("uploaded_at", "pk")),
        "decision_forms": (
            DecisionForm.for_each_decision(bound_decision, decisions=decisions) if reviewing else {}
        ),
        "can_amend": (
            report.monitor_id == request.user.pk and report.status == ReviewStatus.NEEDS_INFO
        ),
        "question": _open_question(report, history),
    }
    return render(request, "fieldreports/report_detail.html", context)


def _open_question(report: FieldReport, history: list[ReportTransition]) -> str:
    """The reviewer's question, while the report waits for its monitor."""
    if report.status != ReviewStatus.NEEDS_INFO:
        return ""
    asked = [t for t in history if t.to_status == ReviewStatus.NEEDS_INFO]
    return asked[-1].reason if asked else ""
