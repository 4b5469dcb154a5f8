"""Ranked, explained matching: "a French-speaking mediator with electoral dispute experience
for the Sahel, deployable within 72 hours"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.roster.conftest import add
from vigil.roster import selectors, services
from vigil.roster.choices import DiversityPreference, Gender, Proficiency, Seniority
from vigil.roster.matching import MatchRequest

SAHEL = ["MLI", "NER", "BFA", "TCD", "MRT"]


def sahel_request(**changes) -> MatchRequest:
    today = timezone.localdate()
    values = {
        "start_date": today,
        "deploy_by": today + dt.timedelta(days=3),
        "duration_days": 30,
        "required_languages": {"fr": Proficiency.FLUENT},
        "required_expertise": ["electoral_disputes"],
        "preferred_expertise": ["dialogue"],
        "regions": ["ECOWAS"],
        "countries": SAHEL,
        "within_72_hours": True,
    }
    values.update(changes)
    return MatchRequest(**values)


@pytest.fixture
def sahel_roster(world):
    today = timezone.localdate()
    people = {
        "best": add(
            world,
            "Aïssata Best",
            languages={"fr": 4, "en": 3},
            expertise={"electoral_disputes": 3, "dialogue": 3},
            regions=["ECOWAS"],
            countries=["MLI", "NER"],
        ),
        "no_sahel": add(
            world,
            "Bernard Nosahel",
            gender=Gender.MAN,
            nationality="FRA",
            languages={"fr": 4},
            expertise={"electoral_disputes": 2},
            countries=["HTI"],
        ),
        "english_only": add(
            world,
            "Chidi Englishonly",
            nationality="NGA",
            languages={"en": 4},
            expertise={"electoral_disputes": 3},
            regions=["ECOWAS"],
            countries=["NER"],
        ),
        "deployed": add(
            world,
            "Dieneba Deployed",
            languages={"fr": 4},
            expertise={"electoral_disputes": 3},
            countries=["MLI"],
        ),
        "unvetted": add(
            world,
            "Ernest Unvetted",
            gender=Gender.MAN,
            languages={"fr": 3},
            expertise={"electoral_disputes": 3},
            countries=["BFA"],
            cleared=False,
        ),
        "not_standby": add(
            world,
            "Fanta Offstandby",
            languages={"fr": 3},
            expertise={"electoral_disputes": 1},
            countries=["TCD"],
            standby=False,
        ),
    }
    services.deploy_member(
        member=people["deployed"],
        mission="Ceasefire talks",
        requesting_organisation=world.personas.ecowas,
        role_type="mediation_adviser",
        start=today - dt.timedelta(days=10),
        end=today + dt.timedelta(days=20),
        actor=world.manager,
    )
    return people


def by_name(entries):
    return {c.full_name.split()[1]: c for c in entries}


def test_the_sahel_request_ranks_and_explains_each_candidate(world, sahel_roster) -> None:
    shortlist = selectors.shortlist_for(world.manager, world.roster, sahel_request())

    # Only the two who meet every requirement are listed, best first
    assert [c.full_name for c in shortlist.candidates] == ["Aïssata Best", "Bernard Nosahel"]
    best, second = shortlist.candidates
    assert best.score > second.score
    # The explanation says why: Sahel experience and depth, which the second lacks
    best_lines = {c.key: c for c in best.criteria}
    second_lines = {c.key: c for c in second.criteria}
    assert best_lines["country_experience"].met
    assert "MLI" in best_lines["country_experience"].detail
    assert not second_lines["country_experience"].met
    assert best_lines["region_experience"].met
    assert not second_lines["region_experience"].met
    assert best_lines["expertise:dialogue"].met
    assert not second_lines["expertise:dialogue"].met
    assert all(c.met for c in best.hard)
    assert {c.key for c in second.missing} >= {"country_experience", "region_experience"}
    # The score is exactly the share of soft points earned
    earned = sum(c.points for c in best.soft)
    on_offer = sum(c.max_points for c in best.soft)
    assert best.score == round(100 * earned / on_offer, 1)
    assert best.available_from == timezone.localdate()


def test_excluded_members_show_the_requirement_they_fail(world, sahel_roster) -> None:
    shortlist = selectors.shortlist_for(world.manager, world.roster, sahel_request())
    excluded = by_name(shortlist.excluded)
    failed = {name: {c.key for c in entry.failed} for name, entry in excluded.items()}
    assert failed["Englishonly"] == {"language:fr"}
    assert failed["Deployed"] == {"availability", "rapid"}
    assert "committed" in next(c for c in excluded["Deployed"].failed if c.key == "rapid").detail
    assert failed["Unvetted"] == {"vetting", "rapid"}
    assert failed["Offstandby"] == {"rapid"}
    assert shortlist.considered == 6


def test_without_the_72_hour_requirement_the_off_standby_member_is_listed(
    world, sahel_roster
) -> None:
    shortlist = selectors.shortlist_for(
        world.manager, world.roster, sahel_request(within_72_hours=False)
    )
    assert "Fanta Offstandby" in [c.full_name for c in shortlist.candidates]


def test_a_later_start_within_the_deadline_is_found_and_scored_lower(world) -> None:
    today = timezone.localdate()
    busy = add(world, "Gisele Busy", languages={"fr": 4}, expertise={"electoral_disputes": 3})
    free = add(world, "Habiba Free", languages={"fr": 4}, expertise={"electoral_disputes": 3})
    services.mark_unavailable(
        member=busy,
        start=today,
        end=today + dt.timedelta(days=1),
        reason="leave",
        actor=world.manager,
    )
    shortlist = selectors.shortlist_for(
        world.manager,
        world.roster,
        sahel_request(within_72_hours=False, deploy_by=today + dt.timedelta(days=5)),
    )
    ranked = by_name(shortlist.candidates)
    assert ranked["Busy"].available_from == today + dt.timedelta(days=2)
    assert ranked["Free"].available_from == today
    assert next(c.full_name for c in shortlist.candidates) == free.full_name
    assert not {c.key: c for c in ranked["Busy"].criteria}["starts_on_time"].met


def test_a_diversity_preference_lifts_women_and_global_south_nationals(world) -> None:
    add(world, "Ibrahim Same", gender=Gender.MAN, nationality="FRA", languages={"fr": 4},
        expertise={"electoral_disputes": 3})  # fmt: skip
    add(world, "Jeanne Same", gender=Gender.WOMAN, nationality="SEN", languages={"fr": 4},
        expertise={"electoral_disputes": 3})  # fmt: skip
    neutral = selectors.shortlist_for(
        world.manager, world.roster, sahel_request(within_72_hours=False)
    )
    assert neutral.candidates[0].score == neutral.candidates[1].score
    preferring = selectors.shortlist_for(
        world.manager,
        world.roster,
        sahel_request(within_72_hours=False, diversity=DiversityPreference.BOTH),
    )
    top = preferring.candidates[0]
    assert top.full_name == "Jeanne Same"
    lines = {c.key: c for c in top.criteria}
    assert lines["diversity:women"].met
    assert lines["diversity:global_south"].met


def test_role_and_seniority_are_requirements(world) -> None:
    add(world, "Kadi Junior", seniority=Seniority.JUNIOR, languages={"fr": 4},
        expertise={"electoral_disputes": 3}, role_types=["rapporteur"])  # fmt: skip
    shortlist = selectors.shortlist_for(
        world.manager,
        world.roster,
        sahel_request(
            within_72_hours=False, role_type="lead_mediator", min_seniority=Seniority.MID
        ),
    )
    assert shortlist.candidates == []
    assert {c.key for c in shortlist.excluded[0].failed} == {"role_type", "seniority"}
