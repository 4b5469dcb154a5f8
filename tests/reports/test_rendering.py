"""Documents of products from the bundled real UCDP sample (src/vigil/reports/rendering.py):
Markdown and PDF text checked against the database, charts and map inside the PDF, and
the four product languages."""

from __future__ import annotations

import datetime as dt
import io
import re
from importlib import resources
from typing import Any

import pytest
from django.db.models import Count, Sum
from pypdf import PdfReader

from vigil.events.selectors import EventFilters, events_visible_to
from vigil.events.services import import_events
from vigil.reports import rendering, services
from vigil.reports.choices import Cadence
from vigil.sharing.policy import ProductAudience as Audience

pytestmark = pytest.mark.django_db

# January 2014 in Nigeria: the Borno escalation is in the sample, so the report has figures.
DATE = dt.date(2014, 1, 31)


@pytest.fixture
def nigeria_sample(reference_geography: None) -> None:
    """The bundled UCDP GED sample of Nigeria, imported as `vigil demo` imports it."""
    sample = resources.files("vigil.events") / "data" / "demo"
    with resources.as_file(sample / "hdx_ucdp_ged_conflict_data_nga.csv.gz") as path:
        import_events(importer_key="ucdp-ged", path=path)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_images(data: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def situation_report(nigeria_sample: None) -> Any:
    return services.generate_situation_report(
        country="NGA", date=DATE, cadence=Cadence.MONTHLY
    ).product


def test_pdf_of_a_situation_report_states_the_figures_the_database_holds(
    situation_report: Any,
) -> None:
    # Given the real events of January 2014 in Nigeria that a GREEN reader may see
    truth = (
        events_visible_to(
            Audience(None),
            EventFilters(country=("NGA",), date_from=dt.date(2014, 1, 1), date_to=DATE),
        )
        .order_by()
        .aggregate(events=Count("pk"), deaths=Sum("fatalities_best"))
    )
    assert truth["events"] > 20, "the sample should have January 2014 events"
    # When the stored PDF's text is extracted
    text = pdf_text(bytes(situation_report.rendered_pdf))
    flat = re.sub(r"\s+", " ", text)
    # Then the period totals are the database's, and each figure's event link is printed
    assert f"{truth['events']} events and {truth['deaths']} deaths in the period" in flat
    assert "TLP:GREEN" in flat
    assert f"/products/{situation_report.pk}/figures/period-total/" in flat.replace(" ", "")
    # And the key events are the deadliest ones, with their death counts
    deadliest = (
        events_visible_to(
            Audience(None),
            EventFilters(country=("NGA",), date_from=dt.date(2014, 1, 1), date_to=DATE),
        )
        .order_by("-fatalities_best", "-date_start", "pk")
        .first()
    )
    assert f"{deadliest.date_start.isoformat()}, " in flat
    assert f"{deadliest.fatalities_best} deaths" in flat
    # And the trend chart and the static map are images inside it
    assert pdf_images(bytes(situation_report.rendered_pdf)) >= 2


def test_markdown_links_every_figure_to_its_events(situation_report: Any) -> None:
    text = rendering.render_markdown(situation_report, base_url="https://vigil.example")
    for section in situation_report.content["sections"]:
        for item in section["figures"]:
            if item["event_ids"]:
                url = f"https://vigil.example/products/{situation_report.pk}/figures/{item['key']}/"
                assert f"({len(item['event_ids'])}): <{url}>" in text


@pytest.mark.parametrize(
    ("language", "title", "heading"),
    [
        ("en", "Situation report — Nigeria", "Key events"),
        ("fr", "Rapport de situation — Nigeria", "Événements clés"),
        ("pt", "Relatório de situação — Nigeria", "Eventos principais"),
        ("ar", "تقرير الحالة — Nigeria", "الأحداث الرئيسية"),
    ],
)
def test_products_are_written_in_four_languages(
    nigeria_sample: None, language: str, title: str, heading: str
) -> None:
    product = services.generate_situation_report(
        country="NGA", date=DATE, cadence=Cadence.WEEKLY, language=language
    ).product
    assert product.title.startswith(title)
    assert f"## {heading}" in product.rendered_markdown
    text = pdf_text(bytes(product.rendered_pdf))
    # Arabic is shaped by Pango (presentation forms may be extracted); check a Latin figure
    # and, for the others, the heading too.
    assert "TLP:GREEN" in text
    if language != "ar":
        assert heading in text
    else:
        assert any("\u0600" <= ch <= "\u06ff" or "\ufe70" <= ch <= "\ufeff" for ch in text)
