"""Products in a real browser: an Arabic situation report laid out right to left, with its
map drawn by Leaflet under the site's Content-Security-Policy (Chromium, Playwright)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.factories import EventFactory, SourceCoverageFactory
from vigil.reports import services
from vigil.reports.choices import Cadence
from vigil.sharing.choices import TLP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2024, 3, 14)


@pytest.fixture
def arabic_report(reference_geography: None, personas: Any) -> Any:
    SourceCoverageFactory(owner_org=personas.ecowas)
    for days, deaths in ((1, 3), (3, 12)):
        EventFactory(
            tlp=TLP.CLEAR, date_start=DAY - dt.timedelta(days=days), fatalities_best=deaths,
            owner_org=personas.ecowas, location="Maiduguri",
        )  # fmt: skip
    return services.generate_situation_report(
        country="NGA", date=DAY, cadence=Cadence.WEEKLY, language="ar", tlp=TLP.CLEAR,
        owner=personas.ecowas,
    ).product  # fmt: skip


def test_arabic_product_is_laid_out_right_to_left(
    live_server: Any, page: Page, arabic_report: Any, tmp_path: Path
) -> None:
    page.goto(f"{live_server.url}/products/{arabic_report.pk}/")
    article = page.locator("article#product")
    expect(article).to_have_attribute("dir", "rtl")
    expect(article).to_have_attribute("lang", "ar")
    assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
    heading = page.locator("#section-key_events h2")
    expect(heading).to_have_text("الأحداث الرئيسية")
    # Right to left: the heading's text hugs the right edge of its box.
    assert heading.evaluate("el => getComputedStyle(el).textAlign") in ("start", "right")
    box = heading.bounding_box()
    text_right = heading.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " return r.getBoundingClientRect().right; }"
    )
    assert box is not None
    assert abs(text_right - (box["x"] + box["width"])) < 2
    # The interface around it stays left to right (the reader's language is English).
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "ltr"
    # The Leaflet map draws the period's two events.
    expect(page.locator("#product-map path.product-event")).to_have_count(2)
    # Each figure links to its events.
    page.locator("#section-key_events a.figure-events").first.click()
    expect(page.locator("#figure-events tbody tr[data-event-id]")).to_have_count(1)
    page.go_back()
    shot = tmp_path / "arabic-product.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
