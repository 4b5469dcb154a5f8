"""An analyst, in a real browser, subscribes to French alerts about Nigeria from the nav link,
sees the subscription listed, and unsubscribes; the page breaks no Content-Security-Policy."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import _DATABASE_TURN
from vigil.dissemination.models import Subscription

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_analyst_subscribes_and_unsubscribes(page, live_server, reference_geography, personas):
    with _DATABASE_TURN:
        personas.analyst.email = "analyst@ecowas.example"
        personas.analyst.save()
    sign_in(page, live_server.url, "analyst")

    page.get_by_role("link", name="Subscriptions").click()
    expect(page.get_by_text("You have no subscription yet.")).to_be_visible()
    form = page.locator("form.subscription-form")
    form.get_by_label("Regional organisation").select_option("ECOWAS")
    form.get_by_label("Country").select_option(label="Nigeria")
    form.get_by_label("What to receive").select_option("alert")
    form.get_by_label("Alerts from this severity up").select_option("Severe")
    form.get_by_label("Language").select_option("fr")
    form.get_by_role("button", name="Subscribe").click()

    expect(page.get_by_text("Subscribed.")).to_be_visible()
    row = page.locator("table.subscriptions tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Nigeria")
    expect(row).to_contain_text("French")
    with _DATABASE_TURN:
        subscription = Subscription.objects.get(user=personas.analyst)
    assert (subscription.region_id, subscription.country_id, subscription.kind) == (
        "ECOWAS",
        "NGA",
        "alert",
    )

    row.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_text("Unsubscribed.")).to_be_visible()
    with _DATABASE_TURN:
        assert not Subscription.objects.exists()
