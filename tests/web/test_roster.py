"""A roster manager, in a real browser, finds a French-speaking electoral-dispute mediator
for the Sahel deployable within 72 hours, reads why she ranks first, and deploys her; a
colleague without the role sees the same profile without contact details or nationality."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from tests.personas import make_roster_manager
from tests.web.conftest import _DATABASE_TURN
from vigil.roster import services
from vigil.roster.choices import VettingStatus
from vigil.sharing.choices import TLP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def member(roster, manager, name, nationality, languages, expertise, countries, email):
    added = services.add_member(
        roster=roster,
        actor=manager,
        data=services.MemberInput(
            full_name=name, seniority="senior", gender="woman", nationality=nationality,
            languages=languages, expertise=expertise, regions=["ECOWAS"],
            countries_of_experience=countries, role_types=["mediation_adviser"],
            on_standby=True, joined_on=dt.date(2024, 1, 1), email=email,
        ),
    )  # fmt: skip
    services.record_vetting(
        member=added, status=VettingStatus.CLEARED, decided_on=dt.date(2024, 1, 2),
        actor=manager,
    )  # fmt: skip
    return added


def test_a_manager_finds_and_deploys_a_mediator_and_a_colleague_sees_no_contacts(
    page: Page, browser, live_server, reference_geography, personas
) -> None:
    base = live_server.url
    with _DATABASE_TURN:
        manager = make_roster_manager(personas.ecowas)
        roster = services.create_roster(
            owner_org=personas.ecowas, name="ECOWAS mediation roster", slug="ecowas-mediation",
            actor=manager, tlp=TLP.AMBER, global_south_list=services.load_global_south_list(),
        )  # fmt: skip
        member(roster, manager, "Aïssata Exemple", "SEN", {"fr": 4},
               {"electoral_disputes": 3}, ["MLI", "NER"], "aissata@example.org")  # fmt: skip
        member(roster, manager, "Bintou Specimen", "CIV", {"fr": 3},
               {"electoral_disputes": 1}, [], "bintou@example.org")  # fmt: skip
        member(roster, manager, "Chika Sample", "NGA", {"en": 4},
               {"electoral_disputes": 3}, ["NER"], "chika@example.org")  # fmt: skip

    # Given the roster manager signed in, when she opens the roster from the menu
    sign_in(page, base, "roster_manager")
    page.get_by_role("link", name="Mediation roster").click()
    expect(page.locator("#members-table tbody tr")).to_have_count(3)
    page.get_by_role("link", name="Find candidates").click()

    # and asks for a French-speaking electoral-dispute mediator for the Sahel, in 72 hours
    page.get_by_label("Required language").select_option("fr")
    page.get_by_label("Required expertise").select_option("electoral_disputes")
    page.get_by_label("ECOWAS — Economic Community of West African States").check()
    page.get_by_label("Countries concerned").select_option(["MLI", "NER", "BFA"])
    page.get_by_label("Deployable within 72 hours").check()
    page.get_by_role("button", name="Rank candidates").click()

    # then the shortlist ranks Aïssata first and says why
    shortlist = page.locator("#shortlist")
    expect(shortlist.get_by_role("heading", level=2)).to_contain_text(
        "2 of 3 members meet every requirement"
    )
    first = shortlist.locator("li.candidate").first
    expect(first.get_by_role("heading", level=3)).to_contain_text("Aïssata Exemple")
    expect(first).to_contain_text("Has worked in the countries concerned: MLI, NER")
    expect(first).to_contain_text("aissata@example.org")
    shortlist.get_by_text("1 member excluded").click()
    expect(shortlist.locator("li.excluded")).to_contain_text("Speaks French")

    # and she deploys her from her profile
    first.get_by_role("link", name="Aïssata Exemple").click()
    start = dt.date.today() + dt.timedelta(days=2)
    form = page.locator("#deploy-form")
    form.get_by_label("Mission").fill("Electoral dispute mediation, Niamey")
    form.get_by_label("Requesting organisation").select_option(label="Igad")
    form.get_by_label("Country").select_option("NER")
    form.get_by_label("From").fill(start.isoformat())
    form.get_by_label("To").fill((start + dt.timedelta(days=20)).isoformat())
    form.get_by_role("button", name="Record deployment").click()
    expect(page.get_by_role("status")).to_contain_text("Deployment recorded.")
    expect(page.locator("#calendar")).to_contain_text("deployed")
    expect(page.locator("#deployable")).to_contain_text("committed")

    # A colleague without the role sees the profile, not the contact details or nationality
    colleague = browser.new_context(locale="en-US")
    other = colleague.new_page()
    sign_in(other, base, "analyst")
    other.goto(base + "/roster/ecowas-mediation/")
    expect(other.locator("#members-table")).to_contain_text("Aïssata Exemple")
    expect(other.locator("#members-table")).not_to_contain_text("aissata@example.org")
    expect(other.locator(".nationality")).to_have_count(0)
    colleague.close()
