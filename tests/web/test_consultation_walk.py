"""From a CSO's application for accreditation to a tracked mandate, in a real browser.

The walk of the issue, tried as new users would: a Pacific CSO finds a call for papers of
the Forum's Regional Security Committee, learns it must be accredited first and applies; the
focal points of two member states review — Fiji approves, Samoa objects with reasons — and
the Forum's rule (majority: blocked only if half the member states or more object) decides
once the review period ends with Tonga silent; the approved CSO submits a paper with two
recommendations; the committee's secretariat considers it, endorses one recommendation
(which becomes a mandate for the Forum Secretariat) and declines the other with reasons;
the mandate appears on the tracker and the CSO sees where its paper stands.

The application and reviews use the actors app's pages; the rest uses the consultation pages.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from collections.abc import Callable, Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.factories import CountryFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.web.conftest import _DATABASE_TURN, RECORD_CSP_VIOLATIONS
from vigil.actors.choices import DecisionRule, OrganisationKind, Role
from vigil.consultations import services
from vigil.consultations.models import Mandate, Submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


@pytest.fixture
def open_page(browser: Browser, settings, tmp_path) -> Iterator[Callable[[], Page]]:
    """A fresh browser context per person; any JavaScript error or CSP refusal fails the test.

    The actors app's pages are served through its test URLconf until the project mounts
    them (that URLconf adds nothing once it does)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    if importlib.util.find_spec("tests.actors.urls") is not None:
        settings.ROOT_URLCONF = "tests.actors.urls"
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


def sign_in(page: Page, base_url: str, username: str, then: str) -> None:
    """Open `then`; sign in from its "Sign in" link, or from the sign-in page it sends to."""
    page.goto(base_url + then)
    if "/accounts/login/" not in page.url:
        page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def forum_with_committee() -> dict:
    """The Forum with three member states, its accreditation scheme (majority rule), the
    Regional Security Committee with a meeting in a month and an open call for papers."""
    from vigil.actors.models import AccreditationScheme
    from vigil.geo.models import RegionalOrganisation, RegionMembership

    region, _ = RegionalOrganisation.objects.get_or_create(
        code="PIF", defaults={"name": "Pacific Islands Forum"}
    )
    states = {}
    for iso3, iso2, name in (("FJI", "FJ", "Fiji"), ("WSM", "WS", "Samoa"), ("TON", "TO", "Tonga")):
        country = CountryFactory(iso3=iso3, iso2=iso2, name=name)
        RegionMembership.objects.create(
            organisation=region, country=country, joined=dt.date(1971, 8, 5)
        )
        states[iso3] = OrganisationFactory(
            slug=name.lower(), name=name, kind=OrganisationKind.MEMBER_STATE, country=country
        )
    AccreditationScheme.objects.create(
        regional_organisation=region,
        decision_rule=DecisionRule.MAJORITY,
        review_days=30,
        require_statutes=False,
        min_references=0,
        submit_written_input=True,
        written_input_word_limit=1500,
    )
    forum = OrganisationFactory(
        slug="forum-secretariat",
        name="Pacific Islands Forum Secretariat",
        kind=OrganisationKind.REGIONAL_ORGANISATION,
        regional_organisation=region,
    )
    cso = OrganisationFactory(
        slug="pacific-women-mediators",
        name="Pacific Women Mediators",
        kind=OrganisationKind.CSO,
        country=states["FJI"].country,
    )

    def member(username: str, organisation, role: str):
        user = UserFactory(username=username, email=f"{username}@example.org")
        MembershipFactory(user=user, organisation=organisation, role=role)
        return user

    people = {
        "secretary": member("rsc_secretary", forum, Role.SECRETARIAT),
        "fiji": member("fiji_focal_point", states["FJI"], Role.FOCAL_POINT),
        "samoa": member("samoa_focal_point", states["WSM"], Role.FOCAL_POINT),
        "cso": member("pwm_officer", cso, Role.ORG_ADMIN),
    }
    body = services.create_body(
        actor=people["secretary"],
        owner_org=forum,
        regional_organisation_id="PIF",
        slug="rsc",
        name="Regional Security Committee",
        email="rsc@forumsec.example",
    )
    for state in states.values():
        services.seat_member(body=body, organisation=state, actor=people["secretary"])
    starts = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=30)
    meeting = services.schedule_meeting(
        body=body,
        actor=people["secretary"],
        title="Regional Security Committee, 26th meeting",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=7),
        place="Suva, Fiji",
        agenda=["Regional security outlook", "Climate security"],
    )
    services.open_call(
        meeting=meeting,
        actor=people["secretary"],
        topic="Climate security and community early warning",
        opens_at=timezone.now() - dt.timedelta(hours=1),
        closes_at=starts - dt.timedelta(days=7),
        word_limit=800,
    )
    return {"people": people, "meeting": meeting, "cso": cso}


