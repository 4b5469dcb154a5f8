"""From a monitor's phone to the analysts' map, in a real browser against a live server.

A monitor, tried as a new user would, signs in through the sign-in page and sends a report
from a phone-sized window, picking the place on the map; an analyst of the same organisation
verifies it from the review queue. The verified event then appears on the events browser's
map for those the report's TLP:AMBER lets see it, and for nobody else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.web.conftest import (
    _DATABASE_TURN,
    RECORD_CSP_VIOLATIONS,
)
from vigil.events.models import Event
from vigil.fieldreports.models import FieldReport
from vigil.geo.models import AdminArea

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"
PHONE = {"width": 375, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
# The form page must stay light for a phone on a slow connection (map tiles and the country
# outlines, fetched only when the map is opened, are not counted).
PAGE_BUDGET = 200 * 1024
MARKERS = "#map path.leaflet-interactive.vigil-event"
ROWS = "#events-table tbody tr[data-event-id]"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


@pytest.fixture
def open_page(browser: Browser, settings, tmp_path) -> Iterator[Callable[..., Page]]:
    """A fresh browser context per person. Any JavaScript error or Content-Security-Policy
    refusal on any page any of them opens fails the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    opened: list[tuple[object, Page]] = []
    problems: list[str] = []

    def open_page(viewport: dict[str, int] = DESKTOP, **options: object) -> Page:
        context = browser.new_context(locale="en-US", viewport=viewport, **options)
        context.set_default_timeout(15_000)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"CSP: {message.text}")
                if "Content Security Policy" in message.text
                else None
            ),
        )
        opened.append((context, page))
        return page

    yield open_page
    for context, page in opened:
        if not page.is_closed():
            problems.extend(f"CSP: {v}" for v in page.evaluate("window.cspViolations || []"))
        context.close()
    # A request a closed page left running must finish before the database is flushed.
    with _DATABASE_TURN:
        pass
    assert not problems, problems


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def events_on_the_map(page: Page, base_url: str) -> int:
    """How many events the events browser shows for Nigeria, once it has loaded."""
    page.goto(base_url + "/?country=NGA")
    expect(page.locator("#events-browser")).to_have_attribute("data-state", "ready")
    markers = page.locator(MARKERS).count()
    assert page.locator(ROWS).count() == markers
    return markers


def page_weight(responses: list[Response]) -> dict[str, int]:
    """Bytes transferred per URL path (body and headers), leaving out map data and tiles."""
    weights: dict[str, int] = {}
    for response in responses:
        path = urlsplit(response.url).path
        if path.endswith(".geojson") or "/tiles/" in path:
            continue
        sizes = response.request.sizes()
        weights[path] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
    return weights


