"""Early-warning products: daily regional synopsis, country situation reports, policy briefs.

A product is data first: `content` holds its sections and figures, each figure with the ids
of the events behind it, built as the product's *audience* (its TLP mark and owner) would
see them. The HTML, Markdown and PDF documents are renderings of that content.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from vigil.reports.choices import Cadence, Language, ProductKind, ProductStatus
from vigil.sharing.models import ProtectedModel


class Product(ProtectedModel):
    """One synopsis, situation report or policy brief: who wrote it, about which area and
    period, under which mark, from which inputs, and where it stands in review."""

    kind = models.CharField(max_length=20, choices=ProductKind.choices)
    cadence = models.CharField(max_length=8, choices=Cadence.choices, default=Cadence.DAILY)
    title = models.CharField(max_length=300)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the daily schedule generated it",
    )
    region = models.ForeignKey(
        "geo.RegionalOrganisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    country = models.ForeignKey(
        "geo.Country", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.EN)
    status = models.CharField(
        max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    # Inputs: the events behind every figure, the analysis run the analytics came from.
    input_event_ids = models.JSONField(default=list, blank=True)
    analysis_run = models.ForeignKey(
        "risk.AnalysisRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # {"sections": [{"key", "title", "text", "figures": [{"key", "label", "value",
    #   "event_ids", ...}]}], "left_out": int, ...}: see reports.content.
    content = models.JSONField(default=dict, blank=True)
    rendered_markdown = models.TextField(blank=True)
    rendered_pdf = models.BinaryField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_end", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(region__isnull=False) | Q(country__isnull=False),
                name="product_has_area",
                violation_error_message="A product covers a regional organisation or a country.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="product_period_ordered",
                violation_error_message="A product's period cannot end before it starts.",
            ),
            # Generation is idempotent: one generated product per area, period, language,
            # owner and mark. Policy briefs are written by hand and may be many.
            models.UniqueConstraint(
                fields=["region", "period_start", "period_end", "language", "owner_org", "tlp"],
                condition=Q(kind=ProductKind.DAILY_SYNOPSIS),
                name="product_unique_synopsis",
                violation_error_message="This synopsis was already generated.",
            ),
            models.UniqueConstraint(
                fields=["country", "period_start", "period_end", "language", "owner_org", "tlp"],
                condition=Q(kind=ProductKind.SITUATION_REPORT),
                name="product_unique_situation_report",
                violation_error_message="This situation report was already generated.",
            ),
        ]
        indexes = [models.Index(fields=["kind", "region", "period_end"])]

    def __str__(self) -> str:
        return self.title

    @property
    def area_code(self) -> str:
        return self.country_id or self.region_id or ""


class ProductTransition(models.Model):
    """One step of a product's life: created, regenerated, edited, reviewed, published."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=ProductStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProductStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"#{self.product_id}: {self.from_status or '-'} → {self.to_status}"
