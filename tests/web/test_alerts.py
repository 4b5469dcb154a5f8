"""An alert in a real browser: an analyst issues a draft, and anyone then reads it — the
Arabic text right-to-left, the area on the map — under a strict Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.alerts.conftest import alert_input
from tests.web.conftest import RECORD_CSP_VIOLATIONS
from vigil.alerts import services
from vigil.alerts.models import Alert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_analyst_issues_a_draft_and_the_public_reads_arabic_right_to_left(
    page: Page, browser, live_server, reference_geography, personas, tmp_path
):
    draft = services.raise_alert(actor=personas.analyst, data=alert_input())
    base = live_server.url

    sign_in(page, base, "analyst")
    page.goto(f"{base}/alerts/{draft.pk}/")
    page.get_by_role("button", name="Issue the alert").click()
    expect(page.locator(".marks .status")).to_have_text("Issued")
    assert Alert.objects.get(pk=draft.pk).status == "issued"

    public = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    public.add_init_script(RECORD_CSP_VIOLATIONS)
    reader = public.new_page()
    errors: list[str] = []
    reader.on("pageerror", lambda error: errors.append(str(error)))
    reader.goto(f"{base}/alerts/{draft.pk}/")
    arabic = reader.locator('section.alert-info[lang="ar"]')
    english = reader.locator('section.alert-info[lang="en"]')
    expect(arabic.get_by_role("heading")).to_have_text("اشتباكات تمتد في بورنو")

    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert english.evaluate("el => getComputedStyle(el).direction") == "ltr"
    # Right-to-left text starts at the right edge of its block.
    box = arabic.bounding_box()
    heading = arabic.get_by_role("heading").evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); "
        "const b = r.getBoundingClientRect(); return {left: b.left, right: b.right}; }"
    )
    assert box["x"] + box["width"] - heading["right"] < 40
    assert heading["left"] - box["x"] > 40

    shot = tmp_path / "arabic-alert.png"
    arabic.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 2_000

    # The area is drawn: the polygon and the circle from the alert.
    expect(reader.locator("#alert-map[data-state='ready']")).to_be_attached()
    expect(reader.locator("#alert-map path.leaflet-interactive")).to_have_count(2)
    cap = reader.request.get(f"{base}/alerts/{draft.pk}.cap.xml")
    assert cap.ok
    assert b"<msgType>Alert</msgType>" in cap.body()
    violations = reader.evaluate("window.cspViolations")
    public.close()
    assert not errors
    assert not violations
