"""Roster pages: members, a member with the managers' forms, the explained shortlist and the
dashboard, as the roster manager and as a colleague who only reads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.roster.conftest import add
from vigil.roster.models import Deployment, Unavailability, VettingRecord


@pytest.fixture
def manager(world) -> Client:
    client = Client()
    client.force_login(world.manager)
    return client


@pytest.fixture
def reader(world) -> Client:
    client = Client()
    client.force_login(world.personas.analyst)
    return client


def test_the_index_goes_straight_to_the_only_roster(world, reader) -> None:
    response = reader.get("/roster/")
    assert response.status_code == 302
    assert response["Location"] == f"/roster/{world.roster.slug}/"


def test_members_page_filters_and_links_to_tools(world, reader) -> None:
    add(world, "Awa French", languages={"fr": 4})
    add(world, "Bea English", languages={"en": 4})
    page = reader.get(f"/roster/{world.roster.slug}/", {"language": "fr"}).content.decode()
    assert "Awa French" in page
    assert "Bea English" not in page
    assert f"/roster/{world.roster.slug}/match/" in page
    assert f"/roster/{world.roster.slug}/export.csv" in page
    assert "Mediation roster" in page  # the nav link


def test_only_managers_get_the_forms_on_a_member_page(world, manager, reader) -> None:
    member = add(world, "Awa Test")
    assert 'id="deploy-form"' in manager.get(f"/roster/members/{member.pk}/").content.decode()
    assert 'id="deploy-form"' not in reader.get(f"/roster/members/{member.pk}/").content.decode()
    refused = reader.post(f"/roster/members/{member.pk}/unavailable/", {})
    assert refused.status_code == 403


def test_a_manager_deploys_from_the_page_and_a_clash_is_explained(world, manager) -> None:
    member = add(world, "Awa Test")
    form = {
        "mission": "Electoral dispute talks",
        "requesting_organisation": world.personas.igad.pk,
        "role_type": "mediation_adviser",
        "country": "MLI",
        "start": "2026-05-01",
        "end": "2026-05-20",
    }
    response = manager.post(f"/roster/members/{member.pk}/deploy/", form)
    assert response.status_code == 302
    assert Deployment.objects.filter(member=member, country_id="MLI").count() == 1
    clash = manager.post(f"/roster/members/{member.pk}/deploy/", {**form, "mission": "Other"})
    assert clash.status_code == 422
    assert "already deployed to Electoral dispute talks" in clash.content.decode()
    page = manager.get(f"/roster/members/{member.pk}/").content.decode()
    assert "Electoral dispute talks" in page


def test_a_manager_records_leave_vetting_and_a_debrief(world, manager) -> None:
    member = add(world, "Awa Test", cleared=False)
    today = timezone.localdate()
    manager.post(
        f"/roster/members/{member.pk}/unavailable/",
        {"start": today + dt.timedelta(days=1), "end": today + dt.timedelta(days=9),
         "reason": "leave"},
    )  # fmt: skip
    assert Unavailability.objects.filter(member=member).count() == 1
    manager.post(
        f"/roster/members/{member.pk}/vetting/",
        {"status": "cleared", "decided_on": today, "valid_until": today + dt.timedelta(days=365)},
    )
    assert VettingRecord.objects.get(member=member).status == "cleared"
    page = manager.get(f"/roster/members/{member.pk}/").content.decode()
    assert "unavailable" in page
    assert "Cleared" in page
    # The leave falls inside the 72-hour window, so the page says why she is not deployable
    assert "committed" in page
    deployment = Deployment.objects.create(
        member=member, mission="Past talks", requesting_organisation=world.personas.ecowas,
        role_type="mediation_adviser", start=dt.date(2025, 1, 1), end=dt.date(2025, 1, 9),
    )  # fmt: skip
    manager.post(
        f"/roster/deployments/{deployment.pk}/debrief/",
        {"summary": "Steady under pressure.", "rating": "4", "lessons": "Arrive early."},
    )
    deployment.refresh_from_db()
    assert (deployment.debrief_rating, deployment.lessons) == (4, "Arrive early.")


def test_the_match_page_shows_the_explained_shortlist(world, reader) -> None:
    add(world, "Awa Sahel", languages={"fr": 4}, expertise={"electoral_disputes": 3},
        countries=["MLI"], regions=["ECOWAS"])  # fmt: skip
    add(world, "Bea English", languages={"en": 4}, expertise={"electoral_disputes": 3})
    today = timezone.localdate()
    response = reader.get(
        f"/roster/{world.roster.slug}/match/",
        {
            "start_date": today,
            "deploy_by": today + dt.timedelta(days=3),
            "duration_days": 30,
            "required_language": "fr",
            "required_level": 3,
            "required_expertise": ["electoral_disputes"],
            "regions": ["ECOWAS"],
            "countries": ["MLI", "NER"],
            "within_72_hours": "on",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 of 2 members meet every requirement" in page
    assert "Has worked in the countries concerned" in page
    assert "Deployable within 72 hours" in page
    assert "1 member excluded" in page
    assert "Bea English" in page
    assert 'class="criterion unmet hard"' in page  # Bea's missing French, shown as such


def test_the_match_form_refuses_a_deadline_before_the_start(world, reader) -> None:
    response = reader.get(
        f"/roster/{world.roster.slug}/match/",
        {"start_date": "2030-01-10", "deploy_by": "2030-01-01", "duration_days": 30,
         "required_level": 3},
    )  # fmt: skip
    assert response.status_code == 422
    assert "The deadline cannot be before the start date." in response.content.decode()


def test_the_dashboard_page_shows_readiness_diversity_and_history(world, reader) -> None:
    add(world, "Awa One", nationality="SEN", languages={"fr": 4})
    add(world, "Bruno Two", gender="man", nationality="FRA", standby=False)
    page = reader.get(f"/roster/{world.roster.slug}/dashboard/").content.decode()
    assert '<strong id="deployable-count">1</strong>' in page
    assert 'data-population="overall" data-measure="women"' in page
    assert "50.0%" in page
    assert 'id="history-table"' in page
    assert "Group of 77 and China" in page


def test_a_manager_adds_a_member_from_the_page(world, manager) -> None:
    response = manager.post(
        f"/roster/{world.roster.slug}/members/new/",
        {
            "full_name": "Zeinab Newcomer",
            "gender": "woman",
            "seniority": "mid",
            "role_types": ["thematic_expert"],
            "joined_on": "2025-01-01",
            "on_standby": "on",
            "languages_native": ["ar"],
            "languages_fluent": ["fr"],
            "expertise_expert": ["natural_resources"],
            "expertise_familiar": ["facilitation"],
            "regions": ["ECOWAS"],
            "countries_of_experience": ["MLI", "NER"],
            "nationality": "MRT",
            "email": "zeinab@example.org",
        },
    )
    assert response.status_code == 302
    member = world.roster.members.get(full_name="Zeinab Newcomer")
    assert dict(member.languages.values_list("language", "proficiency")) == {"ar": 4, "fr": 3}
    assert dict(member.expertise.values_list("code", "level")) == {
        "natural_resources": 3,
        "facilitation": 1,
    }
    assert member.nationality_id == "MRT"
    assert member.on_standby


def test_a_language_at_two_levels_is_refused_and_readers_cannot_add(world, manager, reader) -> None:
    response = manager.post(
        f"/roster/{world.roster.slug}/members/new/",
        {"full_name": "X", "gender": "woman", "seniority": "mid", "joined_on": "2025-01-01",
         "languages_native": ["fr"], "languages_basic": ["fr"]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "Each is listed at one level only." in response.content.decode()
    assert reader.get(f"/roster/{world.roster.slug}/members/new/").status_code == 403


def test_the_edit_form_starts_from_the_profile_and_saves_a_promotion(world, manager) -> None:
    member = add(world, "Awa Test", seniority="mid", languages={"fr": 4}, nationality="SEN")
    page = manager.get(f"/roster/members/{member.pk}/edit/").content.decode()
    assert 'value="Awa Test"' in page
    assert '<option value="SEN" selected>' in page
    response = manager.post(
        f"/roster/members/{member.pk}/edit/",
        {"full_name": "Awa Test", "gender": "woman", "seniority": "senior",
         "joined_on": "2024-01-01", "languages_native": ["fr"], "nationality": "SEN"},
    )  # fmt: skip
    assert response.status_code == 302
    assert list(member.seniority_history.values_list("seniority", flat=True)) == ["mid", "senior"]
