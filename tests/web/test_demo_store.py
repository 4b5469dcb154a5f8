"""The demo store as a new analyst meets it after `make run`, in real Chromium: what the data
does not cover is said, never shown as zeros, probabilities or ranks (issue 11).

The bundled Nigeria extract ends with 2019 while the other files reach 2023; the demo
analyses as of both dates. The latest analysis must say Nigeria has no data since
2019-12-31, and the situation report of the last week of 2023 must say it is not covered.
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from vigil.alerts.choices import AlertSource, AlertStatus
from vigil.alerts.models import Alert
from vigil.reports.choices import Language, ProductKind
from vigil.reports.models import Product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_DATA = "no data since 2019-12-31"
# A probability or a death count printed for Nigeria would look like one of these.
FIGURE = re.compile(r"\b0\.\d\d\b|\b\d+ deaths\b|\bdeaths: \d")


@pytest.fixture
def demo_store() -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def sign_in(page: Page, base_url: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill("demo")
    page.get_by_label("Password").fill("vigil-demo")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_demo_says_what_its_data_does_not_cover(
    demo_store: str, live_server: Any, page: Page
) -> None:
    assert "analysis as of 2019-12-31" in demo_store
    assert "analysis as of 2023-12-31" in demo_store
    sign_in(page, live_server.url)

    # The regional page: Nigeria is named as not covered, with no figure and no rank.
    page.goto(f"{live_server.url}/risk/?region=ECOWAS")
    expect(page.locator("#coverage")).to_contain_text(f"Nigeria: {NO_DATA}")
    nigeria = page.locator("#countries tr", has_text="Nigeria")
    expect(nigeria).to_contain_text(NO_DATA)
    assert not FIGURE.search(nigeria.inner_text())
    expect(page.locator("#hotspots")).to_have_count(0)
    expect(page.locator("#no-hotspots")).to_be_visible()
    # ... and it points to the newest analysis where the region's data is covered.
    page.locator("#covered-run a").click()
    expect(page.locator("#hotspots tbody tr").first).to_be_visible()
    ranks = page.locator("#hotspots tbody tr td:first-child").all_inner_texts()
    assert ranks == [str(i) for i in range(1, len(ranks) + 1)]  # no ties, no "1." for zeros

    # The country page: the reason, and no monthly count, probability or rank.
    page.goto(f"{live_server.url}/risk/country/NGA/")
    expect(page.locator("#coverage")).to_contain_text(NO_DATA)
    expect(page.locator("#headline")).to_have_count(0)
    expect(page.locator("#forecasts")).to_have_count(0)
    expect(page.locator("#areas")).to_have_count(0)
    expect(page.locator("#no-forecast")).to_contain_text(NO_DATA)
    # The yearly model still speaks, and the page says why the two levels differ.
    expect(page.locator("#levels-note")).to_contain_text("UCDP/PRIO country-year files")
    expect(page.locator("svg#trend rect.missing").first).to_be_attached()
    assert not FIGURE.search(page.locator("#coverage").inner_text())

    # The situation report of the last week of 2023 says, at the top, it is not covered.
    report = Product.objects.get(
        kind=ProductKind.SITUATION_REPORT,
        country_id="NGA",
        period_end="2023-12-31",
        language=Language.EN,
    )
    assert report.period_start.isoformat() == "2023-12-25"
    page.goto(f"{live_server.url}/products/{report.pk}/")
    warning = page.locator(".product-warning").first
    expect(warning).to_contain_text(f"Not covered: Nigeria — {NO_DATA}")
    body = page.locator("article#product").inner_text()
    assert "0 events and 0 deaths" not in body
    expect(page.locator("#section-trend")).to_contain_text("no count of events or deaths")

    # The demo's default alert rules raised real drafts, waiting in the review queue.
    drafts = Alert.objects.filter(source=AlertSource.RULE, status=AlertStatus.DRAFT)
    assert drafts.exists()
    page.goto(f"{live_server.url}/alerts/?status=draft")
    expect(page.get_by_text(drafts.first().infos.first().headline).first).to_be_visible()

    # The demo is offline: /sources/ shows the bundled files as file imports and the live
    # sources, seeded disabled, as not configured (issue 12).
    page.goto(f"{live_server.url}/sources/")
    expect(page.locator('#sources tr[data-key="ucdp_ged"]')).to_contain_text("file imports")
    for key in ("ucdp", "acled", "gdelt", "odk", "partner-cap"):
        expect(page.locator(f'#sources tr[data-key="{key}"]')).to_contain_text("not configured")