def test_a_cso_is_accredited_submits_a_paper_and_one_recommendation_becomes_a_mandate(
    open_page: Callable[[], Page], live_server
) -> None:
    base = live_server.url
    with _DATABASE_TURN:
        world = forum_with_committee()
    meeting = world["meeting"]

    # Given a CSO officer who finds the committee's open call and is told to apply first,
    cso = open_page()
    sign_in(cso, base, "pwm_officer", then="/consultations/")
    cso.get_by_role("link", name="Climate security and community early warning").click()
    expect(cso.get_by_role("note")).to_contain_text("not accredited")
    expect(cso.get_by_role("link", name="Submit a paper")).to_have_count(0)
    cso.get_by_role("link", name="Apply for accreditation").click()

    # when they apply with the Forum,
    expect(cso.get_by_role("heading", level=1)).to_contain_text("Pacific Islands Forum")
    cso.get_by_label("Profile").fill(
        "Women mediators working with village councils on land and climate disputes."
    )
    cso.get_by_label("Country of registration").select_option("FJI")
    cso.get_by_label("Governance").fill("An elected board of nine; audited accounts.")
    cso.get_by_role("button", name="Submit application").click()
    expect(cso.locator("#application-status")).to_contain_text("Submitted")
    application_url = cso.url

    # and Fiji's focal point approves while Samoa's objects, with reasons,
    for username, verdict, reasons in (
        ("fiji_focal_point", "Approve", ""),
        ("samoa_focal_point", "Object", "Its statutes do not name who appoints the board."),
    ):
        reviewer = open_page()
        sign_in(reviewer, base, username, then="/actors/accreditation/reviews/")
        reviewer.get_by_role("link", name="Pacific Women Mediators").click()
        reviewer.get_by_label(verdict).check()
        if reasons:
            reviewer.get_by_label("Reasons").fill(reasons)
        reviewer.get_by_role("button", name="Record review").click()
        expect(reviewer.get_by_text("Your review is recorded.")).to_be_visible()

    # then the review stays open while Tonga has not reviewed and time remains;
    cso.goto(application_url)
    expect(cso.locator("#application-status")).to_contain_text("Submitted")
    expect(cso.locator("#member-states")).to_contain_text("Objects")

    # once the review period ends (the daily job decides due applications), the majority
    # rule approves: one objection out of three member states is less than half.
    from vigil.actors import accreditation
    from vigil.actors.models import AccreditationApplication

    with _DATABASE_TURN:
        AccreditationApplication.objects.update(
            review_deadline=timezone.localdate() - dt.timedelta(days=1)
        )
        accreditation.decide_due_applications()
    cso.reload()
    expect(cso.locator("#application-status")).to_contain_text("Approved")
    expect(cso.locator("#registered-until")).to_be_visible()

    # The approved CSO now submits a paper with two recommendations, within the word limit;
    cso.goto(base + "/consultations/")
    cso.get_by_role("link", name="Climate security and community early warning").click()
    cso.get_by_role("link", name="Submit a paper").click()
    cso.get_by_label("Title of the paper").fill("Community early warning for climate hotspots")
    cso.get_by_label("Paper", exact=True).fill(
        "Sea-level rise is displacing coastal villages and straining customary land tenure. "
        "Village councils already warn of disputes weeks before they turn violent."
    )
    cso.get_by_label("Recommendations — one per line").fill(
        "Fund community early-warning focal points in every member state.\n"
        "Hold an annual dialogue with civil society before each committee meeting."
    )
    expect(cso.locator("#word-count")).to_have_text("42 of 800 words")
    cso.get_by_role("button", name="Submit the paper").click()
    expect(cso.get_by_text("Your paper was received.")).to_be_visible()
    with _DATABASE_TURN:
        submission = Submission.objects.get()
    assert submission.owner_org == world["cso"]
    assert submission.word_count == 42

    # the committee's secretariat considers it, endorses the first recommendation as a
    # mandate for the Forum Secretariat, and declines the second with reasons;
    secretary = open_page()
    sign_in(secretary, base, "rsc_secretary", then="/consultations/")
    secretary.get_by_role("link", name="Papers to review").first.click()
    secretary.get_by_role("link", name="Community early warning for climate hotspots").click()
    secretary.get_by_role("button", name="Mark as considered").click()
    expect(secretary.locator("#paper-status")).to_have_text("Considered")
    first, second = (
        secretary.locator("li.recommendation").nth(0),
        secretary.locator("li.recommendation").nth(1),
    )
    deadline = (timezone.localdate() + dt.timedelta(days=180)).isoformat()
    endorse = first.locator("form.decision-endorse")
    expect(endorse.get_by_label("Mandate owner")).to_have_value(
        str(submission.call.meeting.body.owner_org_id)
    )
    endorse.get_by_label("Unit or office").fill("Political and Security Programme")
    endorse.get_by_label("Deadline").fill(deadline)
    endorse.get_by_role("button", name="Endorse").click()
    expect(secretary.get_by_text("Recommendation 1: Endorsed.")).to_be_visible()
    decline = secretary.locator("li.recommendation").nth(1).locator("form.decision-decline")
    decline.get_by_role("button", name="Do not endorse").click()
    expect(decline.get_by_text("Say why the recommendation is not endorsed.")).to_be_visible()
    decline.get_by_label("Reasons").fill("The Forum's annual CSO dialogue already does this.")
    decline.get_by_role("button", name="Do not endorse").click()
    expect(secretary.locator("#paper-status")).to_have_text("Endorsed")
    expect(second).to_contain_text("Not endorsed")

    # then the endorsed recommendation is a tracked mandate with its owner and deadline,
    with _DATABASE_TURN:
        mandate = Mandate.objects.get()
    assert mandate.recommendation.position == 1
    assert mandate.endorsed_at_meeting == meeting
    secretary.get_by_role("link", name=f"Mandate #{mandate.pk}").click()
    expect(secretary.locator("#mandate-status")).to_have_text("Not started")
    secretary.get_by_role("link", name="Mandates tracker").click()
    row = secretary.locator(f'tr[data-mandate-id="{mandate.pk}"]')
    expect(row).to_contain_text("Pacific Islands Forum Secretariat")
    expect(row).to_contain_text(deadline)
    expect(row).to_contain_text("Not started")

    # and the CSO sees where its paper stands.
    cso.get_by_role("link", name="My papers").click()
    expect(cso.locator(f'tr[data-submission-id="{submission.pk}"]')).to_contain_text("Endorsed")
