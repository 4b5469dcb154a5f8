"""Product pages: the list, a product with its figures and history, its documents, the
events behind each figure, review and publication, the policy-brief editor, and today's
synopsis of a region. Thin: parse, call one selector or service, render.
"""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.reports import forms, rendering, selectors, services
from vigil.reports.catalogue import direction
from vigil.reports.choices import ProductKind, ProductStatus
from vigil.sharing.choices import Surface
from vigil.sharing.policy import record_reads

PAGE_SIZE = 25


def product_list(request: HttpRequest) -> HttpResponse:
    """Products the reader may see, newest first, filtered by kind, region and status."""
    form = forms.ProductFilterForm(request.GET)
    filters = form.filters() if form.is_valid() else {}
    products = selectors.products_visible_to(request.user, **filters)
    page = Paginator(products.order_by("-period_end", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    context = {"form": form, "page": page, "can_write": forms.writable_organisations(request.user)}
    return render(request, "reports/product_list.html", context)


def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    record_reads([product], request.user, surface=Surface.PAGE)
    return _render_detail(request, product)


def _render_detail(request: HttpRequest, product, status: int = 200) -> HttpResponse:
    map_figure = rendering.chart_figure(product, "map")
    context = {
        "product": product,
        "meta": rendering.meta(product),
        "sections": rendering.sections_with_links(product),
        "notes": product.content.get("notes", []),
        "warnings": product.content.get("warnings", []),
        "dir": direction(product.language),
        "history": selectors.history_of(product),
        "map_points": json.dumps(map_figure.get("points", []) if map_figure else []),
        "can_review": product.status == ProductStatus.DRAFT
        and services.can_review(request.user, product),
        "can_publish": product.status == ProductStatus.REVIEWED
        and services.can_publish(request.user, product),
        "can_edit": product.kind == ProductKind.POLICY_BRIEF
        and product.status != ProductStatus.PUBLISHED
        and product.owner_org_id in forms.writable_organisation_ids(request.user),
    }
    return render(request, "reports/product_detail.html", context, status=status)


def synopsis_today(request: HttpRequest, region: str) -> HttpResponse:
    """Today's synopsis of a region for this reader, or the newest one they may see."""
    code = region.upper()
    today = timezone.localdate()
    product = selectors.latest_synopsis(request.user, code, on=today) or selectors.latest_synopsis(
        request.user, code
    )
    if product is None:
        return render(
            request,
            "reports/no_synopsis.html",
            # The command line takes ISO dates, whatever the page's locale prints.
            {"region": code, "today": today, "today_iso": today.isoformat()},
            status=404,
        )
    record_reads([product], request.user, surface=Surface.PAGE)
    return _render_detail(request, product)


def product_markdown(request: HttpRequest, product_id: int) -> HttpResponse:
    product = selectors.product_for(request.user, product_id)
    record_reads([product], request.user, surface=Surface.EXPORT, action="download")
    text = rendering.render_markdown(product, base_url=_base(request))
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="vigil-product-{product.pk}.md"'
    return response


def product_pdf(request: HttpRequest, product_id: int) -> HttpResponse:
    """The stored PDF (rendered when the product last changed, with the site's address)."""
    product = selectors.product_for(request.user, product_id)
    record_reads([product], request.user, surface=Surface.EXPORT, action="download")
    body = bytes(product.rendered_pdf or b"") or rendering.render_pdf(
        product, base_url=_base(request)
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vigil-product-{product.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def product_chart(request: HttpRequest, product_id: int, chart: str) -> HttpResponse:
    """The trend chart or static map of a product, as PNG."""
    product = selectors.product_for(request.user, product_id)
    png = rendering.chart_png(product, chart) if chart in ("trend", "map") else None
    if png is None:
        raise Http404("No such chart")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


def figure_events(request: HttpRequest, product_id: int, key: str) -> HttpResponse:
    """The events behind one figure — those of them the reader may see."""
    product = selectors.product_for(request.user, product_id)
    item, events = selectors.events_behind(request.user, product, key)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    record_reads(page.object_list, request.user, surface=Surface.PAGE)
    context = {
        "product": product,
        "figure": item,
        "page": page,
        "hidden": len(item.get("event_ids", [])) - events.count(),
    }
    return render(request, "reports/figure_events.html", context)


@login_required
@require_POST
def product_transition(request: HttpRequest, product_id: int, action: str) -> HttpResponse:
    """Review, publish or reopen a product."""
    product = selectors.product_for(request.user, product_id)
    note = request.POST.get("note", "").strip()
    steps = {
        "review": services.review_product,
        "publish": services.publish_product,
        "reopen": services.reopen_product,
    }
    if action not in steps:
        raise Http404("No such action")
    try:
        steps[action](product=product, actor=request.user, note=note)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Product is now %(status)s.") % {"status": product.status})
    return redirect("reports:detail", product.pk)


@login_required
def brief_new(request: HttpRequest) -> HttpResponse:
    """Start a policy brief: pick the area, mark and language; the template fills the rest."""
    choices = forms.writable_organisations(request.user)
    if not choices:
        raise PermissionDenied
    form = forms.BriefStartForm(request.POST or None, organisations=choices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.start_policy_brief(
                actor=request.user,
                owner=form.owner(),
                date=data["date"] or dt.date.today(),
                region=data["region"] or None,
                country=data["country"] or None,
                tlp=data["tlp"],
                language=data["language"],
            )
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            return redirect("reports:brief-edit", product.pk)
    return render(request, "reports/brief_new.html", {"form": form})


@login_required
def brief_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """The analyst's editor of a brief, pre-filled with the template and its figures."""
    product = selectors.product_for(request.user, product_id)
    if product.kind != ProductKind.POLICY_BRIEF:
        raise Http404("Not a policy brief")
    if product.owner_org_id not in forms.writable_organisation_ids(request.user):
        raise PermissionDenied
    form = forms.BriefForm(request.POST or None, initial=forms.BriefForm.initial_from(product))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy_brief(product=product, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            forms.apply_errors(form, error)
        else:
            messages.success(request, _("Brief saved."))
            return redirect("reports:detail", product.pk)
    context = {
        "form": form,
        "product": product,
        "sections": rendering.sections_with_links(product),
        "dir": direction(product.language),
    }
    return render(request, "reports/brief_edit.html", context)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")
