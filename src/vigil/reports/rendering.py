"""Documents of a product: HTML (the page), Markdown and PDF, all from its stored content.

Every figure links to the events behind it: the page links to the figure's event list, the
Markdown and the PDF print its full URL. The PDF is WeasyPrint's rendering of an HTML print
template (Pango shapes Arabic and lays it out right to left, with a font that has the
glyphs: DejaVu Sans), with the trend chart and the static map embedded as PNG.
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from vigil.reports import charts
from vigil.reports.catalogue import direction, phrase
from vigil.reports.models import Product

PDF_FONTS = "'DejaVu Sans', 'Noto Sans Arabic', 'Noto Sans', sans-serif"


def site_url() -> str:
    """The address readers reach Vigil at, for links printed in documents."""
    return getattr(settings, "VIGIL_SITE_URL", "http://localhost:8000").rstrip("/")


def figure_url(product: Product, key: str, *, base_url: str = "") -> str:
    return base_url + reverse("reports:figure", args=[product.pk, key])


def area_label(product: Product) -> str:
    if product.country_id:
        return product.country.name if product.country else product.country_id
    return product.region_id or ""


def meta(product: Product) -> dict[str, str]:
    """The product's header lines, in its own language."""
    language = product.language
    author = (
        product.author.get_username() if product.author else phrase("label.generated", language)
    )
    return {
        "mark": f"TLP:{product.tlp}",
        "status": phrase(f"status.{product.status}", language),
        "period": f"{product.period_start.isoformat()} – {product.period_end.isoformat()}",
        "author": author,
        "label_mark": phrase("label.mark", language),
        "label_status": phrase("label.status", language),
        "label_period": phrase("label.period", language),
        "label_author": phrase("label.author", language),
        "events_behind": phrase("text.events_behind", language),
    }


def sections_with_links(product: Product, *, base_url: str = "") -> list[dict[str, Any]]:
    """The content's sections, each figure with the URL of its events."""
    sections = []
    for section in product.content.get("sections", []):
        figures = [
            {**item, "url": figure_url(product, item["key"], base_url=base_url)}
            for item in section.get("figures", [])
        ]
        sections.append({**section, "figures": figures})
    return sections


def chart_figure(product: Product, chart: str) -> dict[str, Any] | None:
    for section in product.content.get("sections", []):
        if section.get("chart") == chart and section.get("figures"):
            return section["figures"][0]
    return None


def chart_png(product: Product, chart: str) -> bytes | None:
    """The PNG of a product's trend chart or map, or None if it has none."""
    item = chart_figure(product, chart)
    if item is None:
        return None
    if chart == "trend":
        return charts.trend_png(item.get("series", []))
    countries = [product.country_id] if product.country_id else []
    return charts.map_png(item.get("points", []), countries=countries)


def render_markdown(product: Product, *, base_url: str | None = None) -> str:
    """The product as Markdown; each figure ends with the URL of its events."""
    base = site_url() if base_url is None else base_url
    info = meta(product)
    lines = [
        f"# {product.title}",
        "",
        f"**{info['mark']}** · {info['label_status']}: {info['status']} · "
        f"{info['label_period']}: {info['period']} · {info['label_author']}: {info['author']}",
        "",
    ]
    for warning in product.content.get("warnings", []):
        lines += [f"> **{warning}**", ""]
    for note in product.content.get("notes", []):
        lines += [f"> {note}", ""]
    for section in sections_with_links(product, base_url=base):
        lines += [f"## {section['title']}", ""]
        for paragraph in section.get("text", []):
            lines += [paragraph, ""]
        for item in section["figures"]:
            count = len(item.get("event_ids", []))
            link = f" — {info['events_behind']} ({count}): <{item['url']}>" if count else ""
            lines.append(f"- {item['label']}{link}")
            lines += [f"  - {line}" for line in item.get("lines", [])]
        if section["figures"]:
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode() if png else ""


def render_pdf(product: Product, *, base_url: str | None = None) -> bytes:
    """The product as a PDF with its charts and static map inside."""
    from weasyprint import HTML

    base = site_url() if base_url is None else base_url
    context = {
        "product": product,
        "meta": meta(product),
        "sections": sections_with_links(product, base_url=base),
        "notes": product.content.get("notes", []),
        "warnings": product.content.get("warnings", []),
        "dir": direction(product.language),
        "fonts": PDF_FONTS,
        "images": {
            "trend": _data_uri(chart_png(product, "trend")),
            "map": _data_uri(chart_png(product, "map")),
        },
    }
    html = render_to_string("reports/product_print.html", context)
    return HTML(string=html, base_url=base).write_pdf()
