"""`/api/v1/roster`: the shortlist and dashboard as JSON, and the managers' writes."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests.roster.conftest import add
from vigil.roster.models import Deployment

API = "/api/v1/roster"


def post(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body, default=str), "application/json")


@pytest.fixture
def manager_client(world) -> Client:
    client = Client()
    client.force_login(world.manager)
    return client


@pytest.fixture
def analyst_client(world) -> Client:
    client = Client()
    client.force_login(world.personas.analyst)
    return client


def test_match_returns_a_ranked_explained_shortlist(world, analyst_client) -> None:
    add(world, "Aïssata Best", languages={"fr": 4}, expertise={"electoral_disputes": 3},
        countries=["MLI"], regions=["ECOWAS"])  # fmt: skip
    add(world, "Bob Second", languages={"fr": 3}, expertise={"electoral_disputes": 1})
    add(world, "Carl English", languages={"en": 4}, expertise={"electoral_disputes": 3})
    today = timezone.localdate()
    response = post(
        analyst_client,
        f"{API}/rosters/{world.roster.slug}/match",
        {
            "start_date": today,
            "deploy_by": today + dt.timedelta(days=3),
            "required_languages": [{"code": "fr", "min_proficiency": 3}],
            "required_expertise": ["electoral_disputes"],
            "regions": ["ECOWAS"],
            "countries": ["MLI", "NER", "BFA"],
            "within_72_hours": True,
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["considered"], data["eligible"]) == (3, 2)
    assert [(c["rank"], c["member"]["full_name"]) for c in data["candidates"]] == [
        (1, "Aïssata Best"),
        (2, "Bob Second"),
    ]
    top = data["candidates"][0]
    assert top["score"] > data["candidates"][1]["score"]
    lines = {c["key"]: c for c in top["criteria"]}
    assert lines["rapid"] == {**lines["rapid"], "hard": True, "met": True}
    assert lines["country_experience"]["met"]
    assert lines["country_experience"]["points"] == 15
    excluded = data["excluded"][0]
    assert excluded["member"]["full_name"] == "Carl English"
    assert [c["key"] for c in excluded["criteria"] if c["hard"] and not c["met"]] == ["language:fr"]


def test_match_rejects_an_unknown_language_with_problem_json(world, analyst_client) -> None:
    response = post(
        analyst_client,
        f"{API}/rosters/{world.roster.slug}/match",
        {"start_date": "2030-01-01", "required_languages": [{"code": "xx"}]},
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_dashboard_reports_readiness_and_shares(world, analyst_client) -> None:
    add(world, "Awa One", nationality="SEN", languages={"fr": 4}, regions=["ECOWAS"])
    add(world, "Bruno Two", gender="man", nationality="FRA", standby=False)
    response = analyst_client.get(f"{API}/rosters/{world.roster.slug}/dashboard", {"months": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["readiness"]["members"] == 2
    assert data["readiness"]["deployable_72h"] == 1
    assert data["readiness"]["by_language"] == [{"key": "fr", "count": 1}]
    assert data["readiness"]["not_deployable_because"] == [{"key": "standby", "count": 1}]
    overall_women = next(
        s for s in data["diversity"] if (s["measure"], s["population"]) == ("women", "overall")
    )
    assert (overall_women["count"], overall_women["total"], overall_women["percent"]) == (
        1,
        2,
        50.0,
    )
    assert len(data["history"]) == 3
    assert data["global_south_definition"] == "Group of 77 and China"


def test_a_manager_adds_a_member_deploys_and_debriefs(world, manager_client) -> None:
    created = post(
        manager_client,
        f"{API}/rosters/{world.roster.slug}/members",
        {
            "full_name": "Zeinab Newcomer",
            "seniority": "mid",
            "gender": "woman",
            "nationality": "mrt",
            "languages": {"ar": 4, "fr": 3},
            "expertise": {"natural_resources": 3, "facilitation": 2},
            "regions": ["ECOWAS"],
            "countries_of_experience": ["MLI"],
            "email": "zeinab@example.org",
            "on_standby": True,
            "joined_on": "2024-01-01",
        },
    )
    assert created.status_code == 201, created.content
    member = created.json()
    assert member["nationality"] == "MRT"
    assert member["global_south"] is True
    assert member["process_expertise"] == [{"code": "facilitation", "level": 2}]
    vetted = post(
        manager_client,
        f"{API}/members/{member['id']}/vetting",
        {"status": "cleared", "decided_on": "2024-02-01", "valid_until": "2031-01-01"},
    )
    assert vetted.json()["vetting_status"] == "cleared"
    deployed = post(
        manager_client,
        f"{API}/members/{member['id']}/deployments",
        {
            "mission": "Natural resources dialogue",
            "requesting_organisation": world.personas.igad.slug,
            "role_type": "thematic_expert",
            "start": "2025-03-01",
            "end": "2025-03-20",
            "country": "mli",
        },
    )
    assert deployed.status_code == 201, deployed.content
    assert deployed.json()["status"] == "completed"
    clash = post(
        manager_client,
        f"{API}/members/{member['id']}/deployments",
        {
            "mission": "Clash",
            "requesting_organisation": world.personas.igad.slug,
            "role_type": "thematic_expert",
            "start": "2025-03-10",
            "end": "2025-03-30",
        },
    )
    assert clash.status_code == 422
    assert clash.json()["errors"][0]["field"] == "start"
    debriefed = post(
        manager_client,
        f"{API}/deployments/{deployed.json()['id']}/debrief",
        {"summary": "Good", "rating": 5, "lessons": "Bring maps."},
    )
    assert debriefed.json()["debrief_rating"] == 5
    listed = manager_client.get(f"{API}/rosters/{world.roster.slug}/deployments").json()
    assert [d["mission"] for d in listed] == ["Natural resources dialogue"]


def test_unavailability_standby_targets_and_cancel(world, manager_client) -> None:
    member = add(world, "Awa Test")
    period = post(
        manager_client,
        f"{API}/members/{member.pk}/unavailability",
        {"start": "2031-01-01", "end": "2031-01-10", "reason": "leave"},
    )
    assert period.status_code == 201
    standby = post(manager_client, f"{API}/members/{member.pk}/standby", {"on_standby": False})
    assert standby.json()["deployable_72h"] is False
    target = post(
        manager_client,
        f"{API}/rosters/{world.roster.slug}/targets",
        {"measure": "women", "population": "senior", "target_percent": 50,
         "effective_from": "2026-01-01"},
    )  # fmt: skip
    assert target.status_code == 201
    deployment = post(
        manager_client,
        f"{API}/members/{member.pk}/deployments",
        {"mission": "Later", "requesting_organisation": "ecowas", "role_type": "mediation_adviser",
         "start": "2031-02-01", "end": "2031-02-10"},
    )  # fmt: skip
    cancelled = post(
        manager_client, f"{API}/deployments/{deployment.json()['id']}/cancel", {"reason": "Off"}
    )
    assert cancelled.json()["status"] == "cancelled"


def test_writes_are_refused_to_readers_who_do_not_manage_the_roster(world, analyst_client) -> None:
    member = add(world, "Awa Test")
    refused = post(analyst_client, f"{API}/members/{member.pk}/standby", {"on_standby": False})
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    anonymous = post(Client(), f"{API}/members/{member.pk}/standby", {"on_standby": False})
    assert anonymous.status_code == 401
    assert not Deployment.objects.exists()


def test_the_member_list_costs_the_same_queries_for_two_or_twelve(
    world, analyst_client, django_assert_max_num_queries
) -> None:
    for i in range(2):
        add(world, f"Early {i}", countries=["MLI"], regions=["ECOWAS"])
    url = f"{API}/rosters/{world.roster.slug}/members"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert len(analyst_client.get(url).json()) == 2
    for i in range(10):
        add(world, f"Later {i}", countries=["NER"], regions=["ECOWAS"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(analyst_client.get(url).json()) == 12


def test_rosters_list_says_which_you_manage(world, manager_client, analyst_client) -> None:
    assert manager_client.get(f"{API}/rosters").json()[0]["you_manage"] is True
    assert analyst_client.get(f"{API}/rosters").json()[0]["you_manage"] is False
    assert Client().get(f"{API}/rosters").json() == []


def test_a_manager_updates_a_profile_and_a_promotion_is_dated(world, manager_client) -> None:
    member = add(world, "Awa Test", seniority="mid", languages={"fr": 3})
    response = manager_client.put(
        f"{API}/members/{member.pk}",
        json.dumps(
            {"full_name": "Awa Test", "seniority": "senior", "gender": "woman",
             "nationality": "sen", "languages": {"fr": 4, "wo": 4}, "on_standby": True}
        ),
        "application/json",
    )  # fmt: skip
    assert response.status_code == 200, response.content
    assert response.json()["seniority"] == "senior"
    assert {(lang["code"], lang["proficiency"]) for lang in response.json()["languages"]} == {
        ("fr", 4),
        ("wo", 4),
    }
    history = list(member.seniority_history.values_list("seniority", "effective_on"))
    assert history == [("mid", dt.date(2024, 1, 1)), ("senior", timezone.localdate())]


def test_a_member_who_leaves_drops_off_the_current_list(world, manager_client) -> None:
    member = add(world, "Awa Test", joined_on=dt.date(2020, 1, 1))
    left = post(manager_client, f"{API}/members/{member.pk}/leave", {"left_on": "2021-01-01"})
    assert left.json()["left_on"] == "2021-01-01"
    assert manager_client.get(f"{API}/rosters/{world.roster.slug}/members").json() == []