def test_a_monitor_reports_from_a_phone_and_only_those_allowed_see_the_verified_event(
    open_page: Callable[..., Page], live_server, reference_geography, personas
) -> None:
    base = live_server.url
    yesterday = dt.date.today() - dt.timedelta(days=1)
    with _DATABASE_TURN:
        borno = AdminArea.objects.create(country_id="NGA", level=1, name="Borno", key="borno")

    # Given a monitor on a phone who signs in from the home page, as anyone new would
    phone = open_page(PHONE)
    phone.goto(base + "/")
    phone.get_by_role("link", name="Sign in").click()
    phone.get_by_label("Username").fill("monitor")
    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Sign in").click()
    phone.get_by_role("link", name="My reports").click()

    # when they open the report form, it is light enough for a slow connection, even on a
    # first visit with nothing cached
    cold = open_page(PHONE, storage_state=phone.context.storage_state())
    responses: list[Response] = []

    def record(response: Response) -> None:
        responses.append(response)

    cold.on("response", record)
    cold.goto(base + "/reports/new/")
    cold.wait_for_load_state("networkidle")
    weights = page_weight(responses)
    total = sum(weights.values())
    print(f"\nreport form page weight, cold cache: {total:,} bytes {weights}")
    assert "/static/vendor/htmx/htmx.min.js" in weights  # measured with its assets
    assert total < PAGE_BUDGET, weights
    assert not any("leaflet" in path for path in weights), "Leaflet loads only on demand"
    cold.context.close()
    phone.get_by_role("link", name="New report").click()

    # and they fill it in by its labels, picking the place on the map
    phone.get_by_label("When did it happen?").fill(yesterday.isoformat())
    phone.get_by_label("Country", exact=True).select_option(label="Nigeria")
    # the region list follows the country (htmx asks the server for Nigeria's areas)
    phone.get_by_label("Region, state or province").select_option(label="Borno")
    phone.get_by_label("Place (town, village, landmark)").fill("Kawuri market")
    phone.get_by_role("button", name="Pick on map").click()
    picker = phone.locator("#map-picker")
    expect(picker).to_have_attribute("data-state", "ready")
    expect(phone.locator("#picker-map .leaflet-basemap-pane path").first).to_be_attached()
    phone.locator("#picker-map").click()  # the middle of the map: it is framed on Nigeria
    expect(phone.get_by_label("Latitude")).not_to_have_value("")
    expect(phone.locator("#picker-map path.picked-point")).to_have_count(1)
    latitude = float(phone.get_by_label("Latitude").input_value())
    longitude = float(phone.get_by_label("Longitude").input_value())
    assert 4 < latitude < 14
    assert 2.5 < longitude < 15
    phone.get_by_label("What happened?").select_option(label="Armed clash")
    phone.get_by_label("Who acted").fill("Unidentified gunmen")
    phone.get_by_label("Against whom").fill("Market traders")
    phone.get_by_label("People killed").fill("4")
    phone.get_by_label("People injured").fill("7")
    phone.get_by_label("Description").fill("Gunmen on motorcycles attacked the market at dawn.")
    phone.get_by_label("Sources").fill("Two traders, by phone")
    phone.get_by_label("Photos and documents").set_input_files(
        files=[{"name": "market.png", "mimeType": "image/png", "buffer": PNG}]
    )
    phone.get_by_label("How credible is this information?").select_option(label="2 — probably true")
    expect(phone.get_by_label("TLP:AMBER — your organisation")).to_be_checked()
    phone.get_by_role("button", name="Send the report").click()

    # then the report's page confirms it
    expect(phone.get_by_text("Report received")).to_be_visible()
    expect(phone.locator(".marks .status")).to_have_text("Submitted")
    with _DATABASE_TURN:
        report = FieldReport.objects.select_related("admin1").get()
        attachment = report.attachments.get()
    assert (report.monitor_id, report.tlp, report.credibility) == (personas.monitor.pk, "AMBER", 2)
    assert report.latitude == pytest.approx(latitude)
    assert report.admin1 == borno
    assert attachment.original_name == "market.png"

    # When an analyst of the same organisation opens it from the review queue
    desk = open_page()
    sign_in(desk, base, "analyst")
    desk.get_by_role("link", name="Review queue").click()
    desk.get_by_role("link", name=f"#{report.pk}").click()
    expect(desk.get_by_role("link", name="market.png")).to_be_visible()
    # and verifies it, grading the source B
    desk.get_by_label("Reliability of the source").select_option(label="B — usually reliable")
    desk.get_by_role("button", name="Verify", exact=True).click()

    # then the report is verified as an event graded B2
    expect(desk.get_by_text("Decision recorded: Verified.")).to_be_visible()
    expect(desk.locator(".grade")).to_contain_text("B2")
    with _DATABASE_TURN:
        event = Event.objects.get()
    assert (event.tlp, event.reliability, event.credibility) == ("AMBER", "B", 2)

    # and the event is on the map for the analyst and the monitor
    assert events_on_the_map(desk, base) == 1
    assert events_on_the_map(phone, base) == 1
    # but not for an analyst of another organisation, nor for an anonymous visitor.
    other = open_page()
    sign_in(other, base, "other_org_analyst")
    assert events_on_the_map(other, base) == 0
    anonymous = open_page()
    assert events_on_the_map(anonymous, base) == 0
    expect(anonymous.locator("#summary")).to_have_text("No events match these filters.")
