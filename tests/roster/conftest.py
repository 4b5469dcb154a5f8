"""A roster world: the ECOWAS mediation roster (TLP:AMBER, shared with IGAD), its manager,
and an IGAD roster manager who manages nothing here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests.personas import Personas, make_roster_manager
from vigil.roster import services
from vigil.roster.choices import Gender, Seniority, VettingStatus
from vigil.roster.models import Roster
from vigil.sharing.choices import TLP
from vigil.sharing.services import share_record

TODAY = dt.date(2026, 3, 2)


@dataclass
class RosterWorld:
    personas: Personas
    roster: Roster
    manager: Any  # ECOWAS roster manager: sees personal data, changes the roster
    igad_manager: Any  # IGAD roster manager: sees the shared roster, no personal data


@pytest.fixture
def world(personas: Personas, reference_geography: None) -> RosterWorld:
    manager = make_roster_manager(personas.ecowas)
    igad_manager = make_roster_manager(personas.igad, username="igad_roster_manager")
    roster = services.create_roster(
        owner_org=personas.ecowas,
        name="ECOWAS mediation roster",
        slug="ecowas-mediation",
        actor=manager,
        tlp=TLP.AMBER,
        global_south_list=services.load_global_south_list(),
    )
    share_record(record=roster, actor=manager, organisation=personas.igad)
    return RosterWorld(personas, roster, manager, igad_manager)


def add(
    world: RosterWorld,
    name: str,
    *,
    gender: str = Gender.WOMAN,
    nationality: str = "SEN",
    seniority: str = Seniority.SENIOR,
    languages: dict[str, int] | None = None,
    expertise: dict[str, int] | None = None,
    regions: list[str] | None = None,
    countries: list[str] | None = None,
    role_types: list[str] | None = None,
    standby: bool = True,
    joined_on: dt.date = dt.date(2024, 1, 1),
    cleared: bool = True,
    email: str = "",
) -> Any:
    """A member added through the service, vetted (cleared until 2030) unless told not to."""
    member = services.add_member(
        roster=world.roster,
        actor=world.manager,
        data=services.MemberInput(
            full_name=name,
            gender=gender,
            nationality=nationality,
            seniority=seniority,
            languages=languages or {"en": 3},
            expertise=expertise or {},
            regions=regions or [],
            countries_of_experience=countries or [],
            role_types=role_types or ["mediation_adviser"],
            on_standby=standby,
            joined_on=joined_on,
            email=email or f"{name.split()[0].lower()}@example.org",
            phone="+221 555 0100",
        ),
    )
    if cleared:
        services.record_vetting(
            member=member,
            status=VettingStatus.CLEARED,
            decided_on=joined_on,
            valid_until=dt.date(2030, 12, 31),
            actor=world.manager,
        )
    return member
