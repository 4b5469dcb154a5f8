"""From warning to first response, in a real browser against a live server.

An ECOWAS analyst issues a TLP:AMBER alert about Borno from its page; three days pass
with nothing done, and the gap page lists it as waiting. The analyst proposes an option
from the library and assigns WANEP Nigeria as lead responder (which shares the alert with
WANEP); WANEP's coordinator, who could not see the alert before, records the mediation it
started; the gap page then shows three days from warning to first action, and an IGAD
analyst still sees none of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.factories import MembershipFactory, UserFactory
from tests.web.conftest import _DATABASE_TURN, RECORD_CSP_VIOLATIONS
from vigil.actors.choices import Role
from vigil.alerts.models import Alert
from vigil.alerts.services import AlertInput, InfoInput, raise_alert
from vigil.responses.models import ResponseAction
from vigil.responses.services import load_response_options
from vigil.sharing.choices import TLP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """A fresh browser context per person; JavaScript errors and CSP refusals fail the test."""
    opened: list[tuple[object, Page]] = []
    problems: list[str] = []

    def open_page() -> Page:
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        opened.append((context, page))
        return page

    yield open_page
    for context, page in opened:
        if not page.is_closed():
            problems.extend(f"CSP: {v}" for v in page.evaluate("window.cspViolations || []"))
        context.close()
    with _DATABASE_TURN:
        pass
    assert not problems, problems


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_an_alert_walks_from_issue_to_first_response(
    open_page: Callable[[], Page], live_server, reference_geography, personas
) -> None:
    base = live_server.url
    with _DATABASE_TURN:
        load_response_options()  # transactional tests start from an empty table
        coordinator = UserFactory(username="wanep_coordinator")
        MembershipFactory(user=coordinator, organisation=personas.wanep, role=Role.ANALYST)
        # Given a draft alert the ECOWAS analyst wrote
        draft = raise_alert(
            actor=personas.analyst,
            data=AlertInput(
                event="Clashes spread in Borno",
                infos=[InfoInput("en", "Clashes spread in Borno", "Armed clashes in Borno.")],
                region_id="ECOWAS",
                country_ids=["NGA"],
                tlp=TLP.AMBER,
            ),
        )

    # which the analyst issues from the alert's page
    desk = open_page()
    sign_in(desk, base, "analyst")
    desk.goto(f"{base}/alerts/{draft.pk}/")
    desk.get_by_role("button", name="Issue the alert").click()
    expect(desk.locator(".marks .status")).to_have_text("Issued")
    with _DATABASE_TURN:
        alert = Alert.objects.get(pk=draft.pk)
        assert alert.issued_at is not None
        # and three days pass in which nobody acts on it.
        Alert.objects.filter(pk=alert.pk).update(issued_at=alert.issued_at - dt.timedelta(days=3))

    # The analyst finds it on the gap page, waiting for three days
    desk.get_by_role("link", name="Warning to action").click()
    waiting = desk.locator("#open-gaps tbody tr", has_text="Clashes spread in Borno")
    expect(waiting.locator("td.num")).to_have_text("3")
    expect(desk.locator("#censoring-note")).to_contain_text("issued more than 7 days ago")
    waiting.get_by_role("link", name="Clashes spread in Borno").click()
    expect(desk.locator("#time-to-action")).to_have_text("none yet — waiting 3 days")

    # and proposes insider mediation from the library
    desk.get_by_label("Response option", exact=True).select_option(
        label="Mediation: Insider and community mediation"
    )
    desk.get_by_label("Why this option").fill("Local peace committees have calmed Kawuri before.")
    desk.get_by_role("button", name="Propose", exact=True).click()
    expect(desk.get_by_text("Option proposed.")).to_be_visible()
    expect(desk.locator("#proposals li")).to_contain_text("Insider and community mediation")

    # WANEP's coordinator cannot see the AMBER alert yet
    field = open_page()
    sign_in(field, base, "wanep_coordinator")
    before = field.goto(base + f"/responses/alerts/{alert.pk}/")
    assert before is not None
    assert before.status == 404

    # until the analyst assigns WANEP Nigeria as lead responder, which shares it with WANEP.
    expect(desk.get_by_text("shares this TLP:AMBER alert")).to_be_visible()
    desk.get_by_label("Organisation", exact=True).select_option(label=personas.wanep.name)
    desk.get_by_label("Role", exact=True).select_option(label="Lead responder")
    desk.get_by_role("button", name="Assign", exact=True).click()
    expect(desk.get_by_text("Responder assigned.")).to_be_visible()
    expect(desk.locator("#responders li")).to_contain_text("Lead responder")

    # When WANEP's coordinator opens the alert from the gap page
    field.goto(base + "/responses/")
    field.get_by_role("link", name="Clashes spread in Borno").first.click()
    # they may record an action but not steer the response
    expect(field.get_by_role("button", name="Propose", exact=True)).to_have_count(0)
    # and record the mediation they started today
    field.get_by_label("Option carried out").select_option(
        label="Mediation: Insider and community mediation"
    )
    field.get_by_label("What was done or is planned").fill(
        "Peace committee convened with both communities in Kawuri."
    )
    field.get_by_label("Status", exact=True).select_option(label="Under way")
    field.get_by_label("Started on").fill(timezone.localdate().isoformat())
    field.get_by_role("button", name="Record the action").click()

    # then the alert's page shows how long the warning waited
    expect(field.get_by_text("Action recorded.")).to_be_visible()
    expect(field.locator("#time-to-action")).to_contain_text("3 days after the warning")
    with _DATABASE_TURN:
        action = ResponseAction.objects.get()
        steps = list(action.status_changes.values_list("to_status", flat=True))
    assert (action.responder_id, action.recorded_by_id) == (personas.wanep.pk, coordinator.pk)
    assert steps == ["under_way"]

    # and the gap page counts it: three days to first action, no open gap left, and the
    # 7-day share not yet decided because the alert is only three days old.
    desk.get_by_role("link", name="Warning to action").click()
    expect(desk.locator('#overall [data-figure="acted"]')).to_have_text("1")
    expect(desk.locator('#overall [data-figure="median"]')).to_contain_text("3")
    expect(desk.locator('#overall [data-figure="within-7"]')).to_contain_text(
        "none eligible yet +1 too recent"
    )
    counted = desk.locator("#counted tbody tr", has_text="Clashes spread in Borno")
    expect(counted.locator("td.num")).to_have_text("3")
    expect(desk.locator("#open-gaps")).to_contain_text("Every issued alert has had an action.")
    expect(desk.locator("#by-responder tbody tr").first).to_contain_text(personas.wanep.name)

    # An IGAD analyst sees neither the alert nor its response.
    other = open_page()
    sign_in(other, base, "other_org_analyst")
    other.goto(base + "/responses/")
    expect(other.locator("#counted")).not_to_contain_text("Clashes spread in Borno")
    response = other.goto(base + f"/responses/alerts/{alert.pk}/")
    assert response is not None
    assert response.status == 404
