"""Writes on rosters: only the owner's roster managers, every change a row, deployments
block their days, and the Global South status follows the editable list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.roster.conftest import add
from vigil.geo.models import Country
from vigil.roster import selectors, services
from vigil.roster.choices import RosterAction, Seniority, UnavailabilityReason
from vigil.roster.models import GlobalSouthList, Roster, RosterActivity


def deploy(world, member, start, end, **extra):
    return services.deploy_member(
        member=member,
        mission=extra.pop("mission", "Electoral dispute talks"),
        requesting_organisation=world.personas.ecowas,
        role_type="mediation_adviser",
        start=start,
        end=end,
        actor=world.manager,
        **extra,
    )


def test_a_deployment_makes_the_person_unavailable_on_its_days(world) -> None:
    # Given a member free in May
    member = add(world, "Awa Test")
    facts = selectors.facts_of(selectors.member_for(world.manager, member.pk), None)
    assert facts.is_free(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    # When they are deployed for the first half of May
    deploy(world, member, dt.date(2026, 5, 1), dt.date(2026, 5, 15))
    # Then they are busy those days and free after
    facts = selectors.facts_of(selectors.member_for(world.manager, member.pk), None)
    assert not facts.is_free(dt.date(2026, 5, 15), dt.date(2026, 5, 15))
    assert facts.is_free(dt.date(2026, 5, 16), dt.date(2026, 5, 31))


def test_an_overlapping_deployment_is_refused_and_a_cancelled_one_frees_the_days(world) -> None:
    member = add(world, "Awa Test")
    first = deploy(world, member, dt.date(2026, 5, 1), dt.date(2026, 5, 15))
    with pytest.raises(ValidationError) as refused:
        deploy(world, member, dt.date(2026, 5, 10), dt.date(2026, 5, 20), mission="Second")
    assert "already deployed" in str(refused.value)
    services.cancel_deployment(deployment=first, reason="Talks postponed", actor=world.manager)
    second = deploy(world, member, dt.date(2026, 5, 10), dt.date(2026, 5, 20), mission="Second")
    assert second.pk


def test_a_deployment_during_declared_leave_is_refused(world) -> None:
    member = add(world, "Awa Test")
    services.mark_unavailable(
        member=member,
        start=dt.date(2026, 6, 1),
        end=dt.date(2026, 6, 30),
        reason=UnavailabilityReason.LEAVE,
        actor=world.manager,
    )
    with pytest.raises(ValidationError) as refused:
        deploy(world, member, dt.date(2026, 6, 20), dt.date(2026, 7, 5))
    assert "unavailable" in str(refused.value)


@pytest.mark.parametrize("who", ["analyst", "igad_manager", "other_org_analyst"])
def test_only_the_owners_roster_managers_write(world, who) -> None:
    member = add(world, "Awa Test")
    actor = getattr(world, who, None) or getattr(world.personas, who)
    with pytest.raises(PermissionDenied):
        services.deploy_member(
            member=member,
            mission="Electoral dispute talks",
            requesting_organisation=world.personas.ecowas,
            role_type="mediation_adviser",
            start=dt.date(2026, 5, 1),
            end=dt.date(2026, 5, 2),
            actor=actor,
        )
    with pytest.raises(PermissionDenied):
        services.set_standby(member=member, on_standby=False, actor=actor)


def test_every_write_leaves_an_activity_row(world) -> None:
    member = add(world, "Awa Test")
    deployment = deploy(world, member, dt.date(2026, 1, 5), dt.date(2026, 1, 20))
    services.record_debrief(
        deployment=deployment,
        summary="Kept both parties at the table.",
        rating=4,
        lessons="Brief the facilitators on the electoral code earlier.",
        actor=world.manager,
    )
    actions = set(RosterActivity.objects.filter(member=member).values_list("action", flat=True))
    assert {
        RosterAction.MEMBER_ADDED,
        RosterAction.VETTING_RECORDED,
        RosterAction.DEPLOYED,
        RosterAction.DEBRIEFED,
    } <= actions
    assert all(a.actor_id == world.manager.pk for a in RosterActivity.objects.filter(member=member))


def test_a_debrief_rating_outside_one_to_five_is_refused(world) -> None:
    member = add(world, "Awa Test")
    deployment = deploy(world, member, dt.date(2026, 1, 5), dt.date(2026, 1, 20))
    with pytest.raises(ValidationError):
        services.record_debrief(
            deployment=deployment, summary="x", rating=7, lessons="", actor=world.manager
        )


def test_a_promotion_is_a_dated_row_and_the_past_keeps_its_level(world) -> None:
    member = add(world, "Awa Test", seniority=Seniority.MID, joined_on=dt.date(2022, 1, 1))
    services.change_seniority(
        member=member,
        seniority=Seniority.SENIOR,
        effective_on=dt.date(2025, 7, 1),
        actor=world.manager,
    )
    member.refresh_from_db()
    facts = selectors.facts_of(selectors.member_for(world.manager, member.pk), None)
    assert member.seniority == Seniority.SENIOR
    assert facts.seniority_on(dt.date(2025, 6, 30)) == Seniority.MID
    assert facts.seniority_on(dt.date(2025, 7, 1)) == Seniority.SENIOR


def test_global_south_status_follows_the_editable_list(world) -> None:
    # Given a Senegalese member: Senegal is in the G77 list the roster uses
    member = add(world, "Awa Test", nationality="SEN")
    south = selectors.global_south_countries(world.roster)
    assert selectors.is_global_south(member, south) is True
    # When the list is edited to drop Senegal, the status follows, with no code change
    GlobalSouthList.objects.get(code="g77").countries.remove(Country.objects.get(iso3="SEN"))
    assert (
        selectors.is_global_south(member, selectors.global_south_countries(world.roster)) is False
    )
    # And without a nationality the status is unknown, not "no"
    member.nationality = None
    assert selectors.is_global_south(member, south) is None


def test_the_g77_list_is_loaded_from_its_sourced_file(world) -> None:
    listing = GlobalSouthList.objects.get(code="g77")
    codes = set(listing.countries.values_list("iso3", flat=True))
    assert len(codes) == 135
    assert {"NGA", "BRA", "CHN", "IND", "PSE"} <= codes
    assert not {"FRA", "USA", "JPN", "MEX", "KOR"} & codes
    assert listing.source_url.startswith("https://www.g77.org")


def test_invalid_profiles_are_refused_field_by_field(world) -> None:
    with pytest.raises(ValidationError) as refused:
        services.add_member(
            roster=world.roster,
            actor=world.manager,
            data=services.MemberInput(
                full_name=" ",
                seniority="grand",
                languages={"xx": 3},
                regions=["NOWHERE"],
                countries_of_experience=["ZZZ"],
            ),
        )
    assert set(refused.value.message_dict) >= {
        "full_name",
        "seniority",
        "languages",
        "regions",
        "countries_of_experience",
    }


def test_the_demo_roster_loads_once_with_fictional_members(reference_geography) -> None:
    roster = services.load_demo_roster()
    again = services.load_demo_roster()
    assert roster.pk == again.pk
    assert Roster.objects.filter(slug="demo-mediation-roster").count() == 1
    members = roster.members.all()
    assert members.count() == 12
    assert all(m.email.endswith("@example.org") for m in members)
    assert roster.targets.count() == 6
