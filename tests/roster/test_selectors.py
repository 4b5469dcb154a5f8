"""Reads of rosters: the policy decides which rosters, filters narrow their members."""

from __future__ import annotations

import pytest
from django.http import Http404

from tests.factories import RosterFactory, RosterMemberFactory
from tests.roster.conftest import add
from vigil.roster import selectors
from vigil.sharing.choices import TLP


def test_a_strict_roster_of_another_organisation_is_invisible_alike(world) -> None:
    strict = RosterFactory(owner_org=world.personas.igad, tlp=TLP.AMBER_STRICT)
    member = RosterMemberFactory(roster=strict)
    with pytest.raises(Http404):
        selectors.roster_for(world.personas.analyst, strict.slug)
    with pytest.raises(Http404):
        selectors.member_for(world.personas.analyst, member.pk)
    with pytest.raises(Http404):
        selectors.roster_for(world.personas.analyst, "no-such-roster")
    assert selectors.member_for(world.igad_manager, member.pk) == member


def test_members_filter_by_language_expertise_region_and_text(world) -> None:
    add(world, "Awa Sahel", languages={"fr": 4}, expertise={"ceasefires": 2}, regions=["ECOWAS"])
    add(world, "Bea Horn", languages={"en": 4}, expertise={"ddr": 3}, regions=["IGAD"])
    reader = world.personas.analyst

    def names(**filters):
        return [m.full_name for m in selectors.members_of(reader, world.roster, **filters)]

    assert names(language="fr") == ["Awa Sahel"]
    assert names(expertise="ddr") == ["Bea Horn"]
    assert names(region="IGAD") == ["Bea Horn"]
    assert names(q="sahel") == ["Awa Sahel"]


def test_past_members_are_listed_only_when_asked(world) -> None:
    import datetime as dt

    from vigil.roster import services

    gone = add(world, "Old Member", joined_on=dt.date(2020, 1, 1))
    services.remove_member(member=gone, left_on=dt.date(2021, 1, 1), actor=world.manager)
    assert list(selectors.members_of(world.manager, world.roster)) == []
    assert list(selectors.members_of(world.manager, world.roster, current_only=False)) == [gone]


def test_a_profile_is_built_once_for_every_surface(world) -> None:
    member = add(world, "Awa Test", languages={"fr": 4}, expertise={"drafting": 3, "ddr": 2})
    for_manager = selectors.member_profile(world.manager, member)
    for_reader = selectors.member_profile(world.personas.analyst, member)
    assert set(for_manager) - set(for_reader) == {
        "email", "phone", "contact_notes", "nationality", "vetting_note",
    }  # fmt: skip
    assert for_reader["process_expertise"] == [{"code": "drafting", "level": 3}]
    assert for_reader["thematic_expertise"] == [{"code": "ddr", "level": 2}]
    assert for_reader["deployable_72h"] is True
