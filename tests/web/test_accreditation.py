"""A CSO's accreditation, walked in a real browser against a live server.

A member of a Liberian CSO, tried as a new user would, signs in, opens the accreditation
page and applies to the Mano River Union through the form (statutes and funding sources
included); the eligibility check is shown criterion by criterion. Liberia's focal point
approves from the review queue; Sierra Leone's objects, with reasons. Guinea and Côte
d'Ivoire stay silent, so the review closes at the deadline (the daily job), and the
decision follows the scheme's configured rule: under consensus the objection blocks, under
majority one objection in four does not. The applicant then sees the result on its
application's status page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import Browser, Page, expect

from tests.personas import make_accreditation_personas
from tests.web.conftest import _DATABASE_TURN, RECORD_CSP_VIOLATIONS
from vigil.actors.choices import DecisionRule
from vigil.actors.models import AccreditationApplication

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n% statutes of the Liberia Peace Network\n" + b"0" * 128


@pytest.fixture
def open_page(browser: Browser, settings, tmp_path) -> Iterator[Callable[[], Page]]:
    """A fresh browser context per person; JavaScript errors and CSP refusals fail the test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    opened: list[Page] = []
    problems: list[str] = []

    def open_page() -> Page:
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        context.add_init_script(RECORD_CSP_VIOLATIONS)
        page = context.new_page()
        page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))
        opened.append(page)
        return page

    yield open_page
    for page in opened:
        if not page.is_closed():
            problems.extend(f"CSP: {v}" for v in page.evaluate("window.cspViolations || []"))
        page.context.close()
    with _DATABASE_TURN:
        pass
    assert not problems, problems


def sign_in(page: Page, base_url: str, username: str, then: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={then}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def review(page: Page, base_url: str, username: str, verdict: str, reasons: str = "") -> None:
    """A focal point opens the queue, then the application, and records a verdict."""
    sign_in(page, base_url, username, "/actors/accreditation/")
    page.locator("#review-queue-link").click()
    expect(page.locator("#review-queue")).to_contain_text("Liberia Peace Network")
    page.get_by_role("link", name="Liberia Peace Network").click()
    expect(page.locator("#eligibility")).to_contain_text("Funds from members")
    page.get_by_label(verdict, exact=True).check()
    if reasons:
        page.get_by_label("Reasons").fill(reasons)
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Your review is recorded.")).to_be_visible()


@pytest.mark.parametrize(
    ("rule", "status", "explanation"),
    [
        (DecisionRule.CONSENSUS, "Not approved", "Consensus needs all 4 member states"),
        (DecisionRule.MAJORITY, "Approved — registered", "1 of 4 member states objected"),
    ],
)
def test_a_cso_applies_two_states_review_and_the_configured_rule_decides(
    open_page: Callable[[], Page], live_server, rule: str, status: str, explanation: str
) -> None:
    base = live_server.url
    with _DATABASE_TURN:
        make_accreditation_personas(
            decision_rule=rule, min_member_funding_share=Decimal(50), review_days=30
        )

    # Given a member of a Liberian CSO who opens the accreditation page
    applicant = open_page()
    sign_in(applicant, base, "cso_applicant", "/actors/accreditation/")
    expect(applicant.locator("#schemes")).to_contain_text("Mano River Union")
    applicant.locator("#apply-MRU").click()

    # when they fill in the application by its labels, with statutes and funding sources
    expect(applicant.locator("#scheme-criteria")).to_contain_text("50% of funds from members")
    applicant.get_by_label("Profile").fill("Community early warning in Lofa and Nimba counties.")
    applicant.get_by_label("Year founded").fill("2004")
    applicant.get_by_label("Country of registration").select_option(label="Liberia")
    applicant.get_by_label("Registration number").fill("LR-CSO-0042")
    applicant.get_by_label("Statutes (PDF, DOCX or ODT)").set_input_files(
        files=[{"name": "statutes.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    applicant.get_by_label("Governance").fill("A board of seven elected every two years.")
    applicant.get_by_label("References").fill("UNDP Liberia\nWANEP Regional Secretariat")
    applicant.locator("#id_funding-0-source").fill("Members' dues")
    applicant.locator("#id_funding-0-amount").fill("6500")
    applicant.locator("#id_funding-0-from_members").check()
    applicant.locator("#id_funding-1-source").fill("Foundation grant")
    applicant.locator("#id_funding-1-amount").fill("3500")
    applicant.get_by_role("button", name="Submit application").click()

    # then its status page shows the application under review and every criterion met
    expect(applicant.get_by_text("Application received.")).to_be_visible()
    expect(applicant.locator("#application-status")).to_have_text(
        "Submitted — under review by member states"
    )
    funding = applicant.locator('#eligibility [data-criterion="member_funding"]')
    expect(funding).to_contain_text("65.00%")
    expect(funding).to_contain_text("met")
    expect(applicant.locator("#member-states tbody tr")).to_have_count(4)

    # When Liberia's focal point approves and Sierra Leone's objects, with reasons
    review(open_page(), base, "liberia_focal_point", "Approve")
    review(
        open_page(),
        base,
        "sierra_leone_focal_point",
        "Object",
        "The network is not registered with our Ministry of Social Welfare.",
    )

    # the review stays open while Guinea and Côte d'Ivoire have not answered
    applicant.reload()
    expect(applicant.locator("#application-status")).to_contain_text("Submitted")
    expect(applicant.locator('#member-states [data-country="SLE"]')).to_contain_text("Objects")

    # and when the deadline passes, the daily job applies the configured rule
    with _DATABASE_TURN:
        application = AccreditationApplication.objects.get()
        day_after = application.review_deadline + dt.timedelta(days=1)
        call_command("decide_accreditations", f"--today={day_after.isoformat()}")

    # Then the applicant sees the decision, explained, and the objection's reasons
    applicant.goto(f"{base}/actors/accreditation/")
    applicant.locator("#my-applications a").first.click()
    expect(applicant.locator("#application-status")).to_have_text(status)
    expect(applicant.locator("#decision-explanation")).to_contain_text(explanation)
    expect(applicant.locator("#reviews")).to_contain_text("Ministry of Social Welfare")
    with _DATABASE_TURN:
        application.refresh_from_db()
        steps = [s.status for s in application.steps.all()]
        registered = hasattr(application, "registration")
    assert steps[0] == "submitted"
    assert len(steps) == 2
    assert registered == (rule == DecisionRule.MAJORITY)
    if registered:
        expect(applicant.locator("#registered-until")).to_be_visible()
