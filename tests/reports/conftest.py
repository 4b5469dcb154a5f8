"""Fixtures of the products tests: a day of events of every TLP mark in Nigeria (ECOWAS),
and a stored analysis run written directly with the ORM, as `vigil analyse` would."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest

from tests.factories import EventFactory, MembershipFactory, UserFactory
from vigil.actors.choices import Role
from vigil.events.models import SourceCoverage
from vigil.sharing.choices import TLP
from vigil.sharing.models import Share

DAY = dt.date(2024, 3, 14)


@dataclass
class MarkedEvents:
    """One event per mark, on DAY in Nigeria; deaths differ so sums tell which were used."""

    clear: Any
    green: Any
    amber: Any  # ECOWAS's own
    amber_strict: Any  # ECOWAS's own
    red: Any  # ECOWAS's, shared with nobody by name
    amber_igad_shared: Any  # IGAD's AMBER, shared with ECOWAS


@pytest.fixture
def marked_events(reference_geography: None, personas: Any) -> MarkedEvents:
    def event(mark: str, deaths: int, owner: Any, **extra: Any) -> Any:
        return EventFactory(
            tlp=mark, owner_org=owner, fatalities_best=deaths, date_start=DAY, **extra
        )

    # UCDP covers Nigeria over the products' dates (no other member state: no data is not zero).
    SourceCoverage.objects.create(
        source="ucdp_ged", release="24.1", country="NGA", kind="events",
        first_date=dt.date(1989, 1, 1), last_date=dt.date(2024, 12, 31),
        derived_first=dt.date(1989, 1, 1), derived_last=dt.date(2024, 12, 31),
        owner_org=personas.ecowas, tlp=TLP.CLEAR,
    )  # fmt: skip
    igad_event = event(TLP.AMBER, 64, personas.igad)
    from django.contrib.contenttypes.models import ContentType

    Share.objects.create(
        content_type=ContentType.objects.get_for_model(igad_event),
        object_id=igad_event.pk,
        organisation=personas.ecowas,
    )
    return MarkedEvents(
        clear=event(TLP.CLEAR, 1, personas.ecowas),
        green=event(TLP.GREEN, 2, personas.ecowas),
        amber=event(TLP.AMBER, 4, personas.ecowas),
        amber_strict=event(TLP.AMBER_STRICT, 8, personas.ecowas),
        red=event(TLP.RED, 16, personas.ecowas),
        amber_igad_shared=igad_event,
    )


@pytest.fixture
def second_analyst(personas: Any) -> Any:
    """Another ECOWAS analyst: reviews what `analyst` writes."""
    user = UserFactory(username="second_analyst")
    MembershipFactory(user=user, organisation=personas.ecowas, role=Role.ANALYST)
    return user
