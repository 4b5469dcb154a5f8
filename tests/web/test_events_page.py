"""The events browser in a real headless Chromium against a live server and the real API."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

from tests.factories import EventFactory
from vigil.events.choices import Category
from vigil.events.models import Event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MARKERS = "#map path.leaflet-interactive.vigil-event"
BARS = "#timeline g.bars rect.bar"
ROWS = "#events-table tbody tr"

# What a hardened deployment would send: only our own origin, nothing inline.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


@pytest.fixture
def events(reference_geography: None) -> list[Event]:
    """Two events in Nigeria (July, September 2019), one in Mali (August): 12 deaths in all."""
    return [
        EventFactory(
            country_id="NGA",
            latitude=11.8,
            longitude=13.1,
            date_start=dt.date(2019, 7, 1),
            fatalities_best=5,
            category=Category.ARMED_CLASH,
            location="Maiduguri",
            description="Clash between the army and an armed group.",
        ),
        EventFactory(
            country_id="NGA",
            latitude=9.06,
            longitude=7.49,
            date_start=dt.date(2019, 9, 14),
            fatalities_best=3,
            category=Category.VIOLENCE_AGAINST_CIVILIANS,
            location="Abuja",
        ),
        EventFactory(
            country_id="MLI",
            latitude=14.49,
            longitude=-4.19,
            date_start=dt.date(2019, 8, 3),
            fatalities_best=4,
            category=Category.ARMED_CLASH,
            location="Mopti",
        ),
    ]


def open_events_page(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("#events-browser")).to_have_attribute("data-state", "ready")


def test_page_shows_every_event_on_map_timeline_table_and_summary(
    page: Page, live_server, events: list[Event]
) -> None:
    # Given three events, when the page opens without filters
    open_events_page(page, live_server.url + "/")

    # then each event is one circle, each month from July to September one bar
    expect(page.locator(MARKERS)).to_have_count(3)
    expect(page.locator(BARS)).to_have_count(3)
    expect(page.locator(BARS).first.locator("title")).to_have_text(
        "Jul 2019: 1 event, 5 fatalities"
    )
    # and the text summary gives the totals and the span.
    expect(page.locator("#summary")).to_have_text(
        "3 events, 12 fatalities, from Jul 2019 to Sep 2019."
    )
    expect(page.locator(ROWS)).to_have_count(3)
    expect(page.locator(ROWS).first).to_contain_text("Abuja")  # newest first


def test_country_outlines_replace_tiles_under_the_markers(
    page: Page, live_server, events: list[Event]
) -> None:
    open_events_page(page, live_server.url + "/")

    expect(page.locator(".leaflet-basemap-pane path").first).to_be_attached()
    assert page.locator(".leaflet-basemap-pane path").count() > 100
    assert page.locator(".leaflet-tile").count() == 0
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Natural Earth")
    # The outlines lie under the markers, whichever finished loading first.
    outline_layer, marker_layer = page.evaluate(
        """() => [".leaflet-basemap-pane", ".leaflet-overlay-pane"].map(
              (pane) => Number(getComputedStyle(document.querySelector(pane)).zIndex))"""
    )
    assert outline_layer < marker_layer


def test_popup_names_the_event_and_links_its_record(
    page: Page, live_server, events: list[Event]
) -> None:
    maiduguri = events[0]
    open_events_page(page, live_server.url + "/?country=NGA&min_fatalities=5")
    expect(page.locator(MARKERS)).to_have_count(1)

    page.locator(MARKERS).click()

    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Armed clash")
    expect(popup).to_contain_text("Maiduguri")
    expect(popup.get_by_role("link")).to_have_attribute("href", f"/api/v1/events/{maiduguri.pk}")


def test_filter_form_updates_map_and_table_without_reloading(
    page: Page, live_server, events: list[Event]
) -> None:
    open_events_page(page, live_server.url + "/")
    page.evaluate("window.stillTheSamePage = true")

    # When the reader picks Mali and applies the filters
    page.select_option("#f-country", "MLI")
    page.get_by_role("button", name="Apply filters").click()

    # then only the Mali event remains on the map and in the table
    expect(page.locator(MARKERS)).to_have_count(1)
    expect(page.locator("#summary")).to_have_text("1 event, 4 fatalities, in Aug 2019.")
    expect(page.locator(ROWS)).to_have_count(1)
    expect(page.locator(f"{ROWS} td[data-country]")).to_have_attribute("data-country", "MLI")
    # without a page load, and the address bar can be bookmarked.
    assert page.evaluate("window.stillTheSamePage") is True
    assert urlsplit(page.url).query == "country=MLI"


def test_plain_get_url_opens_filtered(page: Page, live_server, events: list[Event]) -> None:
    open_events_page(page, live_server.url + "/?country=NGA&date_from=2019-08-01")

    expect(page.locator("#f-country")).to_have_value("NGA")
    expect(page.locator(MARKERS)).to_have_count(1)
    expect(page.locator(ROWS)).to_have_count(1)


def test_api_refusal_is_shown_to_the_reader(page: Page, live_server, events: list[Event]) -> None:
    open_events_page(page, live_server.url + "/")

    page.fill("#f-date-from", "2020-01-01")
    page.fill("#f-date-to", "2019-01-01")
    page.get_by_role("button", name="Apply filters").click()

    expect(page.locator("#events-browser")).to_have_attribute("data-state", "error")
    expect(page.locator("#summary")).to_contain_text("date_from is after date_to")


def test_no_request_leaves_the_server(page: Page, live_server, events: list[Event]) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    open_events_page(page, live_server.url + "/")
    page.locator(MARKERS).first.click()
    page.wait_for_load_state("networkidle")

    server = urlsplit(live_server.url).netloc
    outside = [url for url in requested if urlsplit(url).scheme != "data"]
    assert {urlsplit(url).netloc for url in outside} == {server}, requested
    assert any(url.endswith("countries-110m.geojson") for url in requested)


def test_page_works_under_a_strict_content_security_policy(
    page: Page, live_server, events: list[Event]
) -> None:
    def add_csp(route: Route) -> None:
        response = route.fetch()
        headers = {**response.headers, "content-security-policy": STRICT_CSP}
        route.fulfill(response=response, headers=headers)

    page.route(live_server.url + "/", add_csp)

    open_events_page(page, live_server.url + "/")

    expect(page.locator(MARKERS)).to_have_count(3)
    expect(page.locator(".leaflet-basemap-pane path").first).to_be_attached()
    assert page.evaluate("window.cspViolations") == []  # recorded by the `page` fixture


def test_page_weighs_under_200_kb_without_leaflet_and_outlines(
    page: Page, live_server, events: list[Event]
) -> None:
    open_events_page(page, live_server.url + "/")
    page.wait_for_load_state("networkidle")

    entries = page.evaluate(
        """() => performance.getEntriesByType('navigation')
              .concat(performance.getEntriesByType('resource'))
              .map(e => [e.name, e.decodedBodySize])"""
    )
    counted = {
        url: size
        for url, size in entries
        if "/static/vendor/leaflet/" not in url and not url.endswith("countries-110m.geojson")
    }
    assert any(url.endswith("/static/web/events.js") for url in counted), counted
    assert sum(counted.values()) < 200_000, counted
